{{ config(materialized='view') }}
-- The method files and the years they score (methods/register.yml), for the surfaces that name the method.
select
    methods.method_code,
    methods.title_zh,
    methods.period,
    methods.missing_target,
    cast(methods.total_points as {{ double() }}) as total_points,
    methods.file,
    cast(register.year_from as integer) as year_from,
    cast(register.year_to as integer) as year_to
from {{ ref('methods') }} as methods
inner join {{ ref('method_register') }} as register
    on register.method_code = methods.method_code
