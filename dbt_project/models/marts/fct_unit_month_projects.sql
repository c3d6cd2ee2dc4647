-- Every project row of every unit-month snapshot, with the flags that say where it counts and its source
-- file/sheet/row: value_c of unit_month_scores = sum(contract_amount) where counted_c, and so on. in_snapshot
-- marks the snapshot's rows, in_funds_report the rows F reads (another report only in a December whose last days
-- are in week 1 of the next year, SPEC 3).
-- A view of the view int_unit_month_snapshots.
{{ config(materialized='view') }}

select
    year,
    month,
    unit_code,
    unit_type,
    period_start,
    period_end,
    in_snapshot,
    in_funds_report,
    week_label,
    week_end,
    version,
    file_sha256,
    sheet,
    row_number,
    project_code,
    project_name,
    investor,
    name_key,
    investor_type,
    industry,
    origin,
    is_sci_tech,
    stage,
    contract_amount,
    funds_ytd,
    land_mu,
    signed_on,
    landed_on,
    started_on,
    producing_on,
    lead_id,
    feedback_on,
    is_industrial,
    is_quality_investor,
    is_out_of_city,
    is_major_amount,
    is_cross_unit_duplicate,
    signed_in_period,
    landed_in_period,
    counted_c,
    counted_f,
    counted_q,
    counted_m,
    counted_r_signed,
    counted_r_landed
from {{ ref('int_unit_month_snapshots') }}
