-- depends_on: {{ ref('unit_month_scores') }}
-- depends_on: {{ ref('district_month_indicators') }}
-- depends_on: {{ ref('score_items') }}
-- One row: when the warehouse was last rebuilt and which received reports it includes. Built after the scores
-- (a failed scoring model skips it), so reports received after `reports_received_through` are not yet scored.
select
    current_timestamp as built_at,
    (select max(received_at) from {{ source('raw', 'report_files') }}) as reports_received_through,
    (select count(*) from {{ source('raw', 'report_files') }}) as report_files
