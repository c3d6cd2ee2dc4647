-- Every bonus and deduction item of every scored unit-month, before caps (SPEC 3, 6). Points are positive;
-- the capped totals are in unit_month_scores. ref = the lead_id, or the ISO week (YYYY-Www) of a missing report.
with periods as (

    select year, month, unit_code, period_start, period_end
    from {{ ref('int_unit_month_periods') }}

),

parameters as (

    select * from {{ ref('int_scoring_parameters') }}

),

leads as (

    select * from {{ ref('int_leads') }}

),

lead_signed as (

    select periods.year, periods.month, periods.unit_code,
           'bonus' as kind, 'lead_signed' as reason, parameters.lead_signed_points as points, leads.lead_id as ref
    from leads
    inner join periods
        on periods.year = leads.year and periods.month = leads.month and periods.unit_code = leads.sharer_unit
    cross join parameters
    where leads.is_signed_in_period

),

lead_landed as (

    select periods.year, periods.month, periods.unit_code,
           'bonus' as kind, 'lead_landed' as reason, parameters.lead_landed_points as points, leads.lead_id as ref
    from leads
    inner join periods
        on periods.year = leads.year and periods.month = leads.month and periods.unit_code = leads.sharer_unit
    cross join parameters
    where leads.is_landed_in_period

),

missing_report as (

    select periods.year, periods.month, periods.unit_code,
           'deduction' as kind, 'missing_report' as reason, parameters.missing_report_points as points,
           expected.week_label as ref
    from periods
    inner join {{ ref('int_expected_reports') }} as expected
        on expected.unit_code = periods.unit_code
        and expected.year = periods.year
        and expected.week_end >= periods.period_start
        and expected.week_end <= periods.period_end
    cross join parameters
    where expected.is_expected
      and expected.is_due
      and not expected.is_received

),

late_feedback as (

    select periods.year, periods.month, periods.unit_code,
           'deduction' as kind, 'late_feedback' as reason, parameters.late_feedback_points as points,
           leads.lead_id as ref
    from leads
    inner join periods
        on periods.year = leads.year and periods.month = leads.month and periods.unit_code = leads.receiver_unit
    cross join parameters
    where leads.is_shared_in_period
      and leads.is_feedback_late

)

select year, month, unit_code, kind, reason, points, ref from lead_signed
union all
select year, month, unit_code, kind, reason, points, ref from lead_landed
union all
select year, month, unit_code, kind, reason, points, ref from missing_report
union all
select year, month, unit_code, kind, reason, points, ref from late_feedback
