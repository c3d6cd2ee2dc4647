-- Each registered method with the years it scores and its figures shown to units: the feedback deadline is the
-- method's own (method_parameters, from its late-feedback measure), else the scoring_parameters default.
select
    register.method_code,
    cast(register.year_from as integer) as year_from,
    cast(register.year_to as integer) as year_to,
    cast(coalesce(feedback.value, defaults.feedback_days) as integer) as feedback_days
from {{ ref('method_register') }} as register
cross join {{ ref('int_scoring_parameters') }} as defaults
left join {{ ref('method_parameters') }} as feedback
    on feedback.method_code = register.method_code
    and feedback.parameter = 'feedback_days'
