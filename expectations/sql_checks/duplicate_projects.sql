-- SPEC 3/5: a project reported by two different units in the same week (same normalised project name and
-- investor: name_key) is counted for neither and fails the gate. One failure per row involved.
with dup as (
    select week_label, name_key, string_agg(distinct unit_code, '、' order by unit_code) as units
    from gate_ledger
    where name_key is not null
    group by week_label, name_key
    having count(distinct unit_code) > 1
)
select c.unit_code, c.week_label, c.project_code, c.project_name,
       'duplicate_project' as rule,
       c.name_key as value,
       '项目「' || coalesce(c.project_name, '') || '」（投资主体：' || coalesce(c.investor, '') || '）在 '
           || c.week_label || ' 同时由 ' || d.units || ' 报送，需核实归属' as message_zh,
       'project "' || coalesce(c.project_name, '') || '" (investor ' || coalesce(c.investor, '') || ') is reported by '
           || d.units || ' in ' || c.week_label as message_en,
       c.source_path as file, c.sheet, c.row_number
from gate_ledger c
join dup d on d.week_label = c.week_label and d.name_key = c.name_key
order by c.week_label, c.name_key, c.unit_code
