-- SPEC 5: no stage going backwards week over week, except to 终止 (terminated). A terminated project that
-- comes back counts as going backwards. Compared with the unit's previous report.
select c.unit_code, c.week_label, c.project_code, c.project_name,
       'stage_regression' as rule,
       p.stage || ' -> ' || c.stage as value,
       '项目阶段倒退：' || p.prev_week || ' 为「' || ps.label_zh || '」，' || c.week_label || ' 为「' || cs.label_zh
           || '」（只能前进或改为终止）' as message_zh,
       'stage went backwards: ' || p.stage || ' in ' || p.prev_week || ', ' || c.stage || ' in ' || c.week_label
           || ' (only forward moves or terminated are allowed)' as message_en,
       c.source_path as file, c.sheet, c.row_number
from gate_ledger c
join gate_prev_ledger p
    on p.unit_code = c.unit_code and p.week_label = c.week_label and p.project_code = c.project_code
join seeds.stages cs on cs.stage_code = c.stage
join seeds.stages ps on ps.stage_code = p.stage
where c.stage <> 'terminated' and cs.stage_order < ps.stage_order
order by c.unit_code, c.week_label, c.project_code
