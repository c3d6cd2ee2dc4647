-- Each shared lead at the end of each scored month of the year it was shared in, with the receiver's project
-- outcome read from the receiver's snapshot at that period end.
--   * a lead is identified by lead_id; its sharer, receiver and shared_on come from the latest version of the
--     report that first listed it (earliest week, then unit code and row as tie-breakers);
--   * bonus (its points are the method file's): the receiver's project carrying the lead_id is signed in the
--     period and also landed in the period; a project reported by two units counts for neither;
--   * late feedback: shared in the period and feedback_on > shared_on + feedback_days (the method's of the year,
--     int_method_parameters), or feedback still empty at
--     the period end when the period end is past shared_on + feedback_days.
with listings as (

    select
        stg_lead_rows.*,
        row_number() over (
            partition by lead_id
            order by week_end, unit_code, row_number
        ) as listing_rank
    from {{ ref('stg_lead_rows') }} as stg_lead_rows
    where lead_id is not null

),

leads as (

    select
        lead_id,
        unit_code as sharer_unit,
        to_unit as receiver_unit,
        shared_on,
        week_label as shared_week_label,
        project_name,
        investor,
        file_sha256,
        sheet,
        row_number,
        cast(extract(year from shared_on) as integer) as year
    from listings
    where listing_rank = 1
      and shared_on is not null

),

scored_months as (

    select distinct year, month, period_start, period_end
    from {{ ref('int_unit_month_periods') }}

),

receiver_projects as (

    select
        year,
        month,
        unit_code,
        lead_id,
        project_code,
        stage,
        signed_on,
        landed_on,
        feedback_on,
        signed_in_period,
        landed_in_period,
        is_cross_unit_duplicate,
        file_sha256,
        week_label,
        sheet,
        row_number,
        row_number() over (
            partition by year, month, unit_code, lead_id
            order by case when is_cross_unit_duplicate then 1 else 0 end, row_number
        ) as lead_row_rank
    from {{ ref('int_unit_month_snapshots') }}
    where lead_id is not null
      and in_snapshot

),

-- the feedback deadline of the method scoring the year the lead was shared in (int_method_parameters), else the
-- scoring_parameters default
parameters as (

    select
        years.year,
        cast(coalesce(methods.feedback_days, defaults.feedback_days) as integer) as feedback_days
    from (select distinct year from leads) as years
    cross join {{ ref('int_scoring_parameters') }} as defaults
    left join {{ ref('int_method_parameters') }} as methods
        on years.year >= methods.year_from
        and (methods.year_to is null or years.year <= methods.year_to)

),

lead_months as (

    select
        leads.lead_id,
        scored_months.year,
        scored_months.month,
        scored_months.period_start,
        scored_months.period_end,
        leads.sharer_unit,
        leads.receiver_unit,
        leads.shared_on,
        leads.shared_week_label,
        leads.project_name,
        leads.investor,
        leads.file_sha256,
        leads.sheet,
        leads.row_number,
        receiver_projects.project_code as receiver_project_code,
        receiver_projects.stage as receiver_stage,
        receiver_projects.signed_on,
        receiver_projects.landed_on,
        receiver_projects.feedback_on,
        receiver_projects.week_label as receiver_week_label,
        receiver_projects.file_sha256 as receiver_file_sha256,
        receiver_projects.sheet as receiver_sheet,
        receiver_projects.row_number as receiver_row_number,
        {{ add_days('leads.shared_on', 'parameters.feedback_days') }} as feedback_due_on,
        (leads.shared_on >= scored_months.period_start and leads.shared_on <= scored_months.period_end)
            as is_shared_in_period,
        coalesce(
            receiver_projects.signed_in_period
            and not receiver_projects.is_cross_unit_duplicate
            and leads.receiver_unit <> leads.sharer_unit,
            false
        ) as is_signed_in_period,
        coalesce(
            receiver_projects.signed_in_period
            and receiver_projects.landed_in_period
            and not receiver_projects.is_cross_unit_duplicate
            and leads.receiver_unit <> leads.sharer_unit,
            false
        ) as is_landed_in_period,
        case
            when receiver_projects.feedback_on is not null
                then receiver_projects.feedback_on > {{ add_days('leads.shared_on', 'parameters.feedback_days') }}
            else scored_months.period_end > {{ add_days('leads.shared_on', 'parameters.feedback_days') }}
        end as is_feedback_late
    from leads
    inner join parameters
        on parameters.year = leads.year
    inner join scored_months
        on scored_months.year = leads.year
    left join receiver_projects
        on receiver_projects.year = scored_months.year
        and receiver_projects.month = scored_months.month
        and receiver_projects.unit_code = leads.receiver_unit
        and receiver_projects.lead_id = leads.lead_id
        and receiver_projects.lead_row_rank = 1

)

select * from lead_months
