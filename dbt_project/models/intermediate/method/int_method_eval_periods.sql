-- The unit-months whose measures are evaluated: every scored unit-month (is_prior false) and, for a method with
-- a growth measure (同比), the same unit-month of the previous year evaluated under that method (is_prior true):
-- its period is the scored period moved back one year, its snapshot that month's (unless that year is scored by
-- the same method, whose own rows serve). Only measures read these rows; nothing is scored for them.
with scored as (

    select * from {{ ref('int_method_periods') }}

),

growth_methods as (

    select distinct method_code
    from {{ ref('method_measures') }}
    where aggregate = 'growth'

)

select
    scored.year,
    scored.month,
    scored.unit_code,
    scored.method_code,
    scored.group_code,
    scored.period_start,
    scored.period_end,
    false as is_prior
from scored
union all
select
    prior.year,
    prior.month,
    prior.unit_code,
    scored.method_code,
    scored.group_code,
    cast({{ dbt.dateadd('year', -1, 'scored.period_start') }} as date) as period_start,
    prior.period_end,
    true as is_prior
from scored
inner join growth_methods
    on growth_methods.method_code = scored.method_code
inner join {{ ref('int_unit_month_periods') }} as prior
    on prior.year = scored.year - 1
    and prior.month = scored.month
    and prior.unit_code = scored.unit_code
-- a year scored by the same method already has its own rows
where not exists (
    select 1
    from scored as own
    where own.year = prior.year
      and own.month = prior.month
      and own.unit_code = prior.unit_code
      and own.method_code = scored.method_code
)
