-- Every point of every scored unit-month under the method of its year (methods/*.yml): one row per indicator
-- (kind 'indicator', or 'manual' for a committee score), per bonus or deduction rule scored from a count
-- (formula per_item), per event of a per_event rule (ref = the lead, week, month, project or entry), and per cap
-- that cut a rule or a group of rules (line 'cap'). points are signed (deductions negative), so the points of a
-- unit-month add up to its total; a NULL indicator does not apply (its points went to the others).
with periods as (

    select * from {{ ref('int_method_periods') }}

),

items as (

    select * from {{ ref('method_items') }}

),

components as (

    select
        components.*,
        coalesce(measures.label_zh, components.measure_code) as measure_label_zh
    from {{ ref('int_method_components') }} as components
    left join {{ ref('method_measures') }} as measures
        on measures.method_code = components.method_code
        and measures.measure_code = components.measure_code

),

-- each component's parts of the item's formulas
component_parts as (

    select
        year,
        month,
        unit_code,
        method_code,
        item_code,
        component,
        weight,
        component_score,
        value,
        target,
        ratio,
        place,
        group_units,
        measure_label_zh,
        -- deducted (扣分制): Σ rate × events; shortfalls: Σ max(minimum − value, 0); rank_points: the place
        case when scale = 'per_event' then weight * value end as deducted_part,
        case when scale = 'shortfall' then greatest(coalesce(target, 0) - value, 0) end as shortfall_part,
        case when scale = 'per_event' then
            {{ fmt('weight') }} || ' × ' || {{ fmt('value') }} || '（' || measure_label_zh || '）'
        end as deducted_zh,
        case when scale = 'shortfall' then
            measure_label_zh || ' 最低 ' || {{ fmt('target') }} || '、实有 ' || {{ fmt('value') }}
            || '、差 ' || {{ fmt('greatest(coalesce(target, 0) - value, 0)') }}
        end as shortfall_zh,
        {{ fmt('weight') }} || ' × '
        || case
            when scale = 'efficacy' then '功效系数' || {{ fmt('coefficient * 100') }} || '%（' || {{ fmt('value') }} || '）'
            when component_cap is null then '(' || {{ fmt('value') }} || ' ÷ ' || {{ fmt('target') }} || ')'
            else 'min(' || {{ fmt('value') }} || ' ÷ ' || {{ fmt('target') }} || ', ' || {{ fmt('component_cap') }} || ')'
        end as component_zh,
        item_components
    from components

),

-- one row per (unit-month, item) with its single component's figures, or the weighted sum of several: an item
-- of one component (most) takes them as they are; only items of several aggregate (string_agg in component
-- order is the costly part, ~2 s of CPU at L when every item went through it)
item_figures as (

    select
        year,
        month,
        unit_code,
        method_code,
        item_code,
        cast(1 as bigint) as components,
        cast(case when component_score is not null then 1 else 0 end as bigint) as scored_components,
        weight * component_score as weighted_score,
        value,
        target,
        ratio,
        deducted_part as deducted_sum,
        shortfall_part as shortfall_sum,
        place,
        group_units,
        measure_label_zh,
        deducted_zh,
        shortfall_zh as shortfalls_zh,
        component_zh as components_zh
    from component_parts
    where item_components = 1
    union all
    select
        year,
        month,
        unit_code,
        method_code,
        item_code,
        count(*) as components,
        count(component_score) as scored_components,
        sum(weight * component_score) as weighted_score,
        max(value) as value,
        max(target) as target,
        max(ratio) as ratio,
        sum(deducted_part) as deducted_sum,
        sum(shortfall_part) as shortfall_sum,
        max(place) as place,
        max(group_units) as group_units,
        max(measure_label_zh) as measure_label_zh,
        string_agg(deducted_zh, ' − ' order by component) as deducted_zh,
        string_agg(shortfall_zh, '；' order by component) as shortfalls_zh,
        string_agg(component_zh, ' + ' order by component) as components_zh
    from component_parts
    where coalesce(item_components, 0) <> 1
    group by year, month, unit_code, method_code, item_code

),

tier_checks as (

    select
        components.year,
        components.month,
        components.unit_code,
        components.method_code,
        components.item_code,
        tiers.tier,
        max(tiers.points) as points,
        sum(case when tiers.component is null or components.ratio >= tiers.min_ratio then 0 else 1 end) as misses
    from {{ ref('method_tiers') }} as tiers
    inner join components
        on components.method_code = tiers.method_code
        and components.item_code = tiers.item_code
        and (tiers.component is null or components.component = tiers.component)
    group by components.year, components.month, components.unit_code, components.method_code,
             components.item_code, tiers.tier

),

tier_reached as (

    select year, month, unit_code, method_code, item_code, min(tier) as tier
    from tier_checks
    where misses = 0
    group by year, month, unit_code, method_code, item_code

),

tier_points as (

    select tier_checks.year, tier_checks.month, tier_checks.unit_code, tier_checks.method_code,
           tier_checks.item_code, tier_checks.tier, tier_checks.points
    from tier_checks
    inner join tier_reached
        on tier_reached.year = tier_checks.year
        and tier_reached.month = tier_checks.month
        and tier_reached.unit_code = tier_checks.unit_code
        and tier_reached.method_code = tier_checks.method_code
        and tier_reached.item_code = tier_checks.item_code
        and tier_reached.tier = tier_checks.tier

),

scored_items as (

    select
        periods.year,
        periods.month,
        periods.unit_code,
        periods.group_code,
        periods.method_code,
        periods.missing_target,
        items.item_code,
        items.label_zh,
        items.kind,
        items.formula,
        items.points as item_points,
        items.cap,
        items.floor,
        items.points_each,
        items.beyond_target,
        items.cap_group,
        items.sort_order,
        item_figures.value,
        item_figures.target,
        item_figures.ratio,
        item_figures.components_zh,
        item_figures.deducted_sum,
        item_figures.shortfall_sum,
        item_figures.place,
        item_figures.group_units,
        item_figures.measure_label_zh,
        item_figures.deducted_zh,
        item_figures.shortfalls_zh,
        tier_points.tier,
        tier_points.points as tier_points_value,
        -- the share of the item's points earned by ratio formulas (NULL: a target is missing)
        case
            when items.formula in ('ratio_to_target', 'weighted', 'efficacy')
                 and item_figures.scored_components = item_figures.components
                then case
                    when items.cap is not null and item_figures.weighted_score > items.cap then items.cap
                    else item_figures.weighted_score
                end
        end as fraction
    from periods
    inner join items
        on items.method_code = periods.method_code
        and items.formula <> 'per_event'
    inner join item_figures
        on item_figures.year = periods.year
        and item_figures.month = periods.month
        and item_figures.unit_code = periods.unit_code
        and item_figures.method_code = periods.method_code
        and item_figures.item_code = items.item_code
    left join tier_points
        on tier_points.year = periods.year
        and tier_points.month = periods.month
        and tier_points.unit_code = periods.unit_code
        and tier_points.method_code = periods.method_code
        and tier_points.item_code = items.item_code

),

-- SPEC 3: an indicator without a target shares its points among the applicable ones, in proportion
shared as (

    select
        scored_items.*,
        sum(case when formula in ('ratio_to_target', 'weighted', 'efficacy') then item_points end)
            over (partition by year, month, unit_code, method_code) as pool_points,
        sum(case when fraction is not null then item_points end)
            over (partition by year, month, unit_code, method_code) as applicable_points
    from scored_items

),

point_values as (

    select
        shared.*,
        case formula
            when 'tiers' then coalesce(tier_points_value, 0)
            when 'shortfall' then greatest(
                item_points - points_each * greatest(coalesce(target, 0) - value, 0), coalesce(floor, 0)
            )
            when 'per_item' then least(raw_per_item, coalesce(cap, raw_per_item))
            when 'manual' then least(greatest(coalesce(value, 0), 0), item_points)
            when 'deducted' then greatest(item_points - coalesce(deducted_sum, 0), coalesce(floor, 0))
            when 'shortfalls' then greatest(
                item_points - points_each * coalesce(shortfall_sum, 0), coalesce(floor, 0)
            )
            when 'rank_points' then case
                when value is not null then greatest(item_points - points_each * (place - 1), coalesce(floor, 0))
            end
            else case
                when fraction is null then case when missing_target = 'zero' then 0 end
                when missing_target = 'share' then item_points * pool_points / applicable_points * fraction
                else item_points * fraction
            end
        end as raw_points
    from (
        select
            shared.*,
            points_each * case
                when beyond_target then greatest(value - coalesce(target, 0), 0) else value
            end as raw_per_item
        from shared
    ) as shared

),

-- a ratio formula's floor (e.g. a growth below 0 scores 0, not negative points)
floored as (

    select
        point_values.*,
        case
            when formula in ('ratio_to_target', 'weighted', 'efficacy') and floor is not null and raw_points < floor
                then floor
            else raw_points
        end as unsigned_points
    from point_values

),

item_rows as (

    select
        year,
        month,
        unit_code,
        group_code,
        method_code,
        item_code,
        label_zh as item_label_zh,
        kind,
        value,
        target,
        ratio,
        case when kind = 'deduction' then -unsigned_points else unsigned_points end as points,
        case formula
            when 'ratio_to_target' then
                case
                    when fraction is null and value is null then '口径无值（如同比增速的上年同期为0或无数据），不参与考核'
                        || case when missing_target = 'share' then '（分值按比例分给其他指标）' else '（0分）' end
                    when fraction is null then '目标为0或未下达，不参与考核' || case when missing_target = 'share'
                        then '（分值按比例分给其他指标）' else '（0分）' end
                    else {{ fmt('item_points') }}
                        || case when missing_target = 'share' and applicable_points <> pool_points
                            then ' × ' || {{ fmt('pool_points') }} || '/' || {{ fmt('applicable_points') }} else '' end
                        || ' × min(' || {{ fmt('value') }} || ' ÷ ' || {{ fmt('target') }}
                        || coalesce(', ' || {{ fmt_or_null('cap') }}, '') || ')'
                        || coalesce('，不低于 ' || {{ fmt_or_null('floor') }}, '')
                end
            when 'weighted' then {{ fmt('item_points') }} || ' × (' || components_zh || ')'
                || case when cap is not null then '，封顶 ' || {{ fmt('cap') }} else '' end
                || coalesce('，不低于 ' || {{ fmt_or_null('floor') }}, '')
            when 'efficacy' then {{ fmt('item_points') }} || ' × (' || components_zh || ')'
                || coalesce('，不低于 ' || {{ fmt_or_null('floor') }}, '')
            when 'deducted' then {{ fmt('item_points') }} || ' − ' || deducted_zh || ' = '
                || {{ fmt('item_points - coalesce(deducted_sum, 0)') }} || '，不低于 ' || {{ fmt('coalesce(floor, 0)') }}
            when 'shortfalls' then {{ fmt('item_points') }} || ' − ' || {{ fmt('points_each') }} || ' × 差额合计 '
                || {{ fmt('shortfall_sum') }} || '（' || shortfalls_zh || '）= '
                || {{ fmt('item_points - points_each * coalesce(shortfall_sum, 0)') }}
                || '，不低于 ' || {{ fmt('coalesce(floor, 0)') }}
            when 'rank_points' then case
                when value is null then '口径无值，不参与排名，本项不计分'
                else '组内第 ' || cast(place as varchar) || ' 名（共 ' || cast(group_units as varchar) || ' 个单位，按'
                    || measure_label_zh || ' ' || {{ fmt('value') }} || ' 从高到低，同值同名次）：'
                    || {{ fmt('item_points') }} || ' − ' || {{ fmt('points_each') }} || ' × (' || cast(place as varchar)
                    || ' − 1) = ' || {{ fmt('item_points - points_each * (place - 1)') }}
                    || '，不低于 ' || {{ fmt('coalesce(floor, 0)') }}
            end
            when 'tiers' then case when tier is null then '未达到任何档次：0分'
                else '达到第' || cast(tier as varchar) || '档：' || {{ fmt('unsigned_points') }} || '分（' || components_zh || '）' end
            when 'shortfall' then {{ fmt('item_points') }} || ' − ' || {{ fmt('points_each') }} || ' × 差额 max('
                || {{ fmt('target') }} || ' − ' || {{ fmt('value') }} || ', 0)，不低于 ' || {{ fmt('coalesce(floor, 0)') }}
            when 'per_item' then '每项 ' || {{ fmt('points_each') }} || ' 分 × '
                || case when beyond_target then '超出目标部分 max(' || {{ fmt('value') }} || ' − ' || {{ fmt('target') }} || ', 0)'
                    else {{ fmt('value') }} end
                || case when cap is not null then '，封顶 ' || {{ fmt('cap') }} || ' 分' else '' end
            when 'manual' then '委员会评分 ' || {{ fmt('value') }} || '（0至' || {{ fmt('item_points') }} || '分）'
        end as formula_zh,
        cast(null as varchar) as ref,
        'item' as line,
        sort_order,
        cap_group
    from floored

),

event_rows as (

    select
        periods.year,
        periods.month,
        periods.unit_code,
        periods.group_code,
        periods.method_code,
        items.item_code,
        items.label_zh as item_label_zh,
        items.kind,
        measure_rows.amount as value,
        cast(null as {{ double() }}) as target,
        cast(null as {{ double() }}) as ratio,
        (case when items.kind = 'deduction' then -1 else 1 end) * items.points_each * measure_rows.amount as points,
        '每项 ' || {{ fmt('items.points_each') }} || ' 分' as formula_zh,
        measure_rows.ref,
        'event' as line,
        items.sort_order,
        items.cap,
        items.cap_group
    from periods
    inner join items
        on items.method_code = periods.method_code
        and items.formula = 'per_event'
        and (items.group_code is null or ',' || items.group_code || ',' like '%,' || periods.group_code || ',%')
    inner join {{ ref('method_components') }} as item_measures
        on item_measures.method_code = items.method_code
        and item_measures.item_code = items.item_code
    inner join {{ ref('int_method_measure_rows') }} as measure_rows
        on measure_rows.year = periods.year
        and measure_rows.month = periods.month
        and measure_rows.unit_code = periods.unit_code
        and measure_rows.method_code = periods.method_code
        and measure_rows.measure_code = item_measures.measure_code

),

-- a per_event rule's own cap
event_totals as (

    select year, month, unit_code, group_code, method_code, item_code, item_label_zh, kind, sort_order, cap, cap_group,
           sum(points) as points
    from event_rows
    group by year, month, unit_code, group_code, method_code, item_code, item_label_zh, kind, sort_order, cap, cap_group

),

rule_caps as (

    select
        year, month, unit_code, group_code, method_code, item_code, item_label_zh, kind,
        cast(null as {{ double() }}) as value,
        cast(null as {{ double() }}) as target,
        cast(null as {{ double() }}) as ratio,
        (case when points < 0 then -1 else 1 end) * (cap - abs(points)) as points,
        '封顶 ' || {{ fmt('cap') }} || ' 分，封顶前 ' || {{ fmt('abs(points)') }} || ' 分' as formula_zh,
        cast(null as varchar) as ref,
        'cap' as line,
        sort_order
    from event_totals
    where cap is not null and abs(points) > cap

),

-- caps shared by several rules (after each rule's own cap)
capped_rules as (

    select year, month, unit_code, group_code, method_code, kind, cap_group,
           sum(case when cap is not null and abs(points) > cap then sign(points) * cap else points end) as points
    from event_totals
    where cap_group is not null
    group by year, month, unit_code, group_code, method_code, kind, cap_group
    union all
    select year, month, unit_code, group_code, method_code, kind, cap_group, points
    from item_rows
    where cap_group is not null

),

group_caps as (

    select
        capped.year, capped.month, capped.unit_code, capped.group_code, capped.method_code,
        caps.cap_code as item_code,
        caps.label_zh as item_label_zh,
        capped.kind,
        cast(null as {{ double() }}) as value,
        cast(null as {{ double() }}) as target,
        cast(null as {{ double() }}) as ratio,
        (case when capped.points < 0 then -1 else 1 end) * (caps.cap - abs(capped.points)) as points,
        caps.label_zh || '合计封顶 ' || {{ fmt('caps.cap') }} || ' 分，封顶前 ' || {{ fmt('abs(capped.points)') }} || ' 分'
            as formula_zh,
        cast(null as varchar) as ref,
        'cap' as line,
        999 as sort_order
    from (
        select year, month, unit_code, group_code, method_code, max(kind) as kind, cap_group, sum(points) as points
        from capped_rules
        group by year, month, unit_code, group_code, method_code, cap_group
    ) as capped
    inner join {{ ref('method_caps') }} as caps
        on caps.method_code = capped.method_code
        and caps.cap_code = capped.cap_group
    where abs(capped.points) > caps.cap

),

all_rows as (

    select year, month, unit_code, group_code, method_code, item_code, item_label_zh, kind, value, target, ratio,
           points, formula_zh, ref, line, sort_order
    from item_rows
    union all
    select year, month, unit_code, group_code, method_code, item_code, item_label_zh, kind, value, target, ratio,
           points, formula_zh, ref, line, sort_order
    from event_rows
    union all
    select * from rule_caps
    union all
    select * from group_caps

)

select
    year,
    month,
    unit_code,
    group_code,
    item_code,
    item_label_zh,
    kind,
    value,
    target,
    ratio,
    points,
    formula_zh,
    ref,
    method_code,
    line,
    sort_order
from all_rows
