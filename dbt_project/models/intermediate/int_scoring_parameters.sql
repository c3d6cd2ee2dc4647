-- The scoring_parameters seed pivoted to one row, so models cross join it instead of repeating numbers.
select
    max(case when parameter = 'ratio_cap' then value end) as ratio_cap,
    max(case when parameter = 'total_weight' then value end) as total_weight,
    max(case when parameter = 'lead_signed_points' then value end) as lead_signed_points,
    max(case when parameter = 'lead_landed_points' then value end) as lead_landed_points,
    max(case when parameter = 'bonus_cap' then value end) as bonus_cap,
    max(case when parameter = 'missing_report_points' then value end) as missing_report_points,
    max(case when parameter = 'missing_report_cap' then value end) as missing_report_cap,
    max(case when parameter = 'late_feedback_points' then value end) as late_feedback_points,
    max(case when parameter = 'late_feedback_cap' then value end) as late_feedback_cap,
    cast(max(case when parameter = 'feedback_days' then value end) as integer) as feedback_days,
    max(case when parameter = 'major_project_threshold' then value end) as major_project_threshold,
    max(case when parameter = 'single_contract_warning' then value end) as single_contract_warning,
    max(case when parameter = 'amount_change_warning' then value end) as amount_change_warning
from {{ ref('scoring_parameters') }}
