-- Ledger rows whose project (normalised name + investor, `name_key`) is reported by two or more different units
-- in the same week. Such rows are counted for none of the units and fail the gate (SPEC 3, 5).
with ledger as (

    select unit_code, week_label, week_end, file_sha256, sheet, row_number, project_code, project_name, investor,
           name_key
    from {{ ref('stg_ledger_rows') }}
    where name_key is not null

),

duplicate_keys as (

    select
        week_label,
        name_key,
        count(distinct unit_code) as unit_count,
        string_agg(distinct unit_code, ',' order by unit_code) as unit_codes
    from ledger
    group by week_label, name_key
    having count(distinct unit_code) > 1

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
    duplicate_keys.unit_count,
    duplicate_keys.unit_codes
from ledger
inner join duplicate_keys
    on duplicate_keys.week_label = ledger.week_label
    and duplicate_keys.name_key = ledger.name_key
