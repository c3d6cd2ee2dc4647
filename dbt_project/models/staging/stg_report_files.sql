-- The latest version of each (unit, ISO week) report; superseded versions stay in raw.report_files.
with ranked as (

    select
        report_files.*,
        row_number() over (
            partition by unit_code, week_label
            order by version desc, received_at desc
        ) as version_rank,
        count(*) over (partition by unit_code, week_label) as versions_received
    from {{ source('raw', 'report_files') }} as report_files

)

select
    file_sha256,
    source_path,
    archive_path,
    trim(unit_code) as unit_code,
    cast(iso_year as integer) as iso_year,
    cast(iso_week as integer) as iso_week,
    week_label,
    cast(week_start as date) as week_start,
    cast(week_end as date) as week_end,
    -- a week belongs to the year and month of its Sunday (2020-W53 ends 3 Jan 2021: year 2021, month 1)
    cast(extract(year from week_end) as integer) as year,
    cast(extract(month from week_end) as integer) as month,
    file_format,
    cast(version as integer) as version,
    cast(versions_received as integer) as versions_received,
    received_at,
    cast(ledger_rows as integer) as ledger_row_count,
    cast(lead_rows as integer) as lead_row_count,
    warnings
from ranked
where version_rank = 1
