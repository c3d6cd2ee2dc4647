-- Row-level rule violations of the latest version of each unit-week report (superseded versions' issues drop out).
with issues as (

    select * from {{ source('raw', 'row_issues') }}

),

latest_reports as (

    select unit_code, week_label, version, week_end, year, month
    from {{ ref('stg_report_files') }}

)

select
    issues.file_sha256,
    latest_reports.unit_code,
    latest_reports.week_label,
    latest_reports.week_end,
    latest_reports.year,
    latest_reports.month,
    latest_reports.version,
    issues.sheet,
    cast(issues.row_number as integer) as row_number,
    nullif(trim(issues.project_code), '') as project_code,
    issues.column_name,
    issues.value,
    issues.rule,
    issues.expected_zh,
    issues.expected_en
from issues
inner join latest_reports
    on issues.unit_code = latest_reports.unit_code
    and issues.week_label = latest_reports.week_label
    and issues.version = latest_reports.version
