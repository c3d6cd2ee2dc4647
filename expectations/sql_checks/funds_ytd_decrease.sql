-- SPEC 5: funds_ytd (funds arrived since 1 January, cumulative) does not decrease within a year for the same
-- project; compared with the unit's previous report in the same calendar year (int_project_stage_history).
select h.unit_code, h.week_label, h.project_code, h.project_name,
       'funds_ytd_decrease' as rule,
       cast(h.previous_funds_ytd as varchar) || ' -> ' || cast(h.funds_ytd as varchar) as value,
       '本年实际到位资金减少：' || h.previous_week_label || ' 为 ' || cast(h.previous_funds_ytd as varchar) || ' 亿元，'
           || h.week_label || ' 为 ' || cast(h.funds_ytd as varchar) || ' 亿元（年内累计数不应减少）' as message_zh,
       'funds in place decreased within the year: ' || cast(h.previous_funds_ytd as varchar) || ' in '
           || h.previous_week_label || ', ' || cast(h.funds_ytd as varchar) || ' in ' || h.week_label as message_en,
       h.source_path as file, h.sheet, h.row_number
from gate_stage_history h
where h.is_funds_decrease
order by h.unit_code, h.week_label, h.project_code
