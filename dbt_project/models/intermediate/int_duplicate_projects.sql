-- Ledger rows whose project (normalised name + investor, `name_key`) is reported by two or more different units
-- in the same week, in the weeks a unit-month snapshot or funds report reads (the only weeks where it changes a
-- score; the gate checks every week of its month itself). Such rows are counted for none of the units and fail
-- the gate (SPEC 3, 5).
-- A key only ever reported by one unit cannot be a duplicate in any week: the ledger is read through the few keys
-- of int_shared_project_keys, and its text columns are trimmed only on the rows left (trim on every row of L
-- costs seconds).
with weeks_read as (

    select snapshot_week_label as week_label
    from {{ ref('int_unit_month_periods') }}
    where snapshot_week_label is not null
    union
    select funds_week_label
    from {{ ref('int_unit_month_periods') }}
    where funds_week_label is not null

),

reports_read as (

    select reports.unit_code, reports.week_label, reports.week_end, reports.version
    from {{ ref('stg_report_files') }} as reports
    where reports.week_label in (select week_label from weeks_read)

),

-- few rows: the latest rows of the weeks read whose key is a candidate
candidate_rows as (

    select
        reports_read.unit_code,
        reports_read.week_label,
        reports_read.week_end,
        ledger.file_sha256,
        ledger.sheet,
        cast(ledger.row_number as integer) as row_number,
        nullif(trim(ledger.project_code), '') as project_code,
        nullif(trim(ledger.project_name), '') as project_name,
        nullif(trim(ledger.investor), '') as investor,
        nullif(trim(ledger.name_key), '') as name_key
    from {{ source('raw', 'ledger_rows') }} as ledger
    inner join reports_read
        on ledger.unit_code = reports_read.unit_code
        and ledger.week_label = reports_read.week_label
        and ledger.version = reports_read.version
    where ledger.name_key in (select name_key from {{ ref('int_shared_project_keys') }})

),

units_per_key as (

    select
        week_label,
        name_key,
        count(distinct unit_code) as unit_count,
        string_agg(distinct unit_code, ',' order by unit_code) as unit_codes
    from candidate_rows
    group by week_label, name_key
    having min(unit_code) <> max(unit_code)

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
from candidate_rows as ledger
inner join units_per_key
    on units_per_key.week_label = ledger.week_label
    and units_per_key.name_key = ledger.name_key
