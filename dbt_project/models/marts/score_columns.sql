-- The columns of a score sheet under each method (methods/*.yml): every indicator, bonus and deduction item in
-- the method file's order, then every cap shared by several rules, with its Chinese label, kind and how its value
-- is displayed. Every surface that shows a unit's score (scores, receipts, the submission, the bulletin) lists
-- these columns and fills them from score_points, so an item with no points this month still has its column.
with value_kinds as (

    select
        components.method_code,
        components.item_code,
        case when count(*) = 1 then max(measures.value_kind) end as value_kind
    from {{ ref('method_components') }} as components
    inner join {{ ref('method_measures') }} as measures
        on measures.method_code = components.method_code
        and measures.measure_code = components.measure_code
    group by components.method_code, components.item_code

),

items as (

    select
        items.method_code,
        items.item_code,
        items.label_zh,
        items.kind,
        'item' as line,
        items.formula,
        items.points,
        coalesce(value_kinds.value_kind, 'score') as value_kind,
        items.sort_order
    from {{ ref('method_items') }} as items
    left join value_kinds
        on value_kinds.method_code = items.method_code
        and value_kinds.item_code = items.item_code

),

caps as (

    select
        caps.method_code,
        caps.cap_code as item_code,
        caps.label_zh || '（合计封顶）' as label_zh,
        max(items.kind) as kind,
        'cap' as line,
        cast(null as varchar) as formula,
        caps.cap as points,
        'score' as value_kind,
        999 as sort_order
    from {{ ref('method_caps') }} as caps
    inner join {{ ref('method_items') }} as items
        on items.method_code = caps.method_code
        and items.cap_group = caps.cap_code
    group by caps.method_code, caps.cap_code, caps.label_zh, caps.cap

)

select
    method_code,
    item_code,
    label_zh,
    kind,
    line,
    formula,
    cast(points as {{ double() }}) as points,
    value_kind,
    cast(row_number() over (partition by method_code order by sort_order, line, item_code) as integer)
        as column_order
from (
    select * from items
    union all
    select * from caps
) as columns
