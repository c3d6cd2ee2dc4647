-- One row per project (unit_code, project_code) ever reported, as of the latest report that lists it.
-- is_current: the project is in the unit's latest report (a project that left the ledger is no longer counted).
with ranked as (

    select
        stg_ledger_rows.*,
        row_number() over (
            partition by unit_code, project_code
            order by week_end desc, row_number
        ) as recency_rank,
        min(week_label) over (partition by unit_code, project_code) as first_week_label,
        count(*) over (partition by unit_code, project_code) as weeks_reported
    from {{ ref('stg_ledger_rows') }} as stg_ledger_rows
    where project_code is not null

),

latest_unit_reports as (

    select unit_code, max(week_end) as latest_week_end
    from {{ ref('stg_report_files') }}
    group by unit_code

)

select
    ranked.unit_code,
    ranked.project_code,
    ranked.project_name,
    ranked.investor,
    ranked.name_key,
    ranked.investor_type,
    ranked.industry,
    ranked.origin,
    ranked.is_sci_tech,
    ranked.stage,
    ranked.contract_amount,
    ranked.funds_ytd,
    ranked.land_mu,
    ranked.signed_on,
    ranked.landed_on,
    ranked.started_on,
    ranked.producing_on,
    ranked.lead_id,
    ranked.feedback_on,
    ranked.first_week_label,
    ranked.week_label as last_week_label,
    cast(ranked.weeks_reported as integer) as weeks_reported,
    (ranked.week_end = latest_unit_reports.latest_week_end) as is_current,
    ranked.file_sha256,
    ranked.sheet,
    ranked.row_number
from ranked
inner join latest_unit_reports
    on latest_unit_reports.unit_code = ranked.unit_code
where ranked.recency_rank = 1
