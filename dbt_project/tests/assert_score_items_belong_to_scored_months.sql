{{ config(meta={'dagster': {'ref': {'name': 'score_items'}}}) }}
-- Every score item belongs to a scored unit-month, and a missing-report item names an expected week in the period.
select items.year, items.month, items.unit_code, items.reason, items.ref
from {{ ref('score_items') }} as items
left join {{ ref('unit_month_scores') }} as scores
    on scores.year = items.year and scores.month = items.month and scores.unit_code = items.unit_code
where scores.unit_code is null
