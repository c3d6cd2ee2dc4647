{{ config(materialized='view') }}
-- Expected vs received weekly reports per unit and ISO week (int_expected_reports, where "a missing week" is
-- decided once): the gate, `status`, the receipts and the bulletin read this view.
select
    cast(year as integer) as year,
    cast(month as integer) as month,
    week_label,
    week_start,
    week_end,
    unit_code,
    unit_type,
    is_expected,
    is_due,
    is_received,
    cast(version as integer) as version,
    cast(versions_received as integer) as versions_received,
    file_sha256,
    received_at
from {{ ref('int_expected_reports') }}
