-- Indicator values C, F, Q, M, R per scored unit-month, from the snapshot rows' counted_* flags.
-- A unit-month without a snapshot (no report yet in the year) has zero values; R with no signed project is 0.
with periods as (

    select year, month, unit_code, unit_type, period_start, period_end, snapshot_week_label
    from {{ ref('int_unit_month_periods') }}

),

aggregated as (

    select
        year,
        month,
        unit_code,
        sum(case when counted_c then coalesce(contract_amount, 0) else 0 end) as value_c,
        sum(case when counted_f then coalesce(funds_ytd, 0) else 0 end) as value_f,
        sum(case when counted_q then 1 else 0 end) as value_q,
        sum(case when counted_m then 1 else 0 end) as value_m,
        sum(case when counted_r_signed then 1 else 0 end) as signed_projects,
        sum(case when counted_r_landed then 1 else 0 end) as landed_projects,
        count(*) as snapshot_projects
    from {{ ref('int_unit_month_snapshots') }}
    group by year, month, unit_code

)

select
    periods.year,
    periods.month,
    periods.unit_code,
    periods.unit_type,
    periods.period_start,
    periods.period_end,
    periods.snapshot_week_label,
    cast(coalesce(aggregated.snapshot_projects, 0) as integer) as snapshot_projects,
    cast(coalesce(aggregated.signed_projects, 0) as integer) as signed_projects,
    cast(coalesce(aggregated.landed_projects, 0) as integer) as landed_projects,
    cast(coalesce(aggregated.value_c, 0) as {{ double() }}) as value_c,
    cast(coalesce(aggregated.value_f, 0) as {{ double() }}) as value_f,
    cast(coalesce(aggregated.value_q, 0) as {{ double() }}) as value_q,
    cast(coalesce(aggregated.value_m, 0) as {{ double() }}) as value_m,
    case
        when coalesce(aggregated.signed_projects, 0) = 0 then cast(0 as {{ double() }})
        else cast(aggregated.landed_projects as {{ double() }}) / cast(aggregated.signed_projects as {{ double() }})
    end as value_r
from periods
left join aggregated
    on aggregated.year = periods.year
    and aggregated.month = periods.month
    and aggregated.unit_code = periods.unit_code
