-- Each project (unit_code, project_code) in each week it was reported, with its previous report's stage, amount and
-- funds. The gate reads the flags: stage going backwards (moving to 终止 is allowed, leaving it is not), funds_ytd decreasing within a year,
-- contract_amount changing by more than the warning share week over week.
with ledger as (

    select
        unit_code,
        project_code,
        week_label,
        week_end,
        year,
        file_sha256,
        sheet,
        row_number,
        stage,
        contract_amount,
        funds_ytd
    from {{ ref('stg_ledger_rows') }}
    where project_code is not null

),

with_previous as (

    select
        ledger.*,
        lag(week_label) over project_weeks as previous_week_label,
        lag(year) over project_weeks as previous_year,
        lag(stage) over project_weeks as previous_stage,
        lag(contract_amount) over project_weeks as previous_contract_amount,
        lag(funds_ytd) over project_weeks as previous_funds_ytd,
        row_number() over project_weeks as report_sequence
    from ledger
    window project_weeks as (partition by unit_code, project_code order by week_end, row_number)

),

parameters as (

    select amount_change_warning from {{ ref('int_scoring_parameters') }}

)

select
    with_previous.unit_code,
    with_previous.project_code,
    with_previous.week_label,
    with_previous.week_end,
    with_previous.year,
    with_previous.file_sha256,
    with_previous.sheet,
    with_previous.row_number,
    with_previous.report_sequence,
    with_previous.stage,
    stages.stage_order,
    with_previous.contract_amount,
    with_previous.funds_ytd,
    with_previous.previous_week_label,
    with_previous.previous_stage,
    previous_stages.stage_order as previous_stage_order,
    with_previous.previous_contract_amount,
    with_previous.previous_funds_ytd,
    coalesce(
        with_previous.stage <> with_previous.previous_stage
        and with_previous.stage <> 'terminated'
        and stages.stage_order < previous_stages.stage_order,
        false
    ) as is_stage_regression,
    coalesce(
        with_previous.year = with_previous.previous_year
        and with_previous.funds_ytd < with_previous.previous_funds_ytd,
        false
    ) as is_funds_decrease,
    case
        when with_previous.previous_contract_amount > 0
            then (with_previous.contract_amount - with_previous.previous_contract_amount)
                 / with_previous.previous_contract_amount
    end as contract_amount_change,
    coalesce(
        with_previous.previous_contract_amount > 0
        and abs(with_previous.contract_amount - with_previous.previous_contract_amount)
        > parameters.amount_change_warning * with_previous.previous_contract_amount,
        false
    ) as is_amount_change_warning
from with_previous
cross join parameters
left join {{ ref('stages') }} as stages
    on stages.stage_code = with_previous.stage
left join {{ ref('stages') }} as previous_stages
    on previous_stages.stage_code = with_previous.previous_stage
