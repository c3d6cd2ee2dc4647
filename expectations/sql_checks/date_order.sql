-- SPEC 5: signed_on <= landed_on <= started_on <= producing_on, checked by ingestion on each row (empty dates
-- skipped; raw.row_issues rule date_order).
select * from gate_row_issues
where check_name = 'date_order'
order by unit_code, week_label, sheet, row_number
