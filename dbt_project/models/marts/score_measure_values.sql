{{ config(materialized='view') }}
-- The value of every measure behind every item of a scored unit-month (a view over the engine's values): the
-- item's measure(s) and target measure (depth 0), and the numerator and denominator of a ratio or the base of a
-- change or growth below them (parent_measure); below a growth (同比) also the value of the same month a year
-- earlier (of_year = year - 1); a veto's measure (一票否决) under no item (role veto). Only scored unit-months (int_method_periods) are listed. `zhaoshang explain` lists them above the rows of score_point_rows.
with measures as (

    select * from {{ ref('method_measures') }}

),

tree as (

    select method_code, item_code, measure_code as component_measure, measure_code,
           cast(null as varchar) as parent_measure, 0 as depth, 'measure' as role, 0 as position,
           false as with_prior
    from {{ ref('method_components') }}
    union
    select method_code, item_code, target_ref, target_ref, cast(null as varchar), 0, 'target', 1, false
    from {{ ref('method_components') }}
    where target_source = 'measure'
    union
    select method_code, cast(null as varchar), measure_code, measure_code, cast(null as varchar), 0, 'veto', 0, false
    from {{ ref('method_vetoes') }}

),

parts as (

    select measures.method_code, measures.measure_code, part.part, part.position,
           measures.aggregate = 'growth' as is_growth
    from measures
    cross join lateral (
        select measures.numerator as part, 1 as position where measures.aggregate = 'ratio'
        union all
        select measures.denominator, 2 where measures.aggregate = 'ratio'
        union all
        select measures.base_measure, 1 where measures.aggregate in ('change', 'growth')
    ) as part
    where part.part is not null

),

nodes as (

    select * from tree
    union all
    select tree.method_code, tree.item_code, tree.component_measure, parts.part, tree.measure_code, 1, tree.role,
           parts.position, parts.is_growth
    from tree
    inner join parts on parts.method_code = tree.method_code and parts.measure_code = tree.measure_code
    union all
    select tree.method_code, tree.item_code, tree.component_measure, deeper.part, parts.part, 2, tree.role,
           deeper.position, parts.is_growth or deeper.is_growth
    from tree
    inner join parts on parts.method_code = tree.method_code and parts.measure_code = tree.measure_code
    inner join parts as deeper on deeper.method_code = parts.method_code and deeper.measure_code = parts.part

),

scored as (

    select year, month, unit_code, method_code from {{ ref('int_method_periods') }}

)

select
    scored.year,
    scored.month,
    scored.unit_code,
    scored.method_code,
    v.year as of_year,
    nodes.item_code,
    nodes.component_measure,
    nodes.role,
    nodes.depth,
    nodes.parent_measure,
    cast(nodes.position as integer) as position,
    nodes.measure_code,
    measures.label_zh,
    measures.aggregate,
    measures.source,
    measures.when_zero,
    v.value
from {{ ref('int_method_measure_values') }} as v
inner join nodes
    on nodes.method_code = v.method_code and nodes.measure_code = v.measure_code
inner join measures
    on measures.method_code = v.method_code and measures.measure_code = v.measure_code
inner join scored
    on scored.method_code = v.method_code and scored.unit_code = v.unit_code and scored.month = v.month
    and (scored.year = v.year or (nodes.with_prior and scored.year = v.year + 1))
