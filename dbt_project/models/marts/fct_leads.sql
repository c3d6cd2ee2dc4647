{{ config(materialized='view') }}
-- Every lead shared in a scored year, per scored month, with the receiver's project and whether it signed,
-- landed or got its feedback late (int_leads): what the bulletin lists and the bonuses and deductions count.
select
    lead_id, year, month, sharer_unit, receiver_unit, shared_on, shared_week_label, project_name,
    receiver_project_code, signed_on, landed_on, feedback_on, feedback_due_on,
    is_shared_in_period, is_signed_in_period, is_landed_in_period, is_feedback_late,
    file_sha256, sheet, row_number
from {{ ref('int_leads') }}
