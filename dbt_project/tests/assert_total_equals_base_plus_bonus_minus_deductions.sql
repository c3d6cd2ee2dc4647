{{ config(meta={'dagster': {'ref': {'name': 'unit_month_scores'}}}) }}
-- total_score = base_score + bonus - deductions (NULL exactly when base_score is NULL).
select year, month, unit_code, base_score, bonus, deductions, total_score
from {{ ref('unit_month_scores') }}
where (base_score is null) <> (total_score is null)
   or abs(total_score - (base_score + bonus - deductions)) > 1e-9
