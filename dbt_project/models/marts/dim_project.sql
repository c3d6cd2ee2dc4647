-- One row per project (unit_code, project_code) ever reported, as of the latest report that lists it.
-- is_current: the project is in the unit's latest report (a project that left the ledger is no longer counted).
-- Built with aggregates and joins rather than a window over every ledger row (the ledger is the big table); each
-- step reads stg_ledger_rows itself (a CTE used twice may be materialised whole: every ledger row in memory), and
-- the latest rows are found with a plain aggregate (the distinct count is joined last, so the planner does not
-- build its hash table on the whole ledger).
-- Incremental (scope `project`, macros/incremental.sql): a run recomputes, from their whole history, the projects
-- the changed reports list or listed and those of each such unit's previous latest report (is_current changes).
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    meta={'incremental_scope': 'project'},
    pre_hook="{{ delete_incremental_scope() }}",
    post_hook="{{ record_incremental_state() }}",
) }}
-- depends_on: {{ source('raw', 'ledger_rows') }}
{%- set scope = incremental_scope() %}
with project_last as (

    select
        unit_code,
        project_code,
        max(week_end) as last_week_end,
        min(week_label) as first_week_label
    from {{ ref('stg_ledger_rows') }}
    where project_code is not null
      and {{ scope.predicate }}
    group by unit_code, project_code

),

project_weeks as (

    -- week_end and week_label are one to one; a code listed twice in a file counts once
    select unit_code, project_code, count(distinct week_end) as weeks_reported
    from {{ ref('stg_ledger_rows') }}
    where project_code is not null
      and {{ scope.predicate }}
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

),

latest_unit_reports as (

    select unit_code, max(week_end) as latest_week_end
    from {{ ref('stg_report_files') }}
    group by unit_code

)

select
    ranked.unit_code,
    ranked.project_code,
    ranked.project_name,
    ranked.investor,
    ranked.name_key,
    ranked.investor_type,
    ranked.industry,
    ranked.origin,
    ranked.is_sci_tech,
    ranked.stage,
    ranked.contract_amount,
    ranked.funds_ytd,
    ranked.land_mu,
    ranked.signed_on,
    ranked.landed_on,
    ranked.started_on,
    ranked.producing_on,
    ranked.lead_id,
    ranked.feedback_on,
    ranked.first_week_label,
    ranked.week_label as last_week_label,
    cast(project_weeks.weeks_reported as integer) as weeks_reported,
    (ranked.week_end = latest_unit_reports.latest_week_end) as is_current,
    ranked.file_sha256,
    ranked.sheet,
    ranked.row_number
from latest_rows as ranked
inner join project_weeks
    on project_weeks.unit_code = ranked.unit_code
    and project_weeks.project_code = ranked.project_code
inner join latest_unit_reports
    on latest_unit_reports.unit_code = ranked.unit_code
where ranked.row_rank = 1
