-- Ledger rows whose project (normalised name + investor, `name_key`) is reported by two or more different units
-- in the same week. Such rows are counted for none of the units and fail the gate (SPEC 3, 5).
-- Incremental (scope `week`, macros/incremental.sql): a run recomputes the weeks in which a report changed.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'incremental_scope': 'week'},
    pre_hook="{{ delete_incremental_scope() }}",
    post_hook="{{ record_incremental_state() }}",
) }}
-- depends_on: {{ ref('stg_report_files') }}
{%- set scope = incremental_scope() %}
with ledger as (

    select unit_code, week_label, week_end, file_sha256, sheet, row_number, project_code, project_name, investor,
           name_key
    from {{ ref('stg_ledger_rows') }}
    where name_key is not null
      and {{ scope.predicate }}

),

-- cheap first pass (no distinct aggregate over every row): keys reported by more than one unit in a week
duplicate_keys as (

    select week_label, name_key
    from ledger
    group by week_label, name_key
    having min(unit_code) <> max(unit_code)

),

duplicate_rows as (

    select ledger.*
    from ledger
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
