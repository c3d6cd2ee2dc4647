-- SPEC 2.1/2.2: values ingestion could not read (a number or a date it could not parse). The row was loaded with
-- the cell empty; the issue blocks the gate. (The other row rules: ledger_row_rules, lead_row_rules, date_order.)
select * from gate_row_issues
where check_name = 'ingestion_row_issues'
order by unit_code, week_label, sheet, row_number
