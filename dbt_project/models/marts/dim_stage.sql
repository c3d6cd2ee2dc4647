{{ config(materialized='view') }}
-- The project stages (seeds/stages.csv) with their Chinese labels and order, for the surfaces that show a stage.
select stage_code, label_zh, cast(stage_order as integer) as stage_order, is_signed
from {{ ref('stages') }}
