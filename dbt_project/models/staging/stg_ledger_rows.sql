-- A view: the ledger is the one big table (10M+ rows over years); its consumers read only what they need from
-- raw.ledger_rows joined to the latest versions, instead of a full copy being written on every build.
{{ config(materialized='view') }}

-- Ledger rows of the latest version of each unit-week report, typed, with their lineage (file, sheet, row).
with ledger as (

    select * from {{ source('raw', 'ledger_rows') }}

),

latest_reports as (

    select unit_code, week_label, version, week_start, week_end, year, month
    from {{ ref('stg_report_files') }}

)

select
    ledger.file_sha256,
    latest_reports.unit_code,
    latest_reports.week_label,
    latest_reports.week_start,
    latest_reports.week_end,
    latest_reports.year,
    latest_reports.month,
    latest_reports.version,
    {{ ledger_row_columns('ledger') }},
    ledger.note
from ledger
inner join latest_reports
    on ledger.unit_code = latest_reports.unit_code
    and ledger.week_label = latest_reports.week_label
    and ledger.version = latest_reports.version
