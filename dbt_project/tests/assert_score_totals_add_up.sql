{{ config(meta={'dagster': {'ref': {'name': 'score_totals'}}}) }}
-- The total of every scored unit-month is the sum of its lines in score_points (NULL when no indicator applies).
with sums as (
    select year, month, unit_code, sum(points) as points
    from {{ ref('score_points') }}
    group by year, month, unit_code
)
select totals.year, totals.month, totals.unit_code, totals.total_score, sums.points
from {{ ref('score_totals') }} as totals
left join sums
    on sums.year = totals.year and sums.month = totals.month and sums.unit_code = totals.unit_code
where totals.total_score is not null
  and abs(totals.total_score - coalesce(sums.points, 0)) > 1e-9
