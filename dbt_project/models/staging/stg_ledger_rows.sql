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
    ledger.sheet,
    cast(ledger.row_number as integer) as row_number,
    nullif(trim(ledger.project_code), '') as project_code,
    nullif(trim(ledger.project_name), '') as project_name,
    nullif(trim(ledger.investor), '') as investor,
    nullif(trim(ledger.name_key), '') as name_key,
    nullif(trim(ledger.investor_type), '') as investor_type,
    nullif(trim(ledger.industry), '') as industry,
    nullif(trim(ledger.origin), '') as origin,
    cast(ledger.is_sci_tech as boolean) as is_sci_tech,
    nullif(trim(ledger.stage), '') as stage,
    cast(ledger.contract_amount as {{ double() }}) as contract_amount,
    cast(ledger.funds_ytd as {{ double() }}) as funds_ytd,
    cast(ledger.land_mu as {{ double() }}) as land_mu,
    cast(ledger.signed_on as date) as signed_on,
    cast(ledger.landed_on as date) as landed_on,
    cast(ledger.started_on as date) as started_on,
    cast(ledger.producing_on as date) as producing_on,
    nullif(trim(ledger.lead_id), '') as lead_id,
    cast(ledger.feedback_on as date) as feedback_on,
    ledger.note
from ledger
inner join latest_reports
    on ledger.unit_code = latest_reports.unit_code
    and ledger.week_label = latest_reports.week_label
    and ledger.version = latest_reports.version
