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

{#- Which rows of the unit-month's reports a projects measure counts (SPEC 3): a measure on funds_ytd reads the
    funds report (funds_ytd belongs to the report's ISO week-year), every other one the snapshot. The engine
    (int_method_measure_rows, int_method_measure_values) and score_point_rows use it. -#}
{% macro project_rows_flag(m) -%}
    {%- if 'funds_ytd' in (m['expression_sql'] ~ ' ' ~ m['filter_sql']) -%}r.in_funds_report{%- else -%}r.in_snapshot{%- endif -%}
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

{#- The columns of a source row for score_point_rows: week_label, file_sha256, sheet, row_number, source_path
    and detail_zh (a Chinese description of the row). -#}
{% macro method_row_detail(source) -%}
    {%- if source == 'projects' -%}
    r.week_label as week_label,
    r.file_sha256 as file_sha256,
    r.sheet as sheet,
    cast(r.row_number as integer) as row_number,
    (select max(f.source_path) from {{ ref('stg_report_files') }} as f where f.file_sha256 = r.file_sha256)
        as source_path,
    r.project_name as project_name,
    r.investor as investor,
    coalesce(st.label_zh, r.stage) as stage_zh,
    coalesce((select max(i.label_zh) from {{ ref('industries') }} as i where i.industry_code = r.industry), r.industry)
        as industry_zh,
    cast(r.contract_amount as {{ double() }}) as contract_amount,
    cast(r.funds_ytd as {{ double() }}) as funds_ytd,
    r.project_code || ' ' || coalesce(r.project_name, '') || '（' || coalesce(st.label_zh, r.stage, '')
        || coalesce('，签约 ' || cast(r.signed_on as varchar), '') || coalesce('，落地 ' || cast(r.landed_on as varchar), '')
        || '）协议引资额 ' || {{ fmt('r.contract_amount') }} || ' 亿元，本年到位资金 ' || {{ fmt('r.funds_ytd') }} || ' 亿元'
        as detail_zh
    {%- elif source in ('leads_shared', 'leads_received') -%}
    r.shared_week_label as week_label,
    r.file_sha256 as file_sha256,
    r.sheet as sheet,
    cast(r.row_number as integer) as row_number,
    cast(null as varchar) as source_path,
    cast(null as varchar) as project_name,
    cast(null as varchar) as investor,
    cast(null as varchar) as stage_zh,
    cast(null as varchar) as industry_zh,
    cast(null as {{ double() }}) as contract_amount,
    cast(null as {{ double() }}) as funds_ytd,
    '线索 ' || r.lead_id || '“' || coalesce(r.project_name, '') || '”：' || r.sharer_unit || ' 于 '
        || cast(r.shared_on as varchar) || ' 共享给 ' || r.receiver_unit || '；'
        || case when r.receiver_project_code is null then '接收单位台账中尚无此线索'
            else '接收单位项目 ' || r.receiver_project_code
                || coalesce(' 签约 ' || cast(r.signed_on as varchar), '')
                || coalesce(' 落地 ' || cast(r.landed_on as varchar), '')
                || coalesce('，反馈 ' || cast(r.feedback_on as varchar), '，尚未反馈')
        end as detail_zh
    {%- elif source == 'missing_weeks' -%}
    r.week_label as week_label,
    cast(null as varchar) as file_sha256,
    cast(null as varchar) as sheet,
    cast(null as integer) as row_number,
    cast(null as varchar) as source_path,
    cast(null as varchar) as project_name,
    cast(null as varchar) as investor,
    cast(null as varchar) as stage_zh,
    cast(null as varchar) as industry_zh,
    cast(null as {{ double() }}) as contract_amount,
    cast(null as {{ double() }}) as funds_ytd,
    r.week_label || '（' || cast(r.week_start as varchar) || ' 至 ' || cast(r.week_end as varchar) || '）未收到周报'
        as detail_zh
    {%- elif source == 'missing_months' -%}
    cast(null as varchar) as week_label,
    cast(null as varchar) as file_sha256,
    cast(null as varchar) as sheet,
    cast(null as integer) as row_number,
    cast(null as varchar) as source_path,
    cast(null as varchar) as project_name,
    cast(null as varchar) as investor,
    cast(null as varchar) as stage_zh,
    cast(null as varchar) as industry_zh,
    cast(null as {{ double() }}) as contract_amount,
    cast(null as {{ double() }}) as funds_ytd,
    r.month_label || ' 整月未收到周报' as detail_zh
    {%- elif source == 'entries' -%}
    cast(null as varchar) as week_label,
    r.file_sha256 as file_sha256,
    r.sheet as sheet,
    cast(r.row_number as integer) as row_number,
    r.source_path as source_path,
    cast(null as varchar) as project_name,
    cast(null as varchar) as investor,
    cast(null as varchar) as stage_zh,
    cast(null as varchar) as industry_zh,
    cast(null as {{ double() }}) as contract_amount,
    cast(null as {{ double() }}) as funds_ytd,
    coalesce(r.entered_by, '') || ' 录入 ' || r.entry_code || ' = ' || {{ fmt('r.value') }} || '：'
        || coalesce(r.reason, '') || '（' || r.entry_ref || '）' as detail_zh
    {%- else -%}
    {{ exceptions.raise_compiler_error("unknown measure source " ~ source) }}
    {%- endif -%}
{%- endmacro %}
