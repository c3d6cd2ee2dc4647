{{ config(materialized='view') }}
-- Every component of every item per scored unit-month (int_method_components): its measure's value, target,
-- ratio and the unit's place in its group, for `explain` (the places behind a rank_points item).
select
    year,
    month,
    unit_code,
    method_code,
    group_code,
    item_code,
    component,
    measure_code,
    cast(value as {{ double() }}) as value,
    cast(target as {{ double() }}) as target,
    cast(ratio as {{ double() }}) as ratio,
    cast(place as bigint) as place,
    cast(group_units as bigint) as group_units
from {{ ref('int_method_components') }}
