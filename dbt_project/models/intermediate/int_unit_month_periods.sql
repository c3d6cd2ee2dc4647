-- Which (year, month, unit) rows are scored, with each row's period, snapshot and funds report (SPEC 3).
--   * months scored for year y: 1 .. the month of the latest week_end received in y;
--   * a unit has a row for (y, m) when it is active on some day of month m and has any report in year y;
--   * the period is 1 January y .. the last day of m; the snapshot is the unit's report (latest version) of the
--     ISO week that contains the period end or, until that one has arrived, of its latest earlier week that
--     still reaches into the period (week_end >= 1 January y); none when the unit has not reported yet in y;
--   * the funds report (F reads funds_ytd from it) is the latest of those reports whose ISO week-year is y: the
--     snapshot itself, except in December of a year whose last days are in week 1 of y + 1 (the snapshot is
--     then that W01 and F reads the unit's last report of week-year y) and in January while only a report of
--     week-year y - 1 has arrived (no funds report: F is 0).
with reports as (

    select unit_code, week_label, week_start, week_end, year, iso_year, file_sha256, version
    from {{ ref('stg_report_files') }}

),

scored_months as (

    select
        report_years.year,
        months.n + 1 as month
    from (
        select year, cast(extract(month from max(week_end)) as integer) as last_month
        from reports
        group by year
    ) as report_years
    cross join {{ integers(12, 'months', 'n') }}
    where months.n + 1 <= report_years.last_month

),

unit_years as (

    select distinct unit_code, year
    from reports

),

periods as (

    select
        scored_months.year,
        scored_months.month,
        units.unit_code,
        units.unit_type,
        {{ month_start('scored_months.year', 1) }} as period_start,
        {{ month_start('scored_months.year', 'scored_months.month') }} as month_start,
        {{ month_end('scored_months.year', 'scored_months.month') }} as period_end
    from scored_months
    inner join unit_years
        on unit_years.year = scored_months.year
    inner join {{ ref('units') }} as units
        on units.unit_code = unit_years.unit_code

),

active_periods as (

    select periods.*
    from periods
    inner join {{ ref('units') }} as units
        on units.unit_code = periods.unit_code
    where units.active_from <= periods.period_end
      and (units.active_to is null or units.active_to >= periods.month_start)

),

snapshot_weeks as (

    select
        active_periods.year,
        active_periods.month,
        active_periods.unit_code,
        max(reports.week_end) as snapshot_week_end,
        max(case when reports.iso_year = active_periods.year then reports.week_end end) as funds_week_end
    from active_periods
    inner join reports
        on reports.unit_code = active_periods.unit_code
        and reports.week_end >= active_periods.period_start
        and reports.week_start <= active_periods.period_end
    group by active_periods.year, active_periods.month, active_periods.unit_code

)

select
    active_periods.year,
    active_periods.month,
    active_periods.unit_code,
    active_periods.unit_type,
    active_periods.period_start,
    active_periods.month_start,
    active_periods.period_end,
    reports.week_label as snapshot_week_label,
    reports.week_end as snapshot_week_end,
    reports.version as snapshot_version,
    reports.file_sha256 as snapshot_file_sha256,
    funds_reports.week_label as funds_week_label,
    funds_reports.week_end as funds_week_end,
    funds_reports.version as funds_version,
    funds_reports.file_sha256 as funds_file_sha256
from active_periods
left join snapshot_weeks
    on snapshot_weeks.year = active_periods.year
    and snapshot_weeks.month = active_periods.month
    and snapshot_weeks.unit_code = active_periods.unit_code
left join reports
    on reports.unit_code = snapshot_weeks.unit_code
    and reports.week_end = snapshot_weeks.snapshot_week_end
left join reports as funds_reports
    on funds_reports.unit_code = snapshot_weeks.unit_code
    and funds_reports.week_end = snapshot_weeks.funds_week_end
