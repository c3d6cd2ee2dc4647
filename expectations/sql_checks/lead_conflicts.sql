-- SPEC 2.2: a lead is shared once, by one unit, to one unit. A lead id listed in the month whose receiving
-- unit changed, or that another unit also uses, is an error (every staged week is looked at).
with history as (
    select nullif(trim(lead_id), '') as lead_id,
           count(distinct nullif(trim(to_unit), '')) as n_to,
           count(distinct unit_code) as n_sharers,
           string_agg(distinct nullif(trim(to_unit), ''), '、' order by nullif(trim(to_unit), '')) as to_units,
           string_agg(distinct unit_code, '、' order by unit_code) as sharers
    from staging.stg_lead_rows
    where nullif(trim(lead_id), '') is not null
    group by 1
)
select l.unit_code, l.week_label, null::varchar as project_code, l.project_name,
       case when h.n_sharers > 1 then 'lead_id_reused' else 'lead_to_unit_changed' end as rule,
       l.lead_id as value,
       case when h.n_sharers > 1
            then '线索编号「' || l.lead_id || '」被多个单位使用（' || h.sharers || '），线索编号须全局唯一'
            else '线索「' || l.lead_id || '」的接收单位前后不一致（' || h.to_units || '），同一线索只能共享给一个单位'
       end as message_zh,
       case when h.n_sharers > 1
            then 'lead id "' || l.lead_id || '" is used by several units (' || h.sharers || '); lead ids are unique'
            else 'lead "' || l.lead_id || '" changed its receiving unit (' || h.to_units || ')'
       end as message_en,
       l.source_path as file, l.sheet, l.row_number
from gate_leads l
join history h on h.lead_id = l.lead_id
where h.n_to > 1 or h.n_sharers > 1
order by l.lead_id, l.unit_code, l.week_label
