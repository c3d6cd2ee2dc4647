-- The scoring_parameters seed pivoted to one row, so models cross join it instead of repeating numbers.
-- (Points, weights and caps are not here: the scores take them from the method file, methods/*.yml.)
select
    cast(max(case when parameter = 'feedback_days' then value end) as integer) as feedback_days,
    max(case when parameter = 'major_project_threshold' then value end) as major_project_threshold,
    max(case when parameter = 'single_contract_warning' then value end) as single_contract_warning,
    max(case when parameter = 'amount_change_warning' then value end) as amount_change_warning
from {{ ref('scoring_parameters') }}
