-- Shared-lead rows (线索共享) of the latest version of each unit-week report; unit_code is the sharer.
with leads as (

    select * from {{ source('raw', 'lead_rows') }}

),

latest_reports as (

    select unit_code, week_label, version, week_start, week_end, year, month
    from {{ ref('stg_report_files') }}

)

select
    leads.file_sha256,
    latest_reports.unit_code,
    latest_reports.week_label,
    latest_reports.week_start,
    latest_reports.week_end,
    latest_reports.year,
    latest_reports.month,
    latest_reports.version,
    leads.sheet,
    cast(leads.row_number as integer) as row_number,
    nullif(trim(leads.lead_id), '') as lead_id,
    nullif(trim(leads.project_name), '') as project_name,
    nullif(trim(leads.investor), '') as investor,
    nullif(trim(leads.to_unit), '') as to_unit,
    cast(leads.shared_on as date) as shared_on
from leads
inner join latest_reports
    on leads.unit_code = latest_reports.unit_code
    and leads.week_label = latest_reports.week_label
    and leads.version = latest_reports.version
