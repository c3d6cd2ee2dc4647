-- SPEC 5 warning: a project whose contract amount changed by more than scoring_parameters.amount_change_warning
-- (a share) week over week, compared with the unit's previous report (int_project_stage_history).
with p_limit as (
    select value as share from seeds.scoring_parameters where parameter = 'amount_change_warning'
)
select h.unit_code, h.week_label, h.project_code, h.project_name,
       'amount_change_warning' as rule,
       cast(h.previous_contract_amount as varchar) || ' -> ' || cast(h.contract_amount as varchar) as value,
       '协议引资额周环比变化 ' || cast(round(100 * abs(h.contract_amount_change), 1) as varchar) || '%（'
           || h.previous_week_label || '：' || cast(h.previous_contract_amount as varchar) || ' 亿元，'
           || h.week_label || '：' || cast(h.contract_amount as varchar) || ' 亿元），超过 '
           || cast(round(100 * lim.share, 1) as varchar) || '%，请核实' as message_zh,
       'contract amount changed by ' || cast(round(100 * abs(h.contract_amount_change), 1) as varchar)
           || '% week over week (' || cast(h.previous_contract_amount as varchar) || ' -> '
           || cast(h.contract_amount as varchar) || '), over ' || cast(round(100 * lim.share, 1) as varchar)
           || '%' as message_en,
       h.source_path as file, h.sheet, h.row_number
from gate_stage_history h
cross join p_limit lim
where h.is_amount_change_warning
order by h.unit_code, h.week_label, h.project_code
