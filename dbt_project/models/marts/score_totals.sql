-- The score of every scored unit-month under the method of its year: base (indicators and committee scores),
-- bonus and deductions after caps (deductions positive), total and rank within the method's group.
-- A unit-month whose indicators all lack a target has no base, no total and no rank.
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

)

select
    totals.*,
    case
        when total_score is not null then rank() over (
            partition by year, month, method_code, group_code, case when total_score is null then 1 else 0 end
            order by {{ compare_key('total_score') }} desc
        )
    end as rank_in_group
from totals
