-- SPEC 5: the district totals equal the sum over units. marts.district_month_indicators is checked against the
-- units' own figures, summed from every project row of every unit-month snapshot (marts.fct_unit_month_projects,
-- the rows behind the SPEC 6 pivot's C, F, Q, M and R): so the check holds whatever assessment method scores the
-- year. The landing conversion rate = landed / signed over all units, 0 without signed projects; completion =
-- value / target where a target is set.
-- The one reconciliation of the district totals: the month the officer submits is checked here, and a failure
-- names the indicator in the gate report (there is no dbt test doing it again).
with units as (
    select coalesce(sum(case when p.counted_c then p.contract_amount end), 0) as c,
           coalesce(sum(case when p.counted_f then p.funds_ytd end), 0) as f,
           coalesce(sum(case when p.counted_q then 1 else 0 end), 0) as q,
           coalesce(sum(case when p.counted_m then 1 else 0 end), 0) as m,
           case when sum(case when p.counted_r_signed then 1 else 0 end) > 0
                then cast(sum(case when p.counted_r_landed then 1 else 0 end) as double)
                     / sum(case when p.counted_r_signed then 1 else 0 end)
                else 0 end as r
    from marts.fct_unit_month_projects p
    join gate_month g on g.year = p.year and g.month = p.month
),
pairs as (
    select 'contract_amount_industrial' as indicator, c as unit_sum, '各单位C 协议引资额之和' as unit_label from units
    union all select 'funds_in_place_industrial', f, '各单位F 实际到位资金之和' from units
    union all select 'quality_projects', q, '各单位Q 优质项目之和' from units
    union all select 'major_projects', m, '各单位M 重大项目之和' from units
    union all select 'landing_conversion_rate', r, '各单位落地项目数之和 / 签约项目数之和' from units
),
district as (
    select d.indicator, d.value, d.target, d.completion
    from marts.district_month_indicators d
    join gate_month g on g.year = d.year and g.month = d.month
),
sum_mismatch as (
    select p.indicator, d.value, p.unit_sum, p.unit_label
    from pairs p
    left join district d on d.indicator = p.indicator
    where d.value is null or abs(d.value - p.unit_sum) > 1e-6 * greatest(1, abs(p.unit_sum))
),
completion_mismatch as (
    select indicator, value, target, completion
    from district
    where target is not null and target > 0 and value is not null
      and (completion is null or abs(completion - value / target) > 1e-6)
)
select null::varchar as unit_code, null::varchar as week_label, null::varchar as project_code,
       null::varchar as project_name, 'district_sum' as rule,
       indicator || '=' || coalesce(cast(value as varchar), '空') || ' vs ' || cast(unit_sum as varchar) as value,
       '区级指标 ' || indicator || ' 为 ' || coalesce(cast(value as varchar), '空') || '，' || unit_label
           || '为 ' || cast(unit_sum as varchar) || '，两者不一致' as message_zh,
       'district indicator ' || indicator || ' is ' || coalesce(cast(value as varchar), 'missing')
           || ' but the units give ' || cast(unit_sum as varchar) as message_en,
       null::varchar as file, null::varchar as sheet, null::integer as row_number
from sum_mismatch
union all
select null, null, null, null, 'district_completion',
       indicator || ' completion=' || coalesce(cast(completion as varchar), '空'),
       '区级指标 ' || indicator || ' 的完成率 ' || coalesce(cast(completion as varchar), '空') || ' 不等于 数值/目标 '
           || cast(value / target as varchar),
       'district indicator ' || indicator || ' completion ' || coalesce(cast(completion as varchar), 'missing')
           || ' is not value / target ' || cast(value / target as varchar),
       null, null, null
from completion_mismatch
