-- SPEC 2.2 row rules of the shared leads, checked by ingestion (ingestion/row_rules.py, raw.row_issues): required
-- columns, the receiver a registered unit other than the sharer, unique lead per report, shared by the week's end.
select * from gate_row_issues
where check_name = 'lead_row_rules'
order by unit_code, week_label, sheet, row_number
