-- The project rows of each unit-month snapshot (the unit's latest report in the period), with the flags that say
-- in which indicator each row counts (SPEC 3). Rows of a project reported by two units in the same week stay here
-- for traceability but count for nothing (is_cross_unit_duplicate).
with periods as (

    select *
    from {{ ref('int_unit_month_periods') }}
    where snapshot_week_label is not null

),

parameters as (

    select major_project_threshold from {{ ref('int_scoring_parameters') }}

),

-- stages from the first "signed" stage on (签约, 落地, 开工, 达产 and also 终止) count as signed when signed_on is
-- in the period; 线索 and 在谈 do not (SPEC 3: terminated projects that signed stay counted as signed)
first_signed_stage as (

    select min(stage_order) as stage_order
    from {{ ref('stages') }}
    where is_signed

),

rows_in_snapshot as (

    select
        periods.year,
        periods.month,
        periods.unit_code,
        periods.unit_type,
        periods.period_start,
        periods.period_end,
        ledger.week_label,
        ledger.week_end,
        ledger.version,
        ledger.file_sha256,
        ledger.sheet,
        ledger.row_number,
        ledger.project_code,
        ledger.project_name,
        ledger.investor,
        ledger.name_key,
        ledger.investor_type,
        ledger.industry,
        ledger.origin,
        ledger.is_sci_tech,
        ledger.stage,
        ledger.contract_amount,
        ledger.funds_ytd,
        ledger.land_mu,
        ledger.signed_on,
        ledger.landed_on,
        ledger.started_on,
        ledger.producing_on,
        ledger.lead_id,
        ledger.feedback_on
    from periods
    inner join {{ ref('stg_ledger_rows') }} as ledger
        on ledger.unit_code = periods.unit_code
        and ledger.week_label = periods.snapshot_week_label

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
            and stages.stage_order >= first_signed_stage.stage_order,
            false
        ) as signed_in_period,
        coalesce(
            rows_in_snapshot.landed_on >= rows_in_snapshot.period_start
            and rows_in_snapshot.landed_on <= rows_in_snapshot.period_end,
            false
        ) as landed_in_period,
        coalesce(rows_in_snapshot.contract_amount >= parameters.major_project_threshold, false)
            as is_major_amount
    from rows_in_snapshot
    cross join parameters
    cross join first_signed_stage
    left join {{ ref('stages') }} as stages
        on stages.stage_code = rows_in_snapshot.stage
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
    (signed_in_period and is_industrial and not is_cross_unit_duplicate) as counted_c,
    -- F: funds_ytd of industrial projects (any stage)
    (is_industrial and not is_cross_unit_duplicate) as counted_f,
    -- Q: projects signed in the period with a quality investor type
    (signed_in_period and is_quality_investor and not is_cross_unit_duplicate) as counted_q,
    -- M: industrial projects signed in the period with contract_amount >= the major-project threshold
    (signed_in_period and is_industrial and is_major_amount and not is_cross_unit_duplicate) as counted_m,
    -- R: denominator (signed in the period) and numerator (of those, landed_on <= period end)
    (signed_in_period and not is_cross_unit_duplicate) as counted_r_signed,
    (signed_in_period and not is_cross_unit_duplicate and coalesce(landed_on <= period_end, false))
        as counted_r_landed
from flagged
