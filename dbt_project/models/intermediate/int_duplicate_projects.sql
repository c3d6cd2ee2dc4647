-- Ledger rows whose project (normalised name + investor, `name_key`) is reported by two or more different units
-- in the same week. Such rows are counted for none of the units and fail the gate (SPEC 3, 5).
-- Each step reads stg_ledger_rows itself (a CTE used twice may be materialised whole: every ledger row in memory).
with candidate_keys as (

    -- cheap first pass over the projects (not over every week of every project): a key only ever reported by one
    -- unit cannot be a duplicate in any week
    select name_key
    from {{ ref('stg_ledger_rows') }}
    where name_key is not null
    group by name_key
    having min(unit_code) <> max(unit_code)

),

-- keys reported by more than one unit in the same week
duplicate_keys as (

    select week_label, name_key
    from {{ ref('stg_ledger_rows') }}
    where name_key in (select name_key from candidate_keys)
    group by week_label, name_key
    having min(unit_code) <> max(unit_code)

),

duplicate_rows as (

    select ledger.unit_code, ledger.week_label, ledger.week_end, ledger.file_sha256, ledger.sheet, ledger.row_number,
           ledger.project_code, ledger.project_name, ledger.investor, ledger.name_key
    from {{ ref('stg_ledger_rows') }} as ledger
    inner join duplicate_keys
        on duplicate_keys.week_label = ledger.week_label
        and duplicate_keys.name_key = ledger.name_key

),

units_per_key as (

    select
        week_label,
        name_key,
        count(distinct unit_code) as unit_count,
        string_agg(distinct unit_code, ',' order by unit_code) as unit_codes
    from duplicate_rows
    group by week_label, name_key

)

select
    ledger.week_label,
    ledger.week_end,
    ledger.name_key,
    ledger.unit_code,
    ledger.project_code,
    ledger.project_name,
    ledger.investor,
    ledger.file_sha256,
    ledger.sheet,
    ledger.row_number,
    units_per_key.unit_count,
    units_per_key.unit_codes
from duplicate_rows as ledger
inner join units_per_key
    on units_per_key.week_label = ledger.week_label
    and units_per_key.name_key = ledger.name_key
