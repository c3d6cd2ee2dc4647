-- The raw name_key values of projects ever reported by two or more units (any week, any version): the only keys
-- that can be a duplicate in some week (int_duplicate_projects). Distinct (key, unit) pairs first, a small set;
-- keys compared trimmed, as staging trims them. A table of a few rows, so the planner reads the ledger through it.
with key_units as (

    select distinct name_key, unit_code
    from {{ source('raw', 'ledger_rows') }}
    where name_key is not null

),

shared as (

    select nullif(trim(name_key), '') as trimmed_key
    from key_units
    group by nullif(trim(name_key), '')
    having min(unit_code) <> max(unit_code)

)

select distinct key_units.name_key
from key_units
inner join shared
    on shared.trimmed_key = nullif(trim(key_units.name_key), '')
