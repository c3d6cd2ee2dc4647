-- SPEC 5: funds_ytd (funds arrived since 1 January, cumulative) does not decrease within a year for the same
-- project; compared with the unit's previous report when both weeks end in the same calendar year.
select c.unit_code, c.week_label, c.project_code, c.project_name,
       'funds_ytd_decrease' as rule,
       cast(p.funds_ytd as varchar) || ' -> ' || cast(c.funds_ytd as varchar) as value,
       '本年实际到位资金减少：' || p.prev_week || ' 为 ' || cast(p.funds_ytd as varchar) || ' 亿元，'
           || c.week_label || ' 为 ' || cast(c.funds_ytd as varchar) || ' 亿元（年内累计数不应减少）' as message_zh,
       'funds in place decreased within the year: ' || cast(p.funds_ytd as varchar) || ' in ' || p.prev_week
           || ', ' || cast(c.funds_ytd as varchar) || ' in ' || c.week_label as message_en,
       c.source_path as file, c.sheet, c.row_number
from gate_ledger c
join gate_prev_ledger p
    on p.unit_code = c.unit_code and p.week_label = c.week_label and p.project_code = c.project_code
where year(p.prev_week_end) = year(c.week_end)
  and c.funds_ytd < p.funds_ytd - 1e-9
order by c.unit_code, c.week_label, c.project_code
