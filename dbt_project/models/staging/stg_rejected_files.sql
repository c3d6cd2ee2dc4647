-- Files rejected whole (SPEC 2.5); no row of them entered the warehouse.
select
    file_sha256,
    source_path,
    quarantine_path,
    rejected_at,
    sheet,
    cast(row_number as integer) as row_number,
    column_name,
    value,
    reason_code,
    reason_zh,
    reason_en
from {{ source('raw', 'rejected_files') }}
