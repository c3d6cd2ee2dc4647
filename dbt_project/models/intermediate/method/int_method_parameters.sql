-- Each registered method with the years it scores and its figures shown to units (method_parameters, compiled
-- from the method file), else the scoring_parameters defaults: the feedback deadline (its late-feedback
-- measure's) and the major-project threshold (the contract amount from which its count of industrial projects
-- signed in the period counts a project: the district's 重大项目 use it too).
select
    register.method_code,
    cast(register.year_from as integer) as year_from,
    cast(register.year_to as integer) as year_to,
    cast(coalesce(feedback.value, defaults.feedback_days) as integer) as feedback_days,
    cast(coalesce(major.value, defaults.major_project_threshold) as {{ double() }}) as major_project_threshold
from {{ ref('method_register') }} as register
cross join {{ ref('int_scoring_parameters') }} as defaults
left join {{ ref('method_parameters') }} as feedback
    on feedback.method_code = register.method_code
    and feedback.parameter = 'feedback_days'
left join {{ ref('method_parameters') }} as major
    on major.method_code = register.method_code
    and major.parameter = 'major_project_threshold'
