-- The assessment score of every scored unit-month (SPEC 3, 6): one row per active unit per month that has any
-- report in the year. Not rounded (rounding happens on export). deductions are stored as a positive number.
with values_wide as (

    select * from {{ ref('int_unit_month_indicator_values') }}

),

indicator_scores as (

    select
        year,
        month,
        unit_code,
        {% for indicator in ['c', 'f', 'q', 'm', 'r'] %}
        max(case when indicator = '{{ indicator | upper }}' then target end) as target_{{ indicator }},
        max(case when indicator = '{{ indicator | upper }}' then score end) as score_{{ indicator }},
        {% endfor %}
        -- NULL when no indicator applies
        sum(score) as base_score
    from {{ ref('int_unit_month_indicator_scores') }}
    group by year, month, unit_code

),

items as (

    select
        year,
        month,
        unit_code,
        sum(case when kind = 'bonus' then points else 0 end) as bonus_before_cap,
        sum(case when reason = 'missing_report' then points else 0 end) as missing_report_before_cap,
        sum(case when reason = 'late_feedback' then points else 0 end) as late_feedback_before_cap
    from {{ ref('score_items') }}
    group by year, month, unit_code

),

parameters as (

    select bonus_cap, missing_report_cap, late_feedback_cap from {{ ref('int_scoring_parameters') }}

),

capped as (

    select
        values_wide.year,
        values_wide.month,
        values_wide.unit_code,
        values_wide.unit_type,
        values_wide.value_c, indicator_scores.target_c, indicator_scores.score_c,
        values_wide.value_f, indicator_scores.target_f, indicator_scores.score_f,
        values_wide.value_q, indicator_scores.target_q, indicator_scores.score_q,
        values_wide.value_m, indicator_scores.target_m, indicator_scores.score_m,
        values_wide.value_r, indicator_scores.target_r, indicator_scores.score_r,
        indicator_scores.base_score,
        case
            when coalesce(items.bonus_before_cap, 0) > parameters.bonus_cap then parameters.bonus_cap
            else coalesce(items.bonus_before_cap, 0)
        end as bonus,
        case
            when coalesce(items.missing_report_before_cap, 0) > parameters.missing_report_cap
                then parameters.missing_report_cap
            else coalesce(items.missing_report_before_cap, 0)
        end as missing_report_deduction,
        case
            when coalesce(items.late_feedback_before_cap, 0) > parameters.late_feedback_cap
                then parameters.late_feedback_cap
            else coalesce(items.late_feedback_before_cap, 0)
        end as late_feedback_deduction,
        values_wide.snapshot_week_label,
        values_wide.signed_projects,
        values_wide.landed_projects,
        cast(coalesce(items.bonus_before_cap, 0) as {{ double() }}) as bonus_before_cap
    from values_wide
    cross join parameters
    left join indicator_scores
        on indicator_scores.year = values_wide.year
        and indicator_scores.month = values_wide.month
        and indicator_scores.unit_code = values_wide.unit_code
    left join items
        on items.year = values_wide.year
        and items.month = values_wide.month
        and items.unit_code = values_wide.unit_code

),

totals as (

    select
        capped.*,
        missing_report_deduction + late_feedback_deduction as deductions,
        -- no base score (no applicable indicator) means no total and no rank
        base_score + bonus - (missing_report_deduction + late_feedback_deduction) as total_score
    from capped

)

select
    year,
    month,
    unit_code,
    unit_type,
    value_c, target_c, score_c,
    value_f, target_f, score_f,
    value_q, target_q, score_q,
    value_m, target_m, score_m,
    value_r, target_r, score_r,
    base_score,
    cast(bonus as {{ double() }}) as bonus,
    cast(deductions as {{ double() }}) as deductions,
    total_score,
    case
        when total_score is not null then rank() over (
            partition by year, month, unit_type, case when total_score is null then 1 else 0 end
            order by {{ compare_key('total_score') }} desc
        )
    end as rank_in_type,
    -- traceability beyond SPEC 6 (kept after the contract's columns)
    snapshot_week_label,
    signed_projects,
    landed_projects,
    bonus_before_cap,
    cast(missing_report_deduction as {{ double() }}) as missing_report_deduction,
    cast(late_feedback_deduction as {{ double() }}) as late_feedback_deduction
from totals
