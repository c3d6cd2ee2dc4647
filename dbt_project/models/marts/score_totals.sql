-- The score of every scored unit-month under the method of its year: base (indicators and committee scores),
-- bonus and deductions after caps (deductions positive), total and rank within the method's group.
-- A unit-month whose indicators all lack a target has no base, no total and no rank. When the method defines
-- grades, each total gets its grade and the reason (threshold, the top grade's quota, or a veto).
with sums as (

    select
        year,
        month,
        unit_code,
        sum(case when kind in ('indicator', 'manual') then points end) as base_score,
        sum(case when kind = 'bonus' then points else 0 end) as bonus,
        sum(case when kind = 'deduction' then -points else 0 end) as deductions,
        sum(case when kind = 'bonus' and line <> 'cap' then points else 0 end) as bonus_before_cap,
        sum(case when kind = 'deduction' and line <> 'cap' then -points else 0 end) as deductions_before_cap
    from {{ ref('score_points') }}
    group by year, month, unit_code

),

totals as (

    select
        periods.year,
        periods.month,
        periods.unit_code,
        periods.unit_type,
        periods.method_code,
        periods.group_code,
        periods.group_label_zh,
        periods.group_order,
        periods.period_start,
        periods.period_end,
        periods.snapshot_week_label,
        sums.base_score,
        cast(coalesce(sums.bonus, 0) as {{ double() }}) as bonus,
        cast(coalesce(sums.deductions, 0) as {{ double() }}) as deductions,
        sums.base_score + coalesce(sums.bonus, 0) - coalesce(sums.deductions, 0) as total_score,
        cast(coalesce(sums.bonus_before_cap, 0) as {{ double() }}) as bonus_before_cap,
        cast(coalesce(sums.deductions_before_cap, 0) as {{ double() }}) as deductions_before_cap
    from {{ ref('int_method_periods') }} as periods
    left join sums
        on sums.year = periods.year
        and sums.month = periods.month
        and sums.unit_code = periods.unit_code

),

ranked as (

    select
        totals.*,
        case
            when total_score is not null then rank() over (
                partition by year, month, method_code, group_code, case when total_score is null then 1 else 0 end
                order by {{ compare_key('total_score') }} desc
            )
        end as rank_in_group,
        count(total_score) over (partition by year, month, method_code, group_code) as ranked_units
    from totals

),

-- grades (考核等次, methods' `grades`): a veto (一票否决: any committee entry of a veto measure) gives the lowest
-- grade, its total and rank standing; the top grade's quota (share of the ranked units, rounded as the method
-- says, at least one place) goes to the highest totals reaching its threshold that are not vetoed
vetoes as (

    select
        measure_values.year,
        measure_values.month,
        measure_values.unit_code,
        measure_values.method_code,
        string_agg(measures.label_zh, '、' order by measures.measure_code) as veto_zh
    from {{ ref('int_method_measure_values') }} as measure_values
    inner join {{ ref('method_vetoes') }} as vetoes
        on vetoes.method_code = measure_values.method_code
        and vetoes.measure_code = measure_values.measure_code
    inner join {{ ref('method_measures') }} as measures
        on measures.method_code = measure_values.method_code
        and measures.measure_code = measure_values.measure_code
    where measure_values.value > 0
    group by measure_values.year, measure_values.month, measure_values.unit_code, measure_values.method_code

),

grade_bounds as (

    select
        method_code,
        max(case when grade_order = 1 then grade_zh end) as top_grade_zh,
        max(case when grade_order = 1 then at_least end) as top_at_least,
        max(case when grade_order = 1 then quota end) as top_quota,
        max(case when grade_order = 1 then quota_rounding end) as top_quota_rounding,
        max(grade_order) as lowest_order,
        min(at_least) as lowest_at_least
    from {{ ref('method_grades') }}
    group by method_code

),

candidates as (

    select
        ranked.*,
        vetoes.veto_zh,
        grade_bounds.top_grade_zh,
        grade_bounds.top_at_least,
        grade_bounds.top_quota,
        grade_bounds.top_quota_rounding,
        grade_bounds.lowest_order,
        grade_bounds.lowest_at_least,
        grade_bounds.method_code is not null
            and ranked.total_score is not null
            and vetoes.veto_zh is null
            and {{ compare_key('ranked.total_score') }} >= {{ compare_key('grade_bounds.top_at_least') }}
            as is_top_candidate,
        case when grade_bounds.top_quota is not null then greatest(1, cast(
            case grade_bounds.top_quota_rounding
                when 'up' then ceil(cast(grade_bounds.top_quota as decimal(20, 6)) * ranked.ranked_units)
                when 'nearest' then round(cast(grade_bounds.top_quota as decimal(20, 6)) * ranked.ranked_units)
                else floor(cast(grade_bounds.top_quota as decimal(20, 6)) * ranked.ranked_units)
            end as integer))
        end as top_places
    from ranked
    left join vetoes
        on vetoes.year = ranked.year
        and vetoes.month = ranked.month
        and vetoes.unit_code = ranked.unit_code
        and vetoes.method_code = ranked.method_code
    left join grade_bounds
        on grade_bounds.method_code = ranked.method_code

),

placed as (

    select
        candidates.*,
        case when is_top_candidate then rank() over (
            partition by year, month, method_code, group_code, is_top_candidate
            order by {{ compare_key('total_score') }} desc
        ) end as top_place
    from candidates

),

graded as (

    select placed.year, placed.month, placed.unit_code, min(grades.grade_order) as grade_order
    from placed
    inner join {{ ref('method_grades') }} as grades
        on grades.method_code = placed.method_code
        and (grades.at_least is null or {{ compare_key('placed.total_score') }} >= {{ compare_key('grades.at_least') }})
        and (placed.veto_zh is null or grades.grade_order = placed.lowest_order)
        and not (grades.grade_order = 1 and coalesce(placed.top_place > placed.top_places, false))
    where placed.total_score is not null
    group by placed.year, placed.month, placed.unit_code

)

select
    placed.year,
    placed.month,
    placed.unit_code,
    placed.unit_type,
    placed.method_code,
    placed.group_code,
    placed.group_label_zh,
    placed.group_order,
    placed.period_start,
    placed.period_end,
    placed.snapshot_week_label,
    placed.base_score,
    placed.bonus,
    placed.deductions,
    placed.total_score,
    placed.bonus_before_cap,
    placed.deductions_before_cap,
    placed.rank_in_group,
    grades.grade_zh,
    case
        when grades.grade_zh is null then null
        when placed.veto_zh is not null then
            '一票否决：' || placed.veto_zh || '，定为' || grades.grade_zh || '，总分和名次不变'
        when grades.grade_order = 1 and placed.top_places is not null then
            '总分 ' || {{ fmt('placed.total_score') }} || ' ≥ ' || {{ fmt('placed.top_at_least') }} || '，'
            || grades.grade_zh || '名额 ' || cast(placed.top_places as varchar) || ' 个（'
            || cast(placed.ranked_units as varchar) || ' 个单位 × ' || {{ fmt('placed.top_quota * 100') }} || '% '
            || case placed.top_quota_rounding when 'up' then '向上取整' when 'nearest' then '四舍五入' else '向下取整' end
            || '，至少 1 个），未被否决的单位中按总分排第 ' || cast(placed.top_place as varchar) || ' 位'
        when placed.is_top_candidate then
            '总分 ' || {{ fmt('placed.total_score') }} || ' ≥ ' || {{ fmt('placed.top_at_least') }} || '，但'
            || placed.top_grade_zh || '名额 ' || cast(placed.top_places as varchar) || ' 个已满（按总分排第 '
            || cast(placed.top_place as varchar) || ' 位）：' || grades.grade_zh
            || coalesce('（≥ ' || {{ fmt_or_null('grades.at_least') }} || '）', '')
        when grades.at_least is null then
            '总分 ' || {{ fmt('placed.total_score') }} || ' < ' || {{ fmt('placed.lowest_at_least') }} || '：' || grades.grade_zh
        else '总分 ' || {{ fmt('placed.total_score') }} || ' ≥ ' || {{ fmt('grades.at_least') }} || '：' || grades.grade_zh
    end as grade_reason_zh,
    placed.veto_zh is not null as is_vetoed
from placed
left join graded
    on graded.year = placed.year
    and graded.month = placed.month
    and graded.unit_code = placed.unit_code
left join {{ ref('method_grades') }} as grades
    on grades.method_code = placed.method_code
    and grades.grade_order = graded.grade_order
