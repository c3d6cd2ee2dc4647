-- Each project (unit_code, project_code) in each weekly report of its unit, with the same project's stage, amount
-- and funds in the unit's previous report (week over week; NULL when the project was not in it). The gate reads
-- the flags: stage going backwards (moving to 终止 is allowed, leaving it is not), funds_ytd decreasing within a
-- year, contract_amount changing by more than the warning share.
-- Built as a join to the previous report rather than a window over every ledger row (the ledger is the big table).
-- A project code listed twice in one file (itself a row issue) gives one row per pair of rows.
with reports as (

    select
        unit_code,
        week_label,
        lag(week_label) over (partition by unit_code order by week_end) as previous_week_label
    from {{ ref('stg_report_files') }}

),

-- current and previous rows each read stg_ledger_rows (a CTE used twice may be materialised whole)
current_rows as (

    select unit_code, project_code, week_label, week_end, year, row_number, stage, contract_amount, funds_ytd
    from {{ ref('stg_ledger_rows') }}
    where project_code is not null

),

previous_rows as (

    select unit_code, project_code, week_label, year, row_number, stage, contract_amount, funds_ytd
    from {{ ref('stg_ledger_rows') }}
    where project_code is not null

),

parameters as (

    select amount_change_warning from {{ ref('int_scoring_parameters') }}

),

paired as (

    select
        ledger.unit_code,
        ledger.project_code,
        ledger.week_label,
        ledger.week_end,
        ledger.year,
        ledger.row_number,
        ledger.stage,
        ledger.contract_amount,
        ledger.funds_ytd,
        reports.previous_week_label as previous_report_week_label,
        previous.week_label as previous_week_label,
        previous.year as previous_year,
        previous.row_number as previous_row_number,
        previous.stage as previous_stage,
        previous.contract_amount as previous_contract_amount,
        previous.funds_ytd as previous_funds_ytd
    from current_rows as ledger
    inner join reports
        on reports.unit_code = ledger.unit_code
        and reports.week_label = ledger.week_label
    left join previous_rows as previous
        on previous.unit_code = ledger.unit_code
        and previous.week_label = reports.previous_week_label
        and previous.project_code = ledger.project_code

)

select
    paired.unit_code,
    paired.project_code,
    paired.week_label,
    paired.week_end,
    paired.year,
    paired.row_number,
    paired.stage,
    stages.stage_order,
    paired.contract_amount,
    paired.funds_ytd,
    paired.previous_report_week_label,
    paired.previous_week_label,
    paired.previous_row_number,
    paired.previous_stage,
    previous_stages.stage_order as previous_stage_order,
    paired.previous_contract_amount,
    paired.previous_funds_ytd,
    coalesce(
        paired.stage <> paired.previous_stage
        and paired.stage <> 'terminated'
        and stages.stage_order < previous_stages.stage_order,
        false
    ) as is_stage_regression,
    coalesce(
        paired.year = paired.previous_year
        and paired.funds_ytd < paired.previous_funds_ytd - 1e-9,
        false
    ) as is_funds_decrease,
    case
        when paired.previous_contract_amount > 0
            then (paired.contract_amount - paired.previous_contract_amount) / paired.previous_contract_amount
    end as contract_amount_change,
    coalesce(
        paired.previous_contract_amount > 0
        and abs(paired.contract_amount - paired.previous_contract_amount)
            > parameters.amount_change_warning * paired.previous_contract_amount,
        false
    ) as is_amount_change_warning
from paired
cross join parameters
left join {{ ref('stages') }} as stages
    on stages.stage_code = paired.stage
left join {{ ref('stages') }} as previous_stages
    on previous_stages.stage_code = paired.previous_stage
