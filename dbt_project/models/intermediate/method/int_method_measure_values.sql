-- The value of every measure of the year's method for every evaluated unit-month (0 when no row matches).
-- Project measures are summed in one pass over the snapshots; row-counted sources come from
-- int_method_measure_rows; ratio, change and growth measures are computed from those. Rows of the previous
-- year evaluated for a growth measure (is_prior) are kept apart from that year's own scoring (method_code).
-- depends_on: {{ ref('method_components') }}, {{ ref('method_items') }}, {{ ref('method_measures') }}
-- depends_on: {{ ref('int_unit_month_snapshots') }}, {{ ref('int_leads') }}, {{ ref('int_expected_reports') }}
-- depends_on: {{ ref('int_method_missing_months') }}, {{ ref('stg_entry_rows') }}, {{ ref('stages') }}, {{ ref('int_method_eval_periods') }}
{%- set measures = method_measure_rows() %}
{%- set project_measures = [] %}
{%- for m in measures %}
    {%- if m['source'] == 'projects' and m['aggregate'] in ('sum', 'count') %}
        {%- do project_measures.append(m) %}
    {%- endif %}
{%- endfor %}
with periods as (

    select year, month, unit_code, method_code, period_start, is_prior
    from {{ ref('int_method_eval_periods') }}

),

{% if project_measures %}
project_sums as (

    select
        p.year,
        p.month,
        p.unit_code,
        p.method_code
        {%- for m in project_measures %},
        sum(case when p.method_code = '{{ m["method_code"] }}' and ({{ m['filter_sql'] }})
            then {{ m['expression_sql'] }} else 0 end) as value_{{ loop.index }}
        {%- endfor %}
    {{ method_source_from('projects') }}
    group by p.year, p.month, p.unit_code, p.method_code

),

project_values as (

    {%- for m in project_measures %}
    select year, month, unit_code, method_code, '{{ m["measure_code"] }}' as measure_code,
           cast(value_{{ loop.index }} as {{ double() }}) as value
    from project_sums
    where method_code = '{{ m["method_code"] }}'
    union all
    {%- endfor %}
    select null, null, null, null, null, null where 1 = 0

),
{% else %}
project_values as (

    select
        cast(null as integer) as year, cast(null as integer) as month, cast(null as varchar) as unit_code,
        cast(null as varchar) as method_code, cast(null as varchar) as measure_code,
        cast(null as {{ double() }}) as value
    where 1 = 0

),
{% endif %}

row_values as (

    select year, month, unit_code, method_code, measure_code, sum(amount) as value
    from {{ ref('int_method_measure_rows') }}
    group by year, month, unit_code, method_code, measure_code

),

measures as (

    select * from {{ ref('method_measures') }}

),

base as (

    select
        periods.year,
        periods.month,
        periods.unit_code,
        periods.method_code,
        periods.period_start,
        periods.is_prior,
        measures.measure_code,
        coalesce(
            case when measures.source = 'projects' then project_values.value else row_values.value end, 0
        ) as value
    from periods
    inner join measures
        on measures.method_code = periods.method_code
        and measures.aggregate in ('sum', 'count')
    left join project_values
        on project_values.year = periods.year
        and project_values.month = periods.month
        and project_values.unit_code = periods.unit_code
        and project_values.method_code = periods.method_code
        and project_values.measure_code = measures.measure_code
        and measures.source = 'projects'
    left join row_values
        on row_values.year = periods.year
        and row_values.month = periods.month
        and row_values.unit_code = periods.unit_code
        and row_values.method_code = periods.method_code
        and row_values.measure_code = measures.measure_code

),

ratios as (

    select
        numerators.year,
        numerators.month,
        numerators.unit_code,
        numerators.method_code,
        measures.measure_code,
        case
            when denominators.value = 0 then measures.when_zero
            else numerators.value / denominators.value
        end as value
    from measures
    inner join base as numerators
        on numerators.method_code = measures.method_code
        and numerators.measure_code = measures.numerator
    inner join base as denominators
        on denominators.year = numerators.year
        and denominators.month = numerators.month
        and denominators.unit_code = numerators.unit_code
        and denominators.method_code = numerators.method_code
        and denominators.measure_code = measures.denominator
        and denominators.is_prior = numerators.is_prior
    where measures.aggregate = 'ratio'

),

-- the value at the period end minus the value at the end of the month before the period (0 in January)
changes as (

    select
        current_values.year,
        current_values.month,
        current_values.unit_code,
        current_values.method_code,
        measures.measure_code,
        current_values.value - coalesce(earlier.value, 0) as value
    from measures
    inner join base as current_values
        on current_values.method_code = measures.method_code
        and current_values.measure_code = measures.base_measure
    left join base as earlier
        on earlier.year = current_values.year
        and earlier.month = cast(extract(month from current_values.period_start) as integer) - 1
        and earlier.unit_code = current_values.unit_code
        and earlier.method_code = current_values.method_code
        and earlier.measure_code = current_values.measure_code
        and earlier.is_prior = current_values.is_prior
    where measures.aggregate = 'change'

),

-- growth (同比): the value at the period end ÷ the value of the same period a year earlier − 1; when_zero
-- (the method's when_no_base; NULL = the measure does not apply) when last year's is 0 or was not reported
growths as (

    select
        current_values.year,
        current_values.month,
        current_values.unit_code,
        current_values.method_code,
        measures.measure_code,
        case
            when prior.value is null or prior.value = 0 then measures.when_zero
            else current_values.value / prior.value - 1
        end as value
    from measures
    inner join base as current_values
        on current_values.method_code = measures.method_code
        and current_values.measure_code = measures.base_measure
        and not current_values.is_prior
    left join base as prior
        on prior.year = current_values.year - 1
        and prior.month = current_values.month
        and prior.unit_code = current_values.unit_code
        and prior.method_code = current_values.method_code
        and prior.measure_code = current_values.measure_code
    where measures.aggregate = 'growth'

)

select year, month, unit_code, method_code, measure_code, value from base
union all
select year, month, unit_code, method_code, measure_code, value from growths
union all
select year, month, unit_code, method_code, measure_code, value from ratios
union all
select year, month, unit_code, method_code, measure_code, value from changes
