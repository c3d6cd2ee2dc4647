-- SPEC 5: every active unit reported every week of the month (waivable per unit by the data officer).
-- Which weeks are expected and due is decided once, by dbt (intermediate.int_expected_reports, a view over
-- the staged reports): the same answer `status`, the receipts, the scores and the bulletin give.
-- A month whose weeks are not all due yet is one failure naming the weeks and the units behind, not a line per
-- unit-week; a month whose weeks are all due lists every missing unit-week (each waivable).
with weeks as (
    select w.week_label, w.week_end, r.unit_code, r.is_expected, coalesce(r.is_due, false) as is_due,
           r.is_received
    from gate_weeks w
    -- a week of a year without any report is absent from the model: not due
    left join intermediate.int_expected_reports r on r.week_label = w.week_label
),

not_due as (
    select distinct week_label from weeks where not is_due
),

missing as (
    select m.unit_code, u.name_zh, m.week_label, m.week_end
    from weeks m
    join seeds.units u on u.unit_code = m.unit_code
    where m.is_expected and m.is_due and not m.is_received
),

behind as (
    select unit_code, name_zh, count(*) as weeks
    from missing
    group by unit_code, name_zh
),

summary as (
    select
        (select string_agg(week_label, '、' order by week_label) from not_due) as not_due_zh,
        (select string_agg(week_label, ', ' order by week_label) from not_due) as not_due_en,
        (select string_agg(unit_code || ' ' || name_zh || '（' || weeks || '周）', '、' order by unit_code)
         from behind) as behind_zh,
        (select string_agg(unit_code, ', ' order by unit_code) from behind) as behind_en,
        (select count(*) from behind) as behind_count,
        (select max(week_end) from weeks where is_due) as due_through
)

select u.unit_code, w.week_label, null::varchar as project_code, null::varchar as project_name,
       'missing_report' as rule,
       cast(w.week_end as varchar) as value,
       u.name_zh || '（' || u.unit_code || '）未报送 ' || w.week_label || '（截至 ' || cast(w.week_end as varchar)
           || '）的周报' || coalesce('；该周文件被拒收：' || rj.reason_zh, '') as message_zh,
       'unit ' || u.unit_code || ' sent no report for ' || w.week_label || ' (ending '
           || cast(w.week_end as varchar) || ')' || coalesce('; its file was rejected: ' || rj.reason_en, '')
           as message_en,
       rj.source_path as file, null::varchar as sheet, null::integer as row_number
from missing w
join seeds.units u on u.unit_code = w.unit_code
left join (
    select source_path, reason_zh, reason_en,
           row_number() over (partition by source_path order by rejected_at desc) as rn
    from raw.rejected_files
) rj on rj.rn = 1
    and (rj.source_path like w.week_label || '/' || u.unit_code || '.%'
         or rj.source_path like w.week_label || '\' || u.unit_code || '.%')
where not exists (select 1 from not_due)

union all

select null::varchar as unit_code, null::varchar as week_label, null::varchar as project_code,
       null::varchar as project_name, 'month_not_due' as rule, s.not_due_en as value,
       cast(m.year as varchar) || '-' || lpad(cast(m.month as varchar), 2, '0') || ' 的周次尚未全部到期（'
           || s.not_due_zh || ' 晚于最新收到的周报），本月暂不能报送；'
           || case when s.behind_count = 0 then '已到期周次各单位均已报送'
                   else '已到期周次仍缺报的单位' || s.behind_count || '个：' || s.behind_zh end
           || '。待这些周的周报到齐后再检查' as message_zh,
       'not every week of ' || cast(m.year as varchar) || '-' || lpad(cast(m.month as varchar), 2, '0')
           || ' is due yet (' || s.not_due_en || ' come after the newest report received); '
           || case when s.behind_count = 0 then 'every unit sent the weeks already due'
                   else s.behind_count || ' unit(s) still miss a week already due: ' || s.behind_en end
           || '; check again once those weeks have arrived' as message_en,
       null::varchar as file, null::varchar as sheet, null::integer as row_number
from summary s
cross join gate_month m
where exists (select 1 from not_due)
order by unit_code nulls first, week_label
