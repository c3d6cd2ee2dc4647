-- A view, so `status` and the gate read the same live answer as the scores (issue 21).
{{ config(materialized='view') }}

-- Expected vs received weekly reports per unit and ISO week (of the years for which any report was received).
-- A week is expected from a unit when its Sunday falls within the unit's active dates [active_from, active_to].
-- It is due once any unit has reported that week or a later one (weeks after the latest week received are not
-- missing yet: an incomplete current month is not penalised for weeks that have not happened).
with reports as (

    select unit_code, week_label, version, versions_received, file_sha256, received_at
    from {{ ref('stg_report_files') }}

)

select
    weeks.year,
    weeks.month,
    weeks.week_label,
    weeks.week_start,
    weeks.week_end,
    units.unit_code,
    units.unit_type,
    (
        units.active_from <= weeks.week_end
        and (units.active_to is null or units.active_to >= weeks.week_end)
    ) as is_expected,
    (weeks.week_end <= latest.week_end) as is_due,
    (reports.unit_code is not null) as is_received,
    reports.version,
    reports.versions_received,
    reports.file_sha256,
    reports.received_at
from {{ ref('int_calendar_weeks') }} as weeks
cross join {{ ref('units') }} as units
cross join (select max(week_end) as week_end from {{ ref('stg_report_files') }}) as latest
left join reports
    on reports.unit_code = units.unit_code
    and reports.week_label = weeks.week_label
