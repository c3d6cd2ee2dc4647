-- Every scored unit-month with the method that scores its year (methods/register.yml), the unit's group and the
-- method's period: ytd_month and year run from 1 January to the month end; quarter (half_year) from the first day
-- of the month's quarter (half year) to the month end (the quarter's score is the row of its last month); month is
-- the month alone.
with periods as (

    select * from {{ ref('int_unit_month_periods') }}

),

methods as (

    select methods.*, register.year_from, register.year_to
    from {{ ref('methods') }} as methods
    inner join {{ ref('method_register') }} as register
        on register.method_code = methods.method_code

)

select
    periods.year,
    periods.month,
    periods.unit_code,
    periods.unit_type,
    methods.method_code,
    methods.period,
    methods.missing_target,
    groups.group_code,
    groups.label_zh as group_label_zh,
    groups.sort_order as group_order,
    case
        when methods.period = 'quarter'
            then {{ month_start('periods.year', '3 * cast(floor((periods.month - 1) / 3.0) as integer) + 1') }}
        when methods.period = 'half_year'
            then {{ month_start('periods.year', 'case when periods.month <= 6 then 1 else 7 end') }}
        when methods.period = 'month'
            then {{ month_start('periods.year', 'periods.month') }}
        else periods.period_start
    end as period_start,
    periods.period_end,
    periods.snapshot_week_label
from periods
inner join methods
    on periods.year >= methods.year_from
    and (methods.year_to is null or periods.year <= methods.year_to)
inner join {{ ref('method_groups') }} as groups
    on groups.method_code = methods.method_code
    and (
        groups.unit_code = periods.unit_code
        or (groups.unit_code is null and groups.unit_type = periods.unit_type)
    )
