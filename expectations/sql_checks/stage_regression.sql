-- SPEC 5: no stage going backwards week over week, except to 终止 (terminated). A terminated project that
-- comes back counts as going backwards. Compared with the unit's previous report (int_project_stage_history).
select h.unit_code, h.week_label, h.project_code, h.project_name,
       'stage_regression' as rule,
       h.previous_stage || ' -> ' || h.stage as value,
       '项目阶段倒退：' || h.previous_week_label || ' 为「' || ps.label_zh || '」，' || h.week_label || ' 为「'
           || cs.label_zh || '」（只能前进或改为终止）' as message_zh,
       'stage went backwards: ' || h.previous_stage || ' in ' || h.previous_week_label || ', ' || h.stage || ' in '
           || h.week_label || ' (only forward moves or terminated are allowed)' as message_en,
       h.source_path as file, h.sheet, h.row_number
from gate_stage_history h
join seeds.stages cs on cs.stage_code = h.stage
join seeds.stages ps on ps.stage_code = h.previous_stage
where h.is_stage_regression
order by h.unit_code, h.week_label, h.project_code
