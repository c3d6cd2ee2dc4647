{{ config(materialized='view') }}
-- The rows behind every point, stored once (as a view: computed when read, nothing to build): for every scored
-- unit-month and every item of the year's method, each row a measure of the item counted — the project rows
-- of the snapshot, the leads, the missing weeks and months, the committee's entries — with the file
-- (file_sha256), sheet and row it came from and a Chinese description. A ratio's numerator and denominator and
-- a change's or growth's base measure are listed under the item too (component_measure says which measure of the
-- item they make up); below a growth (同比) also the base measure's rows of the same month a year earlier
-- (of_year = year - 1); a veto's measure (一票否决) with item_code NULL. Project rows are the snapshot's, or the funds report's for a measure on funds_ytd. `zhaoshang explain` and the bulletin's per-unit pages read it.
-- depends_on: {{ ref('method_components') }}, {{ ref('method_items') }}, {{ ref('method_measures') }}
-- depends_on: {{ ref('int_unit_month_snapshots') }}, {{ ref('int_leads') }}, {{ ref('int_expected_reports') }}
-- depends_on: {{ ref('int_method_missing_months') }}, {{ ref('stg_entry_rows') }}, {{ ref('stages') }}, {{ ref('int_method_periods') }}, {{ ref('int_method_eval_periods') }}
-- depends_on: {{ ref('stg_report_files') }}, {{ ref('industries') }}
{%- set measures = method_measure_rows() %}
{%- set counted = [] %}
{%- for m in measures %}
    {%- if m['aggregate'] in ('sum', 'count') %}
        {%- do counted.append(m) %}
    {%- endif %}
{%- endfor %}
with measure_rows as (

    {%- for m in counted %}
    select
        p.year,
        p.month,
        p.unit_code,
        p.method_code,
        '{{ m["measure_code"] }}' as measure_code,
        '{{ m["source"] }}' as source,
        cast({{ m['ref_sql'] }} as varchar) as ref,
        cast({{ m['expression_sql'] }} as {{ double() }}) as amount,
        {{ method_row_detail(m['source']) }}
    {{ method_source_from(m['source']) }}
    where p.method_code = '{{ m["method_code"] }}'
      and ({{ m['filter_sql'] }})
      {%- if m['source'] == 'projects' %}
      and {{ project_rows_flag(m) }}
      {%- endif %}
    union all
    {%- endfor %}
    select
        cast(null as integer), cast(null as integer), cast(null as varchar), cast(null as varchar),
        cast(null as varchar), cast(null as varchar), cast(null as varchar), cast(null as {{ double() }}),
        cast(null as varchar), cast(null as varchar), cast(null as varchar), cast(null as integer),
        cast(null as varchar), cast(null as varchar), cast(null as varchar), cast(null as varchar),
        cast(null as varchar), cast(null as {{ double() }}), cast(null as {{ double() }}), cast(null as varchar)
    where 1 = 0

),

measures as (

    select * from {{ ref('method_measures') }}

),

-- each item's measures (and a target measure), then the parts of a ratio or change, two levels down
item_measures as (

    select method_code, item_code, measure_code as component_measure, measure_code
    from {{ ref('method_components') }}
    union
    select method_code, item_code, target_ref, target_ref
    from {{ ref('method_components') }}
    where target_source = 'measure'

),

parts as (

    select measures.method_code, measures.measure_code, part.part, measures.aggregate = 'growth' as is_growth
    from measures
    cross join lateral (
        select measures.numerator as part where measures.aggregate = 'ratio'
        union all
        select measures.denominator where measures.aggregate = 'ratio'
        union all
        select measures.base_measure where measures.aggregate in ('change', 'growth')
    ) as part
    where part.part is not null

),

-- with_prior: below a growth (同比), whose base measure is also listed for the same months a year earlier
leaf_paths as (

    select method_code, item_code, component_measure, measure_code, false as with_prior
    from item_measures
    union all
    -- a veto's measure (一票否决), under no item
    select method_code, cast(null as varchar), measure_code, measure_code, false
    from {{ ref('method_vetoes') }}
    union all
    select item_measures.method_code, item_measures.item_code, item_measures.component_measure, parts.part,
           parts.is_growth
    from item_measures
    inner join parts
        on parts.method_code = item_measures.method_code and parts.measure_code = item_measures.measure_code
    union all
    select item_measures.method_code, item_measures.item_code, item_measures.component_measure, deeper.part,
           parts.is_growth or deeper.is_growth
    from item_measures
    inner join parts
        on parts.method_code = item_measures.method_code and parts.measure_code = item_measures.measure_code
    inner join parts as deeper
        on deeper.method_code = parts.method_code and deeper.measure_code = parts.part

),

leaves as (

    select method_code, item_code, component_measure, measure_code, bool_or(with_prior) as with_prior
    from leaf_paths
    group by method_code, item_code, component_measure, measure_code

),

-- the scored unit-months only (measure_rows also holds the prior year's months a growth measure evaluates)
scored as (

    select year, month, unit_code, method_code from {{ ref('int_method_periods') }}

)

select
    scored.year,
    scored.month,
    scored.unit_code,
    scored.method_code,
    measure_rows.year as of_year,
    leaves.item_code,
    leaves.component_measure,
    measure_rows.measure_code,
    measures.label_zh as measure_label_zh,
    measure_rows.source,
    measure_rows.ref,
    measure_rows.amount,
    measure_rows.week_label,
    measure_rows.file_sha256,
    measure_rows.sheet,
    measure_rows.row_number,
    measure_rows.source_path,
    measure_rows.project_name,
    measure_rows.investor,
    measure_rows.stage_zh,
    measure_rows.industry_zh,
    measure_rows.contract_amount,
    measure_rows.funds_ytd,
    measure_rows.detail_zh
from measure_rows
inner join leaves
    on leaves.method_code = measure_rows.method_code and leaves.measure_code = measure_rows.measure_code
inner join scored
    on scored.method_code = measure_rows.method_code and scored.unit_code = measure_rows.unit_code
    and scored.month = measure_rows.month
    and (scored.year = measure_rows.year or (leaves.with_prior and scored.year = measure_rows.year + 1))
inner join measures
    on measures.method_code = measure_rows.method_code and measures.measure_code = measure_rows.measure_code
