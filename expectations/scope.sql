-- The gate's scope for one month, as temp views over the staged tables (latest version of each unit-week).
-- Filled from Python: gate_month (year, month, month_start, month_end) and gate_weeks (week_label, week_end),
-- the ISO weeks whose Sunday is in the month.

create or replace temp view gate_reports as
select f.unit_code, f.week_label, w.week_end, f.source_path, f.file_sha256
from staging.stg_report_files f
join gate_weeks w on w.week_label = f.week_label;

create or replace temp view gate_ledger as
select l.unit_code, l.week_label, r.week_end, r.source_path, l.file_sha256, l.sheet, l.row_number,
       nullif(trim(l.project_code), '') as project_code, nullif(trim(l.project_name), '') as project_name,
       nullif(trim(l.investor), '') as investor, l.name_key, l.investor_type, l.industry, l.origin,
       l.is_sci_tech, l.stage, l.contract_amount, l.funds_ytd, l.land_mu, l.signed_on, l.landed_on,
       l.started_on, l.producing_on, nullif(trim(l.lead_id), '') as lead_id, l.feedback_on
from staging.stg_ledger_rows l
join gate_reports r on r.unit_code = l.unit_code and r.week_label = l.week_label;

create or replace temp view gate_leads as
select l.unit_code, l.week_label, r.week_end, r.source_path, l.file_sha256, l.sheet, l.row_number,
       nullif(trim(l.lead_id), '') as lead_id, nullif(trim(l.project_name), '') as project_name,
       nullif(trim(l.investor), '') as investor, nullif(trim(l.to_unit), '') as to_unit, l.shared_on
from staging.stg_lead_rows l
join gate_reports r on r.unit_code = l.unit_code and r.week_label = l.week_label;

-- row rules, owned by ingestion (raw.row_issues), with the unit's own text; each issue goes to one check:
-- date_order, values that could not be read (ingestion_row_issues), the leads' rules or the ledger's.
-- Lead conflicts are not row rules: the lead_conflicts check compares every listing of a lead (warehouses loaded
-- before ingestion stopped checking them still hold lead_conflict issues: not reported twice).
create or replace temp view gate_row_issues as
select i.unit_code, i.week_label, i.project_code, coalesce(l.project_name, d.project_name) as project_name,
       i.rule, i.value, i.column_name as field_header,
       coalesce('线索「' || d.lead_id || '」：', '') || '「' || i.column_name || '」'
           || coalesce('的值「' || i.value || '」', '为空') || '，应为：' || i.expected_zh as message_zh,
       coalesce('lead "' || d.lead_id || '": ', '') || 'column "' || i.column_name || '" '
           || coalesce('value "' || i.value || '"', 'is empty') || ', expected: ' || i.expected_en as message_en,
       r.source_path as file, i.sheet, i.row_number,
       case when i.rule = 'date_order' then 'date_order'
            when i.rule in ('number', 'date') then 'ingestion_row_issues'
            when d.row_number is not null or i.rule in ('unknown_unit', 'self_share', 'after_week')
                then 'lead_row_rules'
            else 'ledger_row_rules' end as check_name
from staging.stg_row_issues i
join gate_reports r on r.unit_code = i.unit_code and r.week_label = i.week_label
left join gate_ledger l
    on l.unit_code = i.unit_code and l.week_label = i.week_label and l.sheet = i.sheet
    and l.row_number = i.row_number
left join gate_leads d
    on d.unit_code = i.unit_code and d.week_label = i.week_label and d.sheet = i.sheet
    and d.row_number = i.row_number
where i.rule <> 'lead_conflict';

-- week over week: each project of a report of the month against the unit's previous report, as dbt computed it
-- (intermediate.int_project_stage_history: stage regression, funds decrease, amount change)
create or replace temp view gate_stage_history as
select h.*, c.project_name, c.source_path, c.sheet
from intermediate.int_project_stage_history h
join gate_ledger c
    on c.unit_code = h.unit_code and c.week_label = h.week_label and c.row_number = h.row_number;

create or replace temp view gate_district as
select d.indicator, d.value, d.target, d.completion,
       (d.indicator like 'share\_%' escape '\' or coalesce(t.unit, '') = '比率') as is_ratio,
       -- a share of an empty total is undefined (NULL); every other indicator has a value
       not (d.indicator like 'share\_%' escape '\') as value_required
from marts.district_month_indicators d
join gate_month m on m.year = d.year and m.month = d.month
left join seeds.district_targets t on t.year = d.year and t.indicator = d.indicator;
