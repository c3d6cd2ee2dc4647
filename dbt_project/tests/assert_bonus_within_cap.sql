{{ config(meta={'dagster': {'ref': {'name': 'unit_month_scores'}}}) }}
-- The capped bonus never exceeds bonus_cap and equals min(sum of bonus items, bonus_cap).
with items as (
    select year, month, unit_code, sum(points) as bonus_items
    from {{ ref('score_items') }}
    where kind = 'bonus'
    group by year, month, unit_code
)
select scores.year, scores.month, scores.unit_code, scores.bonus, items.bonus_items, parameters.bonus_cap
from {{ ref('unit_month_scores') }} as scores
cross join {{ ref('int_scoring_parameters') }} as parameters
left join items
    on items.year = scores.year and items.month = scores.month and items.unit_code = scores.unit_code
where scores.bonus > parameters.bonus_cap + 1e-9
   or scores.bonus < 0
   or abs(scores.bonus - case when coalesce(items.bonus_items, 0) > parameters.bonus_cap
                              then parameters.bonus_cap else coalesce(items.bonus_items, 0) end) > 1e-9
