-- SPEC 5: every active unit reported every week of the month (waivable per unit by the data officer).
-- A week is expected when its Sunday falls within the unit's active dates.
select u.unit_code, w.week_label, null::varchar as project_code, null::varchar as project_name,
       'missing_report' as rule,
       cast(w.week_end as varchar) as value,
       u.name_zh || '（' || u.unit_code || '）未报送 ' || w.week_label || '（截至 ' || cast(w.week_end as varchar)
           || '）的周报' || coalesce('；该周文件被拒收：' || rj.reason_zh, '') as message_zh,
       'unit ' || u.unit_code || ' sent no report for ' || w.week_label || ' (ending '
           || cast(w.week_end as varchar) || ')' || coalesce('; its file was rejected: ' || rj.reason_en, '')
           as message_en,
       rj.source_path as file, null::varchar as sheet, null::integer as row_number
from seeds.units u
join gate_weeks w
    on w.week_end >= u.active_from and (u.active_to is null or w.week_end <= u.active_to)
left join (
    select source_path, reason_zh, reason_en,
           row_number() over (partition by source_path order by rejected_at desc) as rn
    from raw.rejected_files
) rj on rj.rn = 1
    and (rj.source_path like w.week_label || '/' || u.unit_code || '.%'
         or rj.source_path like w.week_label || '\' || u.unit_code || '.%')
where not exists (
    select 1 from staging.stg_report_files f where f.unit_code = u.unit_code and f.week_label = w.week_label
)
order by u.unit_code, w.week_label
