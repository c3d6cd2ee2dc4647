{{ config(meta={'dagster': {'ref': {'name': 'score_points'}}}) }}
-- Every capped rule and every shared cap of the method files holds after its cap line: a rule's points (its
-- events and its own cap line) and a shared cap's points (its rules and its cap line) never exceed the cap.
with rule_sums as (
    select points.year, points.month, points.unit_code, points.method_code, points.item_code,
           items.cap, items.cap_group, sum(points.points) as points
    from {{ ref('score_points') }} as points
    inner join {{ ref('method_items') }} as items
        on items.method_code = points.method_code and items.item_code = points.item_code
    where items.kind in ('bonus', 'deduction')
    group by points.year, points.month, points.unit_code, points.method_code, points.item_code,
             items.cap, items.cap_group
),
shared_sums as (
    select rule_sums.year, rule_sums.month, rule_sums.unit_code, rule_sums.method_code, caps.cap_code,
           caps.cap, sum(rule_sums.points) + coalesce(max(cap_lines.points), 0) as points
    from rule_sums
    inner join {{ ref('method_caps') }} as caps
        on caps.method_code = rule_sums.method_code and caps.cap_code = rule_sums.cap_group
    left join {{ ref('score_points') }} as cap_lines
        on cap_lines.year = rule_sums.year and cap_lines.month = rule_sums.month
        and cap_lines.unit_code = rule_sums.unit_code and cap_lines.item_code = caps.cap_code
        and cap_lines.line = 'cap'
    group by rule_sums.year, rule_sums.month, rule_sums.unit_code, rule_sums.method_code, caps.cap_code, caps.cap
)
select year, month, unit_code, item_code as rule, points, cap from rule_sums where abs(points) > cap + 1e-9
union all
select year, month, unit_code, cap_code, points, cap from shared_sums where abs(points) > cap + 1e-9
