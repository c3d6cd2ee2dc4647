-- The project rows of each unit-month snapshot (int_unit_month_periods: the unit's report of the ISO week that
-- contains the period end, or its latest earlier one), with the flags that say in which indicator each row counts
-- (SPEC 3). in_snapshot: the row is in the snapshot (projects are counted from it, dated facts by their dates);
-- in_funds_report: the row is in the report F reads funds_ytd from (the snapshot, or the unit's last report of
-- week-year y when the snapshot is week 1 of y + 1: its rows are then here too, with in_snapshot false).
-- Rows of a project reported by two units in the same week stay here for traceability but count for nothing
-- (is_cross_unit_duplicate).
-- A view: the rows are read from raw.ledger_rows by the exact (unit, week, version) the build chose, so a report
-- resent after the build does not change them; each reader computes only the columns and rows it uses (writing
-- the ~2.4 M wide rows of L as a table cost more than every reader's join together).
{{ config(materialized='view') }}

-- the major-project threshold of the method scoring each year (int_method_parameters), else the seed's
with parameters as (

    select
        years.year,
        coalesce(methods.major_project_threshold, defaults.major_project_threshold) as major_project_threshold
    from (select distinct year from {{ ref('int_unit_month_periods') }}) as years
    cross join {{ ref('int_scoring_parameters') }} as defaults
    left join {{ ref('int_method_parameters') }} as methods
        on years.year >= methods.year_from
        and (methods.year_to is null or years.year <= methods.year_to)

),

-- the unit-months with a snapshot and their year's threshold (joined per unit-month, not per ledger row)
periods as (

    select
        periods.year, periods.month, periods.unit_code, periods.unit_type, periods.period_start,
        periods.period_end, periods.snapshot_week_label, periods.snapshot_week_end, periods.snapshot_version,
        periods.funds_week_label, periods.funds_week_end, periods.funds_version,
        parameters.major_project_threshold
    from {{ ref('int_unit_month_periods') }} as periods
    inner join parameters
        on parameters.year = periods.year
    where periods.snapshot_week_label is not null

),

-- the reports each unit-month reads: one row when the snapshot is also the funds report, else two
period_reports as (

    select
        year, month, unit_code, unit_type, period_start, period_end, major_project_threshold,
        snapshot_week_label as week_label,
        snapshot_week_end as week_end,
        snapshot_version as version,
        true as in_snapshot,
        coalesce(funds_week_label = snapshot_week_label, false) as in_funds_report
    from periods
    union all
    select
        year, month, unit_code, unit_type, period_start, period_end, major_project_threshold,
        funds_week_label as week_label,
        funds_week_end as week_end,
        funds_version as version,
        false as in_snapshot,
        true as in_funds_report
    from periods
    where funds_week_label <> snapshot_week_label

),

-- stages from the first "signed" stage on (签约, 落地, 开工, 达产 and also 终止) count as signed when signed_on is
-- in the period; 线索 and 在谈 do not (SPEC 3: terminated projects that signed stay counted as signed)
-- (a flag per stage code, so each row joins one small table)
signed_stages as (

    select
        stages.stage_code,
        stages.stage_order >= first_signed_stage.stage_order as from_first_signed
    from {{ ref('stages') }} as stages
    cross join (
        select min(stage_order) as stage_order
        from {{ ref('stages') }}
        where is_signed
    ) as first_signed_stage

),

rows_in_snapshot as (

    select
        period_reports.year,
        period_reports.month,
        period_reports.unit_code,
        period_reports.unit_type,
        period_reports.period_start,
        period_reports.period_end,
        period_reports.in_snapshot,
        period_reports.in_funds_report,
        period_reports.week_label,
        period_reports.week_end,
        period_reports.version,
        ledger.file_sha256,
        {{ ledger_row_columns('ledger') }},
        coalesce(cast(ledger.contract_amount as {{ double() }}) >= period_reports.major_project_threshold, false)
            as is_major_amount
    from period_reports
    inner join {{ source('raw', 'ledger_rows') }} as ledger
        on ledger.unit_code = period_reports.unit_code
        and ledger.week_label = period_reports.week_label
        and ledger.version = period_reports.version

),

flagged as (

    select
        rows_in_snapshot.*,
        coalesce(industries.is_industrial, false) as is_industrial,
        coalesce(investor_types.is_quality, false) as is_quality_investor,
        coalesce(origins.is_out_of_city, false) as is_out_of_city,
        (duplicates.unit_code is not null) as is_cross_unit_duplicate,
        coalesce(
            rows_in_snapshot.signed_on >= rows_in_snapshot.period_start
            and rows_in_snapshot.signed_on <= rows_in_snapshot.period_end
            and signed_stages.from_first_signed,
            false
        ) as signed_in_period,
        coalesce(
            rows_in_snapshot.landed_on >= rows_in_snapshot.period_start
            and rows_in_snapshot.landed_on <= rows_in_snapshot.period_end,
            false
        ) as landed_in_period
    from rows_in_snapshot
    left join signed_stages
        on signed_stages.stage_code = rows_in_snapshot.stage
    left join {{ ref('industries') }} as industries
        on industries.industry_code = rows_in_snapshot.industry
    left join {{ ref('investor_types') }} as investor_types
        on investor_types.investor_type_code = rows_in_snapshot.investor_type
    left join {{ ref('origins') }} as origins
        on origins.origin_code = rows_in_snapshot.origin
    left join {{ ref('int_duplicate_projects') }} as duplicates
        on duplicates.unit_code = rows_in_snapshot.unit_code
        and duplicates.week_label = rows_in_snapshot.week_label
        and duplicates.row_number = rows_in_snapshot.row_number

)

select
    flagged.*,
    -- C: contract amount of industrial projects signed in the period
    (in_snapshot and signed_in_period and is_industrial and not is_cross_unit_duplicate) as counted_c,
    -- F: funds_ytd of industrial projects (any stage) of the funds report
    (in_funds_report and is_industrial and not is_cross_unit_duplicate) as counted_f,
    -- Q: projects signed in the period with a quality investor type
    (in_snapshot and signed_in_period and is_quality_investor and not is_cross_unit_duplicate) as counted_q,
    -- M: industrial projects signed in the period with contract_amount >= the major-project threshold
    (in_snapshot and signed_in_period and is_industrial and is_major_amount and not is_cross_unit_duplicate)
        as counted_m,
    -- R: denominator (signed in the period) and numerator (of those, landed_on <= period end)
    (in_snapshot and signed_in_period and not is_cross_unit_duplicate) as counted_r_signed,
    (in_snapshot and signed_in_period and not is_cross_unit_duplicate and coalesce(landed_on <= period_end, false))
        as counted_r_landed
from flagged
