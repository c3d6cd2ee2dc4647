{#-
  The engine of method files (models/method/). A measure (seeds/method/method_measures.csv, compiled from
  methods/*.yml by assessment/) is an aggregate over the rows of a source that match its filter_sql; the filter
  uses the aliases `p` (the evaluated period: int_method_eval_periods, the scored ones and, for growth, the
  same months a year earlier), `r` (the source row) and `st` (the stages row
  of r's stage, or of the lead receiver's project).
-#}

{#- FROM clause of a source: p joined to its rows for the same unit and scored month. -#}
{% macro method_source_from(source) -%}
    {%- if source == 'projects' -%}
    from {{ ref('int_method_eval_periods') }} as p
    inner join {{ ref('int_unit_month_snapshots') }} as r
        on r.year = p.year and r.month = p.month and r.unit_code = p.unit_code
        and not r.is_cross_unit_duplicate
    left join {{ ref('stages') }} as st
        on st.stage_code = r.stage
    {%- elif source in ('leads_shared', 'leads_received') -%}
    from {{ ref('int_method_eval_periods') }} as p
    inner join {{ ref('int_leads') }} as r
        on r.year = p.year and r.month = p.month
        and r.{{ 'sharer_unit' if source == 'leads_shared' else 'receiver_unit' }} = p.unit_code
    left join {{ ref('stages') }} as st
        on st.stage_code = r.receiver_stage
    {%- elif source == 'missing_weeks' -%}
    from {{ ref('int_method_eval_periods') }} as p
    inner join {{ ref('int_expected_reports') }} as r
        on r.unit_code = p.unit_code and r.year = p.year
        and r.week_end >= p.period_start and r.week_end <= p.period_end
        and r.is_expected and r.is_due and not r.is_received
    {%- elif source == 'missing_months' -%}
    from {{ ref('int_method_eval_periods') }} as p
    inner join {{ ref('int_method_missing_months') }} as r
        on r.unit_code = p.unit_code and r.year = p.year
        and r.month >= cast(extract(month from p.period_start) as integer) and r.month <= p.month
    {%- elif source == 'entries' -%}
    from {{ ref('int_method_eval_periods') }} as p
    inner join {{ ref('stg_entry_rows') }} as r
        on r.year = p.year and r.month = p.month and r.unit_code = p.unit_code
    {%- else -%}
    {{ exceptions.raise_compiler_error("unknown measure source " ~ source) }}
    {%- endif -%}
{%- endmacro %}

{#- The method_measures seed as a list of rows (empty while parsing); `itemised`: a per_event rule counts its rows. -#}
{% macro method_measure_rows() -%}
    {%- set components, items, measures = ref('method_components'), ref('method_items'), ref('method_measures') -%}
    {%- if not execute -%}{{ return([]) }}{%- endif -%}
    {%- set sql -%}
        select
            measures.*,
            exists (
                select 1
                from {{ components }} as components
                inner join {{ items }} as items
                    on items.method_code = components.method_code and items.item_code = components.item_code
                where components.method_code = measures.method_code
                  and components.measure_code = measures.measure_code
                  and items.formula = 'per_event'
            ) as itemised
        from {{ measures }} as measures
        order by measures.method_code, measures.measure_code
    {%- endset -%}
    {{ return(run_query(sql).rows) }}
{%- endmacro %}

{#- A number as short text for formula_zh: 2 decimals at most, no trailing zeros. -#}
{% macro fmt(expr) -%}
    coalesce(rtrim(rtrim(cast(cast(round(cast({{ expr }} as decimal(20, 6)), 3) as decimal(20, 3)) as varchar), '0'), '.'), '—')
{%- endmacro %}

{#- The same, NULL when the number is NULL (to leave a part out of a formula). -#}
{% macro fmt_or_null(expr) -%}
    case when {{ expr }} is not null then {{ fmt(expr) }} end
{%- endmacro %}
