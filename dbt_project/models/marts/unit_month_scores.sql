-- The assessment score of every scored unit-month in the SPEC 6 shape (SPEC 3, 6): one row per active unit per
-- month that has any report in the year, for the years whose method has the indicators C, F, Q, M and R (the
-- 2021 method); other methods' scores are in score_totals and score_points. Not rounded; deductions positive.
-- Everything comes from score_points / score_totals: this model only pivots.
with spec_methods as (

    select method_code
    from {{ ref('method_items') }}
    where item_code in ('C', 'F', 'Q', 'M', 'R')
    group by method_code
    having count(distinct item_code) = 5

),

totals as (

    select totals.*
    from {{ ref('score_totals') }} as totals
    inner join spec_methods
        on spec_methods.method_code = totals.method_code

),

points as (

    select
        year,
        month,
        unit_code,
        {%- for indicator in ['c', 'f', 'q', 'm', 'r'] %}
        max(case when item_code = '{{ indicator | upper }}' and line = 'item' then value end) as value_{{ indicator }},
        max(case when item_code = '{{ indicator | upper }}' and line = 'item' then target end) as target_{{ indicator }},
        max(case when item_code = '{{ indicator | upper }}' and line = 'item' then points end) as score_{{ indicator }},
        {%- endfor %}
        sum(case when item_code = 'missing_report' then -points else 0 end) as missing_report_deduction,
        sum(case when item_code = 'late_feedback' then -points else 0 end) as late_feedback_deduction
    from {{ ref('score_points') }}
    group by year, month, unit_code

),

-- R's numerator and denominator (the measures of its ratio)
r_parts as (

    select
        measure_values.year,
        measure_values.month,
        measure_values.unit_code,
        max(case when measure_values.measure_code = measures.numerator then measure_values.value end)
            as landed_projects,
        max(case when measure_values.measure_code = measures.denominator then measure_values.value end)
            as signed_projects
    from {{ ref('method_components') }} as components
    inner join spec_methods
        on spec_methods.method_code = components.method_code
    inner join {{ ref('method_measures') }} as measures
        on measures.method_code = components.method_code
        and measures.measure_code = components.measure_code
    inner join {{ ref('int_method_measure_values') }} as measure_values
        on measure_values.method_code = measures.method_code
        and measure_values.measure_code in (measures.numerator, measures.denominator)
    where components.item_code = 'R'
    group by measure_values.year, measure_values.month, measure_values.unit_code

)

select
    totals.year,
    totals.month,
    totals.unit_code,
    totals.unit_type,
    {%- for indicator in ['c', 'f', 'q', 'm', 'r'] %}
    cast(points.value_{{ indicator }} as {{ double() }}) as value_{{ indicator }},
    points.target_{{ indicator }},
    points.score_{{ indicator }},
    {%- endfor %}
    totals.base_score,
    totals.bonus,
    totals.deductions,
    totals.total_score,
    totals.rank_in_group as rank_in_type,
    -- traceability beyond SPEC 6 (kept after the contract's columns)
    totals.snapshot_week_label,
    cast(coalesce(r_parts.signed_projects, 0) as integer) as signed_projects,
    cast(coalesce(r_parts.landed_projects, 0) as integer) as landed_projects,
    totals.bonus_before_cap,
    cast(coalesce(points.missing_report_deduction, 0) as {{ double() }}) as missing_report_deduction,
    cast(coalesce(points.late_feedback_deduction, 0) as {{ double() }}) as late_feedback_deduction
from totals
left join points
    on points.year = totals.year
    and points.month = totals.month
    and points.unit_code = totals.unit_code
left join r_parts
    on r_parts.year = totals.year
    and r_parts.month = totals.month
    and r_parts.unit_code = totals.unit_code
