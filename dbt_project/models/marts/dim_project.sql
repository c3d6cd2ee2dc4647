-- One row per project (unit_code, project_code) ever reported, as of the latest report that lists it.
-- is_current: the project is in the unit's latest report (a project that left the ledger is no longer counted).
-- Built with aggregates and joins rather than a window over every ledger row (the ledger is the big table): the
-- weeks of each project come from int_project_stage_history (a narrow table with a row for every project row of
-- every report), and only the rows of each project's latest report are read from the ledger. The distinct count
-- is joined last, so the planner does not build its hash table on the ledger.
with latest_unit_reports as (

    select unit_code, max(week_end) as latest_week_end
    from {{ ref('stg_report_files') }}
    group by unit_code

),

project_last as (

    select unit_code, project_code, max(week_end) as last_week_end, min(week_label) as first_week_label
    from {{ ref('int_project_stage_history') }}
    group by unit_code, project_code

),

project_weeks as (

    -- week_end and week_label are one to one; a code listed twice in a file counts once
    select unit_code, project_code, count(distinct week_end) as weeks_reported
    from {{ ref('int_project_stage_history') }}
    group by unit_code, project_code

),

-- the rows of each project's latest report; a code listed twice in the same file keeps its first row
latest_rows as (

    select
        ledger.*,
        project_last.first_week_label,
        row_number() over (partition by ledger.unit_code, ledger.project_code order by ledger.row_number) as row_rank
    from {{ ref('stg_ledger_rows') }} as ledger
    inner join project_last
        on project_last.unit_code = ledger.unit_code
        and project_last.project_code = ledger.project_code
        and project_last.last_week_end = ledger.week_end

)

select
    latest_rows.unit_code,
    latest_rows.project_code,
    latest_rows.project_name,
    latest_rows.investor,
    latest_rows.name_key,
    latest_rows.investor_type,
    latest_rows.industry,
    latest_rows.origin,
    latest_rows.is_sci_tech,
    latest_rows.stage,
    latest_rows.contract_amount,
    latest_rows.funds_ytd,
    latest_rows.land_mu,
    latest_rows.signed_on,
    latest_rows.landed_on,
    latest_rows.started_on,
    latest_rows.producing_on,
    latest_rows.lead_id,
    latest_rows.feedback_on,
    latest_rows.first_week_label,
    latest_rows.week_label as last_week_label,
    cast(project_weeks.weeks_reported as integer) as weeks_reported,
    (latest_rows.week_end = latest_unit_reports.latest_week_end) as is_current,
    latest_rows.file_sha256,
    latest_rows.sheet,
    latest_rows.row_number
from latest_rows
inner join project_weeks
    on project_weeks.unit_code = latest_rows.unit_code
    and project_weeks.project_code = latest_rows.project_code
inner join latest_unit_reports
    on latest_unit_reports.unit_code = latest_rows.unit_code
where latest_rows.row_rank = 1
