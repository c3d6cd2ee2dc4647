-- One row per (unit-month, indicator): value, annual target, weight and score (SPEC 3).
--   score = effective_weight x min(value / target, ratio_cap)
--   an indicator whose target is 0 or missing does not apply: score NULL, and the weights of the applicable ones
--   are rescaled so they sum to total_weight: effective_weight = weight x total_weight / sum(applicable weights).
with values_wide as (

    select * from {{ ref('int_unit_month_indicator_values') }}

),

values_long as (

    {% for indicator in ['c', 'f', 'q', 'm', 'r'] %}
    select year, month, unit_code, '{{ indicator | upper }}' as indicator, value_{{ indicator }} as value
    from values_wide
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

targets_long as (

    {% for indicator in ['c', 'f', 'q', 'm', 'r'] %}
    select year, unit_code, '{{ indicator | upper }}' as indicator, target_{{ indicator }} as target
    from {{ ref('targets') }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

parameters as (

    select ratio_cap, total_weight from {{ ref('int_scoring_parameters') }}

),

joined as (

    select
        values_long.year,
        values_long.month,
        values_long.unit_code,
        values_long.indicator,
        values_long.value,
        targets_long.target,
        weights.weight,
        coalesce(targets_long.target > 0, false) as is_applicable
    from values_long
    inner join {{ ref('indicator_weights') }} as weights
        on weights.indicator = values_long.indicator
    left join targets_long
        on targets_long.year = values_long.year
        and targets_long.unit_code = values_long.unit_code
        and targets_long.indicator = values_long.indicator

),

weighted as (

    select
        joined.*,
        sum(case when is_applicable then weight end)
            over (partition by year, month, unit_code) as applicable_weight
    from joined

),

ratios as (

    select
        weighted.*,
        case when is_applicable then value / target end as ratio,
        case when is_applicable then weight * parameters.total_weight / applicable_weight end as effective_weight,
        parameters.ratio_cap
    from weighted
    cross join parameters

)

select
    year,
    month,
    unit_code,
    indicator,
    value,
    target,
    weight,
    is_applicable,
    applicable_weight,
    effective_weight,
    ratio,
    case when ratio > ratio_cap then ratio_cap else ratio end as capped_ratio,
    effective_weight * (case when ratio > ratio_cap then ratio_cap else ratio end) as score
from ratios
