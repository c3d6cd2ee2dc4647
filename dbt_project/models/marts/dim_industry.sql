{{ config(materialized='view') }}
-- The industries (seeds/industries.csv) with their Chinese labels and order, for the surfaces that show one.
select industry_code, label_zh, is_industrial, cast(sort_order as integer) as sort_order
from {{ ref('industries') }}
