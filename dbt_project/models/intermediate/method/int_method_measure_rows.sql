-- The rows behind every measure that is counted row by row: leads, missing weeks and months, entries, and
-- projects when a per_event rule scores them one by one. One row per (scored unit-month, measure, ref).
-- depends_on: {{ ref('method_components') }}, {{ ref('method_items') }}, {{ ref('method_measures') }}
-- depends_on: {{ ref('int_unit_month_snapshots') }}, {{ ref('int_leads') }}, {{ ref('int_expected_reports') }}
-- depends_on: {{ ref('int_method_missing_months') }}, {{ ref('stg_entry_rows') }}, {{ ref('stages') }}, {{ ref('int_method_eval_periods') }}
{%- set measures = method_measure_rows() %}
{%- set itemised = [] %}
{%- for m in measures %}
    {%- if m['aggregate'] in ('sum', 'count') and (m['source'] != 'projects' or m['itemised']) %}
        {%- do itemised.append(m) %}
    {%- endif %}
{%- endfor %}
{%- for m in itemised %}
select
    p.year,
    p.month,
    p.unit_code,
    p.method_code,
    '{{ m["measure_code"] }}' as measure_code,
    cast({{ m['ref_sql'] }} as varchar) as ref,
    cast({{ m['expression_sql'] }} as {{ double() }}) as amount
{{ method_source_from(m['source']) }}
where p.method_code = '{{ m["method_code"] }}'
  and ({{ m['filter_sql'] }})
union all
{%- endfor %}
select
    cast(null as integer) as year,
    cast(null as integer) as month,
    cast(null as varchar) as unit_code,
    cast(null as varchar) as method_code,
    cast(null as varchar) as measure_code,
    cast(null as varchar) as ref,
    cast(null as {{ double() }}) as amount
where 1 = 0
