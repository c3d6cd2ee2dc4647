-- SPEC 2.1 row rules of the ledger, checked by ingestion (ingestion/row_rules.py, raw.row_issues): required
-- columns, enumerations, unique project code per report, amounts >= 0, amount and dates required by the stage.
select * from gate_row_issues
where check_name = 'ledger_row_rules'
order by unit_code, week_label, sheet, row_number
