-- The gate's scope for one month, as temp views over the staged tables (latest version of each unit-week).
-- Filled from Python: gate_month (year, month, month_start, month_end) and gate_weeks (week_label, week_end),
-- the ISO weeks whose Sunday is in the month.

create or replace temp view gate_reports as
select f.unit_code, f.week_label, w.week_end, f.source_path, f.file_sha256
from staging.stg_report_files f
join gate_weeks w on w.week_label = f.week_label;

-- every staged report of every unit, numbered in time: the previous report is seq - 1
create or replace temp view gate_report_seq as
select unit_code, week_label, week_end, source_path,
       row_number() over (partition by unit_code order by week_end) as seq
from staging.stg_report_files;

create or replace temp view gate_ledger as
select l.unit_code, l.week_label, r.week_end, r.source_path, l.file_sha256, l.sheet, l.row_number,
       nullif(trim(l.project_code), '') as project_code, nullif(trim(l.project_name), '') as project_name,
       nullif(trim(l.investor), '') as investor, l.name_key, l.investor_type, l.industry, l.origin,
       l.is_sci_tech, l.stage, l.contract_amount, l.funds_ytd, l.land_mu, l.signed_on, l.landed_on,
       l.started_on, l.producing_on, nullif(trim(l.lead_id), '') as lead_id, l.feedback_on,
       coalesce(s.is_signed, false) as is_signed,
       coalesce(s.requires_signed_on, false) as requires_signed_on,
       coalesce(s.requires_landed_on, false) as requires_landed_on,
       coalesce(s.requires_started_on, false) as requires_started_on,
       coalesce(s.requires_producing_on, false) as requires_producing_on
from staging.stg_ledger_rows l
join gate_reports r on r.unit_code = l.unit_code and r.week_label = l.week_label
left join seeds.stages s on s.stage_code = l.stage;

create or replace temp view gate_leads as
select l.unit_code, l.week_label, r.week_end, r.source_path, l.file_sha256, l.sheet, l.row_number,
       nullif(trim(l.lead_id), '') as lead_id, nullif(trim(l.project_name), '') as project_name,
       nullif(trim(l.investor), '') as investor, nullif(trim(l.to_unit), '') as to_unit, l.shared_on
from staging.stg_lead_rows l
join gate_reports r on r.unit_code = l.unit_code and r.week_label = l.week_label;

-- ledger rows of each unit's report just before a report of the month (week over week comparisons)
create or replace temp view gate_prev_ledger as
select c.unit_code, c.week_label, p.week_label as prev_week, p.week_end as prev_week_end,
       l.project_code, l.stage, l.contract_amount, l.funds_ytd
from gate_report_seq c
join gate_weeks w on w.week_label = c.week_label
join gate_report_seq p on p.unit_code = c.unit_code and p.seq = c.seq - 1
join staging.stg_ledger_rows l on l.unit_code = p.unit_code and l.week_label = p.week_label
where nullif(trim(l.project_code), '') is not null;

create or replace temp view gate_district as
select d.indicator, d.value, d.target, d.completion,
       (d.indicator like 'share\_%' escape '\' or coalesce(t.unit, '') = '比率') as is_ratio,
       -- a share of an empty total is undefined (NULL); every other indicator has a value
       not (d.indicator like 'share\_%' escape '\') as value_required
from marts.district_month_indicators d
join gate_month m on m.year = d.year and m.month = d.month
left join seeds.district_targets t on t.year = d.year and t.indicator = d.indicator;
