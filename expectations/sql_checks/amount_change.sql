-- SPEC 5 warning: a project whose contract amount changed by more than scoring_parameters.amount_change_warning
-- (a share) week over week, compared with the unit's previous report.
with p_limit as (
    select value as share from seeds.scoring_parameters where parameter = 'amount_change_warning'
)
select c.unit_code, c.week_label, c.project_code, c.project_name,
       'amount_change_warning' as rule,
       cast(p.contract_amount as varchar) || ' -> ' || cast(c.contract_amount as varchar) as value,
       '协议引资额周环比变化 ' || cast(round(100 * abs(c.contract_amount - p.contract_amount) / p.contract_amount, 1)
           as varchar) || '%（' || p.prev_week || '：' || cast(p.contract_amount as varchar) || ' 亿元，'
           || c.week_label || '：' || cast(c.contract_amount as varchar) || ' 亿元），超过 '
           || cast(round(100 * lim.share, 1) as varchar) || '%，请核实' as message_zh,
       'contract amount changed by ' || cast(round(100 * abs(c.contract_amount - p.contract_amount)
           / p.contract_amount, 1) as varchar) || '% week over week (' || cast(p.contract_amount as varchar)
           || ' -> ' || cast(c.contract_amount as varchar) || '), over ' || cast(round(100 * lim.share, 1) as varchar)
           || '%' as message_en,
       c.source_path as file, c.sheet, c.row_number
from gate_ledger c
join gate_prev_ledger p
    on p.unit_code = c.unit_code and p.week_label = c.week_label and p.project_code = c.project_code
cross join p_limit lim
where p.contract_amount > 0 and c.contract_amount is not null
  and abs(c.contract_amount - p.contract_amount) / p.contract_amount > lim.share
order by c.unit_code, c.week_label, c.project_code
