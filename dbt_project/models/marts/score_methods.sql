{{ config(materialized='view') }}
-- The method files and the years they score (methods/register.yml), for the surfaces that name the method, with
-- the figures shown to units: the feedback deadline and major-project threshold of the method
-- (int_method_parameters).
select
    methods.method_code,
    methods.title_zh,
    methods.period,
    methods.missing_target,
    cast(methods.total_points as {{ double() }}) as total_points,
    methods.file,
    parameters.year_from,
    parameters.year_to,
    parameters.feedback_days,
    parameters.major_project_threshold
from {{ ref('methods') }} as methods
inner join {{ ref('int_method_parameters') }} as parameters
    on parameters.method_code = methods.method_code
