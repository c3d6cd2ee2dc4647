{{ config(materialized='view') }}
-- The thresholds that are not part of any method (seed scoring_parameters, one row each): the gate's warnings,
-- and the defaults a year's method does not state (score_methods.feedback_days falls back to feedback_days).
select parameter, cast(value as {{ double() }}) as value, description
from {{ ref('scoring_parameters') }}
