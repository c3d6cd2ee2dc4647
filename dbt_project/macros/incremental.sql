{#-
  Scoped incremental models: on a weekly run, the heavy models recompute only the part of their rows that the
  reports received since their last build can change (their *scope*), instead of the whole history.

  A scoped model is configured as

      {{ config(materialized='incremental', incremental_strategy='scoped', on_schema_change='fail',
                meta={'incremental_scope': '<kind>'}, post_hook="{{ record_incremental_state() }}") }}
      {%- set scope = incremental_scope() %}   -- then: where {{ scope.predicate }} on the inputs

  and on an incremental run
    1. `incremental_scope()` compares staging.stg_report_files with the report versions the model was built from
       (intermediate.incremental_state_reports) and turns the changed (unit, week) reports into the model's scope,
       a SQL predicate over the model's own columns (`week_label in ('2025-W52')`, `(year = 2025 and month >= 12)`);
    2. the model's SQL recomputes the scope (it may read the model's current rows: {{ this }});
    3. the strategy `scoped` deletes every row of the scope and inserts the recomputed ones (a key whose rows all
       disappeared, e.g. a week resent with an empty ledger, is not left behind, which plain delete+insert would);
    4. the post-hook records, in the same transaction, the report versions the model now reflects, its
       fingerprint and the scope (the model's data tests read it, see get_where_subquery below).
  A failed model rolls back with its state: nothing is marked fresh that was not built.

  Scope kinds (what a changed report of unit u, week w, year y can change):
    unit_week       the rows of (u, w) itself                          (stg_report_files, a table rebuilt every run:
                    it only records the changed unit-weeks, which the tests of the stg_ledger_rows view check)
    week            every unit's rows of week w (cross-unit checks)     (int_duplicate_projects)
    unit_week_next  (u, w) and u's next report, compared week over week (int_project_stage_history)
    year_month      the rows of year y from the report's month on       (int_unit_month_snapshots: a report of
                    month m is in the snapshots of months m, m + 1, ... of its year only)
    lead            year_month, and every row of the leads the report lists (int_leads: a lead's sharer,
                    receiver and year come from its first listing)
    unit            every row of unit u (dim_project: its projects merged with the weeks received for the first
                    time; the projects of a resent week are recomputed from their history)
  A run where the fingerprint (the checksums of the model's own file and of every model and seed upstream of it)
  differs from the recorded one is a full refresh: edited seeds (targets, weights) or models recompute everything.
  Macros are not in the fingerprint: after changing one, run `dbt build --full-refresh`.
  `ALTER TABLE ... ADD COLUMN IF NOT EXISTS` (tests_pending) needs Postgres 9.6+.
  SQL stays portable (DuckDB and Postgres): plain `in` lists and `||`, delete and insert, no DuckDB-only syntax.
-#}

{#- The state tables live beside the intermediate models. -#}
{% macro incremental_state_relation(suffix='') -%}
    {{- return(api.Relation.create(database=target.database, schema=generate_schema_name('intermediate', none) | trim,
                                   identifier='incremental_state' ~ suffix, type='table')) -}}
{%- endmacro %}

{#- Looked up in dbt's relation cache (filled when the run starts): no query. In the run that creates the state
    tables they are not seen yet, which is right: nothing was recorded before that run. -#}
{% macro incremental_state_exists() -%}
    {%- set state = incremental_state_relation() -%}
    {%- set reports = incremental_state_relation('_reports') -%}
    {{- return(adapter.get_relation(state.database, state.schema, state.identifier) is not none
               and adapter.get_relation(reports.database, reports.schema, reports.identifier) is not none) -}}
{%- endmacro %}

{#- The checksums of the model's file and of every model and seed upstream of it, hashed. -#}
{% macro incremental_fingerprint() -%}
    {#- breadth-first over `seen` (a Jinja loop cannot carry a reassigned variable, a list can grow) -#}
    {%- set seen = [model.unique_id] -%}
    {%- for i in range(1000) if i < seen | length -%}
        {%- set node = graph.nodes.get(seen[i]) or (model if seen[i] == model.unique_id else none) -%}
        {%- if node is not none -%}
            {%- for parent in node.depends_on.nodes -%}
                {%- if parent not in seen and parent in graph.nodes -%}
                    {%- do seen.append(parent) -%}
                {%- endif -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set parts = [] -%}
    {%- for uid in seen | sort -%}
        {%- set node = graph.nodes.get(uid) or model -%}
        {%- do parts.append(uid ~ '=' ~ node.checksum.name ~ ':' ~ node.checksum.checksum) -%}
    {%- endfor -%}
    {{- return(local_md5(parts | join(','))) -}}
{%- endmacro %}

{#- The recorded state row of a model as a dict (none when there is none); columns added later read as none. -#}
{% macro _state_row(name) -%}
    {%- if not incremental_state_exists() -%}{{- return(none) -}}{%- endif -%}
    {%- set rows = run_query("select * from " ~ incremental_state_relation() ~ " where model_name = '" ~ name ~ "'") -%}
    {%- if rows | length != 1 -%}{{- return(none) -}}{%- endif -%}
    {%- set row = {} -%}
    {%- for column in rows.column_names -%}{%- do row.update({column: rows[0][column]}) -%}{%- endfor -%}
    {{- return(row) -}}
{%- endmacro %}

{#- True when the model was last built (incrementally or not) from the same code and seeds as now. -#}
{% macro incremental_fingerprint_matches() -%}
    {%- set row = _state_row(this.identifier) -%}
    {{- return(row is not none and row.get('fingerprint') == incremental_fingerprint()) -}}
{%- endmacro %}

{#- dbt's own macro (configs.sql), plus: a scoped incremental model whose fingerprint changed is rebuilt whole. -#}
{% macro should_full_refresh() %}
    {% set config_full_refresh = config.get('full_refresh') %}
    {% if config_full_refresh is none %}
        {% set config_full_refresh = flags.FULL_REFRESH %}
    {% endif %}
    {% if not config_full_refresh and execute and model is defined and model is mapping
          and model.get('resource_type') == 'model'
          and (config.get('meta') or {}).get('incremental_scope') %}
        {% set config_full_refresh = not incremental_fingerprint_matches() %}
    {% endif %}
    {% do return(config_full_refresh) %}
{% endmacro %}

{#- staging.stg_report_files (itself, in its own post-hook) -#}
{% macro _report_files() -%}
    {{- return(this if model.name == 'stg_report_files' else ref('stg_report_files')) -}}
{%- endmacro %}

{#- SQL helpers -#}
{% macro _sql_list(values, quoted=true) -%}
    {%- set out = [] -%}
    {%- for v in values -%}
        {%- if quoted -%}{%- do out.append("'" ~ (v | string | replace("'", "''")) ~ "'") -%}
        {%- else -%}{%- do out.append(v | string) -%}{%- endif -%}
    {%- endfor -%}
    {{- return(out | join(', ')) -}}
{%- endmacro %}

{#- The disjunction of SQL conditions ('1 = 0' for none). -#}
{% macro _any_of(conditions) -%}
    {%- if conditions | length == 0 -%}{{- return('1 = 0') -}}
    {%- elif conditions | length == 1 -%}{{- return(conditions[0]) -}}
    {%- else -%}{{- return('(' ~ conditions | join(' or ') ~ ')') -}}
    {%- endif -%}
{%- endmacro %}

{#- A predicate for a set of (unit_code, week_label) pairs: the week list prunes, the pair list is exact. -#}
{% macro _unit_week_predicate(pairs) -%}
    {%- if pairs | length == 0 -%}{{- return('1 = 0') -}}{%- endif -%}
    {%- set weeks = [] -%}
    {%- set keys = [] -%}
    {%- for unit_code, week_label in pairs -%}
        {%- if week_label not in weeks -%}{%- do weeks.append(week_label) -%}{%- endif -%}
        {%- do keys.append(unit_code ~ '|' ~ week_label) -%}
    {%- endfor -%}
    {{- return("week_label in (" ~ _sql_list(weeks | sort) ~ ") and unit_code || '|' || week_label in ("
               ~ _sql_list(keys | sort) ~ ")") -}}
{%- endmacro %}

{#-
  The scope of the current (scoped incremental) model: a dict with `predicate`, the SQL condition over the
  model's own columns that selects the rows to recompute ('1 = 1' when the model is built whole, '1 = 0' when
  nothing changed), `prune` (year kinds: `year in (...)`, a cheap filter on the inputs), `full`, and the pieces it
  was made of (`changed`: (unit_code, week_label, year) of the changed reports, `years`, `weeks`).
-#}
{% macro incremental_scope(kind=none) -%}
    {%- set kind = kind or (config.get('meta') or {}).get('incremental_scope') -%}
    {%- set scope = {'kind': kind, 'full': true, 'predicate': '1 = 1', 'prune': '1 = 1', 'changed': [], 'years': [],
                     'weeks': [], 'first_months': {}} -%}
    {%- if not execute -%}
        {{- return(scope) -}}
    {%- elif config.get('materialized') == 'incremental' and not is_incremental() -%}
        {{- return(scope) -}}
    {%- elif config.get('materialized') != 'incremental' and should_full_refresh() -%}
        {#- a model rebuilt every run that records what changed since its previous run (stg_report_files) -#}
        {{- return(scope) -}}
    {%- endif -%}
    {%- set reports = _report_files() -%}
    {%- set changed_sql -%}
        select reports.unit_code, reports.week_label, reports.year, reports.month,
               case when built.version is null then 1 else 0 end as is_new
        from {{ reports }} as reports
        left join {{ incremental_state_relation('_reports') }} as built
            on built.model_name = '{{ this.identifier }}'
            and built.unit_code = reports.unit_code
            and built.week_label = reports.week_label
        where built.version is null or built.version <> reports.version
    {%- endset -%}
    {%- set changed = [] -%}
    {%- set years = [] -%}
    {%- set weeks = [] -%}
    {%- set first_months = {} -%}
    {%- set new_pairs = [] -%}
    {%- set resent_pairs = [] -%}
    {%- for row in run_query(changed_sql) -%}
        {%- do changed.append((row[0], row[1], row[2] | int)) -%}
        {%- do (new_pairs if (row[4] | int) == 1 else resent_pairs).append((row[0], row[1])) -%}
        {%- if (row[2] | int) not in years -%}{%- do years.append(row[2] | int) -%}{%- endif -%}
        {%- if (row[3] | int) < first_months.get(row[2] | int, 13) -%}
            {%- do first_months.update({row[2] | int: row[3] | int}) -%}
        {%- endif -%}
        {%- if row[1] not in weeks -%}{%- do weeks.append(row[1]) -%}{%- endif -%}
    {%- endfor -%}
    {%- do scope.update({'full': false, 'changed': changed, 'years': years | sort, 'weeks': weeks | sort,
                         'first_months': first_months}) -%}
    {#- (year, month) rows from the first month of a changed report on: a report of month m is in the snapshots of
        months m, m + 1, ... of its year only -#}
    {%- set from_months = [] -%}
    {%- for year in years | sort -%}
        {%- do from_months.append('(year = ' ~ year ~ ' and month >= ' ~ first_months[year] ~ ')') -%}
    {%- endfor -%}

    {%- if kind == 'unit_week' -%}
        {%- set pairs = [] -%}
        {%- for c in changed -%}{%- do pairs.append((c[0], c[1])) -%}{%- endfor -%}
        {%- do scope.update({'predicate': _unit_week_predicate(pairs)}) -%}

    {%- elif kind == 'week' -%}
        {%- do scope.update({'predicate': ('week_label in (' ~ _sql_list(weeks | sort) ~ ')') if weeks else '1 = 0'}) -%}

    {%- elif kind == 'unit_week_next' -%}
        {#- a report is compared with the unit's previous report: a changed report also changes its successor -#}
        {%- set pairs = [] -%}
        {%- set keys = [] -%}
        {%- for c in changed -%}
            {%- do pairs.append((c[0], c[1])) -%}
            {%- do keys.append(c[0] ~ '|' ~ c[1]) -%}
        {%- endfor -%}
        {%- if keys -%}
            {%- set next_sql -%}
                select unit_code, week_label
                from (
                    select unit_code, week_label,
                           lag(week_label) over (partition by unit_code order by week_end) as previous_week_label
                    from {{ reports }}
                ) as sequenced
                where unit_code || '|' || previous_week_label in ({{ _sql_list(keys) }})
            {%- endset -%}
            {%- for row in run_query(next_sql) -%}
                {%- if (row[0], row[1]) not in pairs -%}{%- do pairs.append((row[0], row[1])) -%}{%- endif -%}
            {%- endfor -%}
        {%- endif -%}
        {%- do scope.update({'predicate': _unit_week_predicate(pairs)}) -%}

    {%- elif kind == 'year_month' -%}
        {%- do scope.update({'predicate': _any_of(from_months),
                             'prune': ('year in (' ~ _sql_list(years | sort, quoted=false) ~ ')') if years else '1 = 0'}) -%}

    {%- elif kind == 'lead' -%}
        {#- year_month, and every row of the leads the changed reports list (or listed, in a superseded version): a
            lead's sharer, receiver, shared_on and so its year come from its first listing -#}
        {%- set lead_ids = [] -%}
        {%- if changed -%}
            {%- set keys = [] -%}
            {%- for c in changed -%}{%- do keys.append((c[0], c[1])) -%}{%- endfor -%}
            {%- set leads_sql -%}
                select distinct
                    nullif(trim(listed.lead_id), '') as lead_id,
                    cast(extract(year from cast(listed.shared_on as date)) as integer) as year
                from {{ source('raw', 'lead_rows') }} as listed
                where nullif(trim(listed.lead_id), '') in (
                    select nullif(trim(lead_id), '')
                    from {{ source('raw', 'lead_rows') }}
                    where {{ _unit_week_predicate(keys) }}
                )
            {%- endset -%}
            {%- for row in run_query(leads_sql) -%}
                {%- if row[0] not in lead_ids -%}{%- do lead_ids.append(row[0]) -%}{%- endif -%}
                {%- if row[1] is not none and (row[1] | int) not in years -%}{%- do years.append(row[1] | int) -%}{%- endif -%}
            {%- endfor -%}
        {%- endif -%}
        {%- set parts = from_months[:] -%}
        {%- if lead_ids -%}{%- do parts.append('lead_id in (' ~ _sql_list(lead_ids | sort) ~ ')') -%}{%- endif -%}
        {%- do scope.update({'predicate': _any_of(parts),
                             'prune': ('year in (' ~ _sql_list(years | sort, quoted=false) ~ ')') if years else '1 = 0',
                             'years': years | sort, 'lead_ids': lead_ids | sort}) -%}

    {%- elif kind == 'unit' -%}
        {#- every row of the units with a changed report (dim_project: one row per project, merged with the unit-weeks
            received for the first time; `resent` are the unit-weeks received again, whose projects are recomputed
            from their whole history) -#}
        {%- set units = [] -%}
        {%- for c in changed -%}{%- if c[0] not in units -%}{%- do units.append(c[0]) -%}{%- endif -%}{%- endfor -%}
        {%- do scope.update({'predicate': ('unit_code in (' ~ _sql_list(units | sort) ~ ')') if units else '1 = 0',
                             'new': _unit_week_predicate(new_pairs), 'resent': _unit_week_predicate(resent_pairs),
                             'has_resent': resent_pairs | length > 0}) -%}

    {%- else -%}
        {%- do exceptions.raise_compiler_error("incremental_scope: unknown kind " ~ kind ~ " for " ~ this) -%}
    {%- endif -%}
    {{- return(scope) -}}
{%- endmacro %}

{#-
  The incremental strategy `scoped`: delete every row of the scope, then insert the recomputed rows, in one
  statement of the model's transaction (after the model's SQL ran, so it may still read the rows it replaces).
  Plain delete+insert deletes only the keys present in the new rows: a key whose rows all disappeared (a week
  resent with an empty ledger) would be left behind.
-#}
{% macro get_incremental_scoped_sql(arg_dict) -%}
    {%- set dest_cols_csv = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }} where {{ incremental_scope().predicate }};
    insert into {{ arg_dict['target_relation'] }} ({{ dest_cols_csv }})
    select {{ dest_cols_csv }} from {{ arg_dict['temp_relation'] }}
{%- endmacro %}

{#-
  What the data tests of the current model depend on besides its rows: every seed of the project and every test
  attached to the model (or pointing at its scope with the marker `incremental scope of <model>`).
-#}
{% macro incremental_tests_fingerprint() -%}
    {%- set parts = [] -%}
    {%- for uid, node in graph.nodes.items() | sort -%}
        {%- if node.resource_type == 'seed' -%}
            {%- do parts.append(uid ~ '=' ~ node.checksum.checksum) -%}
        {%- elif node.resource_type == 'test' and (model.unique_id in node.depends_on.nodes
                or ('incremental scope of ' ~ this.identifier) in (node.config.where or '')) -%}
            {%- do parts.append(uid ~ '=' ~ node.checksum.checksum ~ ':' ~ tojson(node.test_metadata or {}, sort_keys=true)
                                ~ ':' ~ tojson(node.config.where) ~ ':' ~ node.config.severity) -%}
            {#- and the code of what it tests (a view whose tests use another model's scope) -#}
            {%- for parent in node.depends_on.nodes if parent in graph.nodes -%}
                {%- do parts.append(parent ~ '=' ~ graph.nodes[parent].checksum.checksum) -%}
            {%- endfor -%}
        {%- endif -%}
    {%- endfor -%}
    {{- return(local_md5(parts | join(','))) -}}
{%- endmacro %}

{#-
  Post-hook of a scoped model (same transaction as its rows): the report versions it now reflects, its
  fingerprint and the scope its data tests are to check: the scope just built, or every row ('1 = 1') after a full
  build and on the first build after a seed or one of its tests changed (a new or edited test checks all rows
  once). Rendered whole before it runs, so everything is worked out from the state as it was before this build.
-#}
{% macro record_incremental_state() -%}
    {%- if execute -%}
        {%- set state = incremental_state_relation() -%}
        {%- set reports = incremental_state_relation('_reports') -%}
        {%- set scope = incremental_scope() -%}
        {%- set tests_fingerprint = incremental_tests_fingerprint() -%}
        {%- set test_scope = '1 = 1' -%}
        {%- set before = none if scope.full else _state_row(this.identifier) -%}
        {%- if before is not none and before.get('tests_fingerprint') == tests_fingerprint
                and not before.get('tests_pending') -%}
            {%- set test_scope = scope.get('test_predicate') or scope.predicate -%}
        {%- endif -%}
        create table if not exists {{ state }} (
            model_name varchar, fingerprint varchar, tests_fingerprint varchar, scope varchar, test_scope varchar,
            built_at timestamp, tests_pending boolean
        );
        alter table {{ state }} add column if not exists tests_pending boolean;
        create table if not exists {{ reports }} (
            model_name varchar, unit_code varchar, week_label varchar, week_end date, version integer
        );
        delete from {{ reports }} where model_name = '{{ this.identifier }}';
        insert into {{ reports }} (model_name, unit_code, week_label, week_end, version)
        select '{{ this.identifier }}', unit_code, week_label, week_end, version from {{ _report_files() }};
        delete from {{ state }} where model_name = '{{ this.identifier }}';
        insert into {{ state }} (model_name, fingerprint, tests_fingerprint, scope, test_scope, built_at, tests_pending)
        values ('{{ this.identifier }}', '{{ incremental_fingerprint() }}', '{{ tests_fingerprint }}',
                '{{ scope.predicate | replace("'", "''") }}', '{{ test_scope | replace("'", "''") }}',
                current_timestamp, false)
    {%- endif -%}
{%- endmacro %}

{#-
  Data tests of a scoped model check the rows its latest build wrote: a test whose `where` config contains the
  marker `/* incremental scope */` (or `/* incremental scope of <model> */` for a view over a scoped model) gets
  the scope recorded by that build instead ('1 = 1' after a full build, or when nothing is recorded).
  Written in yml as   config: {where: "1 = 1 /* incremental scope */"}   so that without this macro it is a no-op.
-#}
{% macro incremental_test_scope(where, relation) -%}
    {%- set name = relation.identifier -%}
    {%- if 'incremental scope of ' in where -%}
        {%- set name = where.split('incremental scope of ')[1].split('*/')[0] | trim -%}
    {%- endif -%}
    {%- set row = _state_row(name) if execute else none -%}
    {{- return(row.get('test_scope') if row is not none and row.get('test_scope') and not row.get('tests_pending')
               else '1 = 1') -}}
{%- endmacro %}

{#- dbt's own macro (where_subquery.sql), plus the incremental scope marker above. -#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where', '') -%}
    {%- if where and '/* incremental scope' in where -%}
        {%- set where = incremental_test_scope(where, relation) -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {%- do return(filtered) -%}
    {%- else -%}
        {%- do return(relation) -%}
    {%- endif -%}
{%- endmacro %}

{#- The model whose recorded scope a data test reads (its `where` marker), or none. -#}
{% macro _incremental_test_owner(test_node) -%}
    {%- set where = test_node.config.where or '' -%}
    {%- if '/* incremental scope' not in where -%}{{- return(none) -}}{%- endif -%}
    {%- if 'incremental scope of ' in where -%}
        {{- return(where.split('incremental scope of ')[1].split('*/')[0] | trim) -}}
    {%- endif -%}
    {%- set attached = test_node.get('attached_node') or (test_node.depends_on.nodes | first) -%}
    {{- return(graph.nodes[attached].name if attached in graph.nodes else none) -}}
{%- endmacro %}

{#-
  on-run-end: a scoped model whose latest scope was not checked by all its data tests (a test failed or was
  skipped, or the run did not run tests: `dbt run`) is marked `tests_pending`: its tests check every row until
  its next build, which then tests all its rows once. Scoped tests never let rows go unchecked.
-#}
{% macro record_incremental_test_results(results) -%}
    {%- if execute and incremental_state_exists() -%}
        {%- set checked = [] -%}
        {%- set pending = [] -%}
        {%- for result in results if result.node.resource_type == 'test' -%}
            {%- if result.status in ('pass', 'warn') -%}
                {%- do checked.append(result.node.unique_id) -%}
            {%- else -%}
                {%- set owner = _incremental_test_owner(result.node) -%}
                {%- if owner and owner not in pending -%}{%- do pending.append(owner) -%}{%- endif -%}
            {%- endif -%}
        {%- endfor -%}
        {%- for result in results if result.node.resource_type == 'model' and result.status == 'success'
                and (result.node.config.meta or {}).get('incremental_scope') -%}
            {%- for uid, node in graph.nodes.items() if node.resource_type == 'test'
                    and _incremental_test_owner(node) == result.node.name and uid not in checked -%}
                {%- if result.node.name not in pending -%}{%- do pending.append(result.node.name) -%}{%- endif -%}
            {%- endfor -%}
        {%- endfor -%}
        {%- if pending -%}
            alter table {{ incremental_state_relation() }} add column if not exists tests_pending boolean;
            update {{ incremental_state_relation() }} set tests_pending = true
            where model_name in ({{ _sql_list(pending | sort) }})
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}
