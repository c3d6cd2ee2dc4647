{{ config(meta={'dagster': {'ref': {'name': 'unit_month_scores'}}}) }}
-- Each kind of deduction is within its cap, and deductions = min(missing, cap) + min(late, cap) of the items.
with items as (
    select
        year, month, unit_code,
        sum(case when reason = 'missing_report' then points else 0 end) as missing_items,
        sum(case when reason = 'late_feedback' then points else 0 end) as late_items
    from {{ ref('score_items') }}
    where kind = 'deduction'
    group by year, month, unit_code
)
select scores.year, scores.month, scores.unit_code, scores.deductions,
       scores.missing_report_deduction, scores.late_feedback_deduction, items.missing_items, items.late_items
from {{ ref('unit_month_scores') }} as scores
cross join {{ ref('int_scoring_parameters') }} as parameters
left join items
    on items.year = scores.year and items.month = scores.month and items.unit_code = scores.unit_code
where scores.missing_report_deduction > parameters.missing_report_cap + 1e-9
   or scores.late_feedback_deduction > parameters.late_feedback_cap + 1e-9
   or scores.deductions < 0
   or abs(scores.deductions - scores.missing_report_deduction - scores.late_feedback_deduction) > 1e-9
   or abs(scores.missing_report_deduction
          - case when coalesce(items.missing_items, 0) > parameters.missing_report_cap
                 then parameters.missing_report_cap else coalesce(items.missing_items, 0) end) > 1e-9
   or abs(scores.late_feedback_deduction
          - case when coalesce(items.late_items, 0) > parameters.late_feedback_cap
                 then parameters.late_feedback_cap else coalesce(items.late_items, 0) end) > 1e-9
