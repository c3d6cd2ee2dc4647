-- One row per project (unit_code, project_code) ever reported, as of the latest report that lists it.
-- is_current: the project is in the unit's latest report (a project that left the ledger is no longer counted).
-- Built with aggregates and joins rather than a window over every ledger row (the ledger is the big table): the
-- weeks of each project come from int_project_stage_history (a narrow table with a row for every project row of
-- every report), and only the rows of each project's latest report are read from the ledger. The distinct count
-- is joined last, so the planner does not build its hash table on the ledger.
-- Incremental (scope `unit`, macros/incremental.sql): the rows of the units with a changed report are rebuilt from
-- their rows as last built merged with the unit-weeks received for the first time (weeks added, first week, the
-- latest row, is_current), without reading their history; the projects of a unit-week received again (a resent
-- week, any version) are recomputed from their whole history.
{{ config(
    materialized='incremental',
    incremental_strategy='scoped',
    on_schema_change='fail',
    meta={'incremental_scope': 'unit'},
    post_hook="{{ record_incremental_state() }}",
) }}
-- depends_on: {{ source('raw', 'ledger_rows') }}
{%- set scope = incremental_scope() %}
{%- set columns = ['project_name', 'investor', 'name_key', 'investor_type', 'industry', 'origin', 'is_sci_tech',
                   'stage', 'contract_amount', 'funds_ytd', 'land_mu', 'signed_on', 'landed_on', 'started_on',
                   'producing_on', 'lead_id', 'feedback_on'] %}

with latest_unit_reports as (

    select unit_code, max(week_end) as latest_week_end
    from {{ ref('stg_report_files') }}
    group by unit_code

),

{% if not scope.full -%}
-- projects listed, in any version, by a unit-week received again: recomputed from their history
resent_projects as (

    select distinct unit_code, nullif(trim(project_code), '') as project_code
    from {{ source('raw', 'ledger_rows') }}
    where nullif(trim(project_code), '') is not null
      and {{ scope.resent }}

),

{% endif -%}

{% if scope.full or scope.has_resent -%}
-- every project (a full build) or the resent projects, from their whole history
project_last as (

    select
        history.unit_code,
        history.project_code,
        max(history.week_end) as last_week_end,
        min(history.week_label) as first_week_label
    from {{ ref('int_project_stage_history') }} as history
    {%- if not scope.full %}
    inner join resent_projects
        on resent_projects.unit_code = history.unit_code
        and resent_projects.project_code = history.project_code
    {%- endif %}
    group by history.unit_code, history.project_code

),

project_weeks as (

    -- week_end and week_label are one to one; a code listed twice in a file counts once
    select history.unit_code, history.project_code, count(distinct history.week_end) as weeks_reported
    from {{ ref('int_project_stage_history') }} as history
    {%- if not scope.full %}
    inner join resent_projects
        on resent_projects.unit_code = history.unit_code
        and resent_projects.project_code = history.project_code
    {%- endif %}
    group by history.unit_code, history.project_code

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

from_history as (

    select
        ranked.unit_code,
        ranked.project_code,
        {%- for column in columns %}
        ranked.{{ column }},
        {%- endfor %}
        ranked.first_week_label,
        ranked.week_label as last_week_label,
        project_weeks.weeks_reported,
        ranked.week_end as last_week_end,
        ranked.file_sha256,
        ranked.sheet,
        ranked.row_number
    from latest_rows as ranked
    inner join project_weeks
        on project_weeks.unit_code = ranked.unit_code
        and project_weeks.project_code = ranked.project_code
    where ranked.row_rank = 1

),
{%- endif %}

{% if scope.full -%}

built as (

    select * from from_history

)

{%- else -%}

-- rows of the unit-weeks received for the first time (the literal weeks reach the raw scan)
new_rows as (

    select ledger.*
    from {{ ref('stg_ledger_rows') }} as ledger
    where ledger.project_code is not null
      and {{ scope.new }}
      and not exists (
          select 1 from resent_projects
          where resent_projects.unit_code = ledger.unit_code
            and resent_projects.project_code = ledger.project_code
      )

),

new_weeks as (

    select
        unit_code,
        project_code,
        count(distinct week_end) as weeks_reported,
        min(week_label) as first_week_label,
        max(week_end) as last_week_end
    from new_rows
    group by unit_code, project_code

),

new_latest as (

    select
        new_rows.*,
        row_number() over (partition by new_rows.unit_code, new_rows.project_code order by new_rows.row_number)
            as row_rank
    from new_rows
    inner join new_weeks
        on new_weeks.unit_code = new_rows.unit_code
        and new_weeks.project_code = new_rows.project_code
        and new_weeks.last_week_end = new_rows.week_end

),

-- the rows as last built of the units in the scope (but the resent projects), with their latest week's end
previous_rows as (

    select * from {{ this }}
    where {{ scope.predicate }}

),

previous as (

    select built_rows.*, reports.week_end as last_week_end
    from previous_rows as built_rows
    inner join {{ ref('stg_report_files') }} as reports
        on reports.unit_code = built_rows.unit_code
        and reports.week_label = built_rows.last_week_label
    where not exists (
          select 1 from resent_projects
          where resent_projects.unit_code = built_rows.unit_code
            and resent_projects.project_code = built_rows.project_code
      )

),

merged as (

    select
        coalesce(previous.unit_code, new_weeks.unit_code) as unit_code,
        coalesce(previous.project_code, new_weeks.project_code) as project_code,
        coalesce(new_weeks.last_week_end > previous.last_week_end, previous.unit_code is null) as takes_new_row,
        case
            when previous.unit_code is null then new_weeks.first_week_label
            when new_weeks.first_week_label < previous.first_week_label then new_weeks.first_week_label
            else previous.first_week_label
        end as first_week_label,
        coalesce(previous.weeks_reported, 0) + coalesce(new_weeks.weeks_reported, 0) as weeks_reported
    from previous
    full outer join new_weeks
        on new_weeks.unit_code = previous.unit_code
        and new_weeks.project_code = previous.project_code

),

built as (

    select
        merged.unit_code,
        merged.project_code,
        {%- for column in columns %}
        new_latest.{{ column }},
        {%- endfor %}
        merged.first_week_label,
        new_latest.week_label as last_week_label,
        merged.weeks_reported,
        new_latest.week_end as last_week_end,
        new_latest.file_sha256,
        new_latest.sheet,
        new_latest.row_number
    from merged
    inner join new_latest
        on new_latest.unit_code = merged.unit_code
        and new_latest.project_code = merged.project_code
        and new_latest.row_rank = 1
    where merged.takes_new_row

    union all

    select
        merged.unit_code,
        merged.project_code,
        {%- for column in columns %}
        previous.{{ column }},
        {%- endfor %}
        merged.first_week_label,
        previous.last_week_label,
        merged.weeks_reported,
        previous.last_week_end,
        previous.file_sha256,
        previous.sheet,
        previous.row_number
    from merged
    inner join previous
        on previous.unit_code = merged.unit_code
        and previous.project_code = merged.project_code
    where not merged.takes_new_row

    {%- if scope.has_resent %}

    union all

    select * from from_history
    {%- endif %}

)

{%- endif %}

select
    built.unit_code,
    built.project_code,
    {%- for column in columns %}
    built.{{ column }},
    {%- endfor %}
    built.first_week_label,
    built.last_week_label,
    cast(built.weeks_reported as integer) as weeks_reported,
    (built.last_week_end = latest_unit_reports.latest_week_end) as is_current,
    built.file_sha256,
    built.sheet,
    built.row_number
from built
inner join latest_unit_reports
    on latest_unit_reports.unit_code = built.unit_code
