{{ config(materialized='view') }}
-- The district's targets per year (seed district_targets, SPEC 4): which indicators the city submission needs.
select cast(year as integer) as year, indicator, cast(target as {{ double() }}) as target, unit, source
from {{ ref('district_targets') }}
