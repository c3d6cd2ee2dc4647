-- SPEC 2.1/2.2 row-level rules flagged by ingestion (values that could not be read: unknown labels, bad dates,
-- missing required cells...). The row was loaded; the issue blocks the gate.
select i.unit_code, i.week_label, i.project_code, l.project_name,
       i.rule, i.value, i.column_name as field_header,
       '「' || i.column_name || '」' || coalesce('的值「' || i.value || '」', '为空') || '，应为：' || i.expected_zh
           as message_zh,
       'column "' || i.column_name || '" ' || coalesce('value "' || i.value || '"', 'is empty') || '; expected: '
           || i.expected_en as message_en,
       r.source_path as file, i.sheet, i.row_number
from staging.stg_row_issues i
join gate_reports r on r.unit_code = i.unit_code and r.week_label = i.week_label
left join gate_ledger l
    on l.unit_code = i.unit_code and l.week_label = i.week_label and l.sheet = i.sheet
    and l.row_number = i.row_number
order by i.unit_code, i.week_label, i.sheet, i.row_number
