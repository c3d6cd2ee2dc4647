{{ config(meta={'dagster': {'ref': {'name': 'unit_month_scores'}}}) }}
-- Model integrity of the indicator scores: a score exists exactly when the indicator applies, it never exceeds
-- effective weight x ratio_cap, the effective weights of a unit-month sum to total_weight when any indicator
-- applies, and the base score never exceeds total_weight x ratio_cap. (No lower bound here: a negative amount is
-- a row issue the gate reports, and it would make a score negative; the build must still succeed.)
with parameters as (
    select ratio_cap, total_weight from {{ ref('int_scoring_parameters') }}
),
per_unit as (
    select year, month, unit_code, sum(effective_weight) as effective_weight_sum, sum(score) as base_score
    from {{ ref('int_unit_month_indicator_scores') }}
    group by year, month, unit_code
)
select scores.year, scores.month, scores.unit_code, scores.indicator, scores.score, null as effective_weight_sum
from {{ ref('int_unit_month_indicator_scores') }} as scores
cross join parameters
where scores.score > scores.effective_weight * parameters.ratio_cap + 1e-9
   or (scores.is_applicable and scores.score is null)
   or (not scores.is_applicable and scores.score is not null)
union all
select per_unit.year, per_unit.month, per_unit.unit_code, null, per_unit.base_score, per_unit.effective_weight_sum
from per_unit
cross join parameters
where (per_unit.effective_weight_sum is not null
       and abs(per_unit.effective_weight_sum - parameters.total_weight) > 1e-9)
   or per_unit.base_score > parameters.total_weight * parameters.ratio_cap + 1e-9
