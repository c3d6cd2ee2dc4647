-- depends_on: {{ ref('unit_month_scores') }}
-- depends_on: {{ ref('district_month_indicators') }}
-- depends_on: {{ ref('score_items') }}
-- depends_on: {{ ref('score_totals') }}
-- depends_on: {{ ref('score_columns') }}
-- One row: when the warehouse was last rebuilt and which received reports and committee entries files it
-- includes. Built after the scores (a failed scoring model skips it), so reports or entries received after
-- `reports_received_through` / `entries_received_through` are not yet scored.
select
    current_timestamp as built_at,
    (select max(received_at) from {{ source('raw', 'report_files') }}) as reports_received_through,
    (select count(*) from {{ source('raw', 'report_files') }}) as report_files,
    (select max(received_at) from {{ source('raw', 'entry_rows') }}) as entries_received_through,
    (
        select count(*) from (select distinct source_path, version from {{ source('raw', 'entry_rows') }}) as files
    ) as entry_files
