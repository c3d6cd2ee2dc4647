-- The staged rows behind each month (weeks whose Sunday falls in it): counted here so a submission's manifest
-- can state them without reading the staging layer.
with files as (

    select year, month, count(*) as report_files
    from {{ ref('stg_report_files') }}
    group by year, month

),

ledger as (

    select year, month, count(*) as ledger_rows
    from {{ ref('stg_ledger_rows') }}
    group by year, month

),

leads as (

    select year, month, count(*) as lead_rows
    from {{ ref('stg_lead_rows') }}
    group by year, month

),

months as (

    select year, month from files
    union
    select year, month from ledger
    union
    select year, month from leads

)

select
    cast(months.year as integer) as year,
    cast(months.month as integer) as month,
    cast(coalesce(files.report_files, 0) as bigint) as report_files,
    cast(coalesce(ledger.ledger_rows, 0) as bigint) as ledger_rows,
    cast(coalesce(leads.lead_rows, 0) as bigint) as lead_rows
from months
left join files on files.year = months.year and files.month = months.month
left join ledger on ledger.year = months.year and ledger.month = months.month
left join leads on leads.year = months.year and leads.month = months.month
