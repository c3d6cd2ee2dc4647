-- Committee entries and outside figures (考核录入), latest version of each entries workbook only.
-- An entry counts for the scored month its folder names (<inbox>/entries/YYYY-MM/).
with ranked as (

    select
        entry_rows.*,
        dense_rank() over (partition by source_path order by version desc) as version_rank
    from {{ source('raw', 'entry_rows') }} as entry_rows

)

select
    cast(year as integer) as year,
    cast(month as integer) as month,
    trim(unit_code) as unit_code,
    entry_code,
    value,
    target,
    entered_by,
    reason,
    source_path,
    file_sha256,
    cast(version as integer) as version,
    sheet,
    cast(row_number as integer) as row_number,
    source_path || ' ' || sheet || '!' || cast(row_number as varchar) as entry_ref
from ranked
where version_rank = 1
