-- SPEC 5: every lead_id on a ledger exists as a lead shared to that same unit (in a report of that week or
-- earlier, any sharer).
with shared as (
    select nullif(trim(l.lead_id), '') as lead_id, nullif(trim(l.to_unit), '') as to_unit, l.unit_code as sharer,
           f.week_end
    from staging.stg_lead_rows l
    join staging.stg_report_files f on f.unit_code = l.unit_code and f.week_label = l.week_label
)
select c.unit_code, c.week_label, c.project_code, c.project_name,
       case when o.lead_id is null then 'lead_not_found' else 'lead_not_shared_to_unit' end as rule,
       c.lead_id as value,
       case when o.lead_id is null
            then '线索编号「' || c.lead_id || '」在共享线索中不存在'
            else '线索「' || c.lead_id || '」共享给了' || o.to_units || '，不是本单位 ' || c.unit_code
       end as message_zh,
       case when o.lead_id is null
            then 'lead id "' || c.lead_id || '" was never shared'
            else 'lead "' || c.lead_id || '" was shared to ' || o.to_units || ', not to ' || c.unit_code
       end as message_en,
       c.source_path as file, c.sheet, c.row_number
from gate_ledger c
left join (
    select lead_id, string_agg(distinct coalesce(to_unit, '?'), '、' order by coalesce(to_unit, '?')) as to_units
    from shared group by lead_id
) o on o.lead_id = c.lead_id
where c.lead_id is not null
  and not exists (
      select 1 from shared s
      where s.lead_id = c.lead_id and s.to_unit = c.unit_code and s.week_end <= c.week_end
  )
order by c.unit_code, c.week_label, c.project_code
