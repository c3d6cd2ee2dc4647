-- The unit register (seed `units`) with a summary of the reports received.
with reports as (

    select
        unit_code,
        count(*) as weeks_reported,
        min(week_label) as first_week_label,
        max(week_label) as last_week_label,
        max(week_end) as last_week_end
    from {{ ref('stg_report_files') }}
    group by unit_code

)

select
    units.unit_code,
    units.name_zh,
    units.unit_type,
    units.active_from,
    units.active_to,
    cast(coalesce(reports.weeks_reported, 0) as integer) as weeks_reported,
    reports.first_week_label,
    reports.last_week_label,
    reports.last_week_end
from {{ ref('units') }} as units
left join reports
    on reports.unit_code = units.unit_code
