-- SPEC 2.2: a lead is shared once, by one unit, to one unit. The first staged listing of a lead id (earliest
-- week) defines its sharer and receiver; a listing in the month that names another receiver, or comes from
-- another unit, is an error. Repeating the same lead in later weeks is fine.
with listings as (
    select nullif(trim(l.lead_id), '') as lead_id, l.unit_code as sharer, nullif(trim(l.to_unit), '') as to_unit,
           f.week_label, f.week_end, l.row_number
    from staging.stg_lead_rows l
    join staging.stg_report_files f on f.unit_code = l.unit_code and f.week_label = l.week_label
    where nullif(trim(l.lead_id), '') is not null
),
first_listing as (
    select lead_id, sharer, to_unit, week_label
    from (
        select *, row_number() over (partition by lead_id order by week_end, sharer, row_number) as rn
        from listings
    ) ranked
    where rn = 1
)
select l.unit_code, l.week_label, null::varchar as project_code, l.project_name,
       case when l.unit_code <> o.sharer then 'lead_id_reused:lead_id' else 'lead_to_unit_changed:to_unit' end
           as rule,
       l.lead_id || ': ' || coalesce(o.to_unit, '?') || ' -> ' || coalesce(l.to_unit, '?') as value,
       case when l.unit_code <> o.sharer
            then '线索编号「' || l.lead_id || '」已由 ' || o.sharer || ' 在 ' || o.week_label
                 || ' 使用，线索编号须全局唯一'
            else '线索「' || l.lead_id || '」在 ' || o.week_label || ' 共享给 ' || coalesce(o.to_unit, '?')
                 || '，本周改为 ' || coalesce(l.to_unit, '?') || '，同一线索只能共享给一个单位'
       end as message_zh,
       case when l.unit_code <> o.sharer
            then 'lead id "' || l.lead_id || '" was first used by ' || o.sharer || ' in ' || o.week_label
                 || '; lead ids are unique'
            else 'lead "' || l.lead_id || '" was shared to ' || coalesce(o.to_unit, '?') || ' in ' || o.week_label
                 || ' and now names ' || coalesce(l.to_unit, '?')
       end as message_en,
       l.source_path as file, l.sheet, l.row_number
from gate_leads l
join first_listing o on o.lead_id = l.lead_id
where l.unit_code <> o.sharer or coalesce(l.to_unit, '') <> coalesce(o.to_unit, '')
order by l.lead_id, l.unit_code, l.week_label
