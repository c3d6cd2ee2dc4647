-- District totals per month (SPEC 4), with the same definitions as the unit scores, over all scored units:
-- value of each indicator, its district target for the year (district_targets seed) and completion = value/target.
-- Shares and rates are ratios (0-1). Rows of a project reported by two units are counted nowhere.
with months as (

    select distinct year, month
    from {{ ref('int_unit_month_periods') }}

),

-- one pass over the snapshot rows (a view: reading it means joining the ledger), by industry and stage; the
-- headline totals, the industries and the stages are all sums of these groups
grouped as (

    select
        year,
        month,
        industry,
        stage,
        sum(case when counted_c then coalesce(contract_amount, 0) else 0 end) as contract_amount_industrial,
        sum(case when counted_c and is_out_of_city then coalesce(contract_amount, 0) else 0 end)
            as contract_amount_out_of_city,
        sum(case when counted_c and is_sci_tech then coalesce(contract_amount, 0) else 0 end)
            as contract_amount_sci_tech,
        sum(case when counted_q then 1 else 0 end) as quality_projects,
        sum(case when counted_m then 1 else 0 end) as major_projects,
        sum(case when counted_r_signed then 1 else 0 end) as signed_projects,
        sum(case when counted_r_landed then 1 else 0 end) as landed_projects,
        sum(case when counted_f then coalesce(funds_ytd, 0) else 0 end) as funds_in_place_industrial,
        sum(case when in_snapshot and signed_in_period then coalesce(contract_amount, 0) else 0 end)
            as contract_amount_signed,
        sum(case when in_snapshot then 1 else 0 end) as snapshot_projects
    from {{ ref('int_unit_month_snapshots') }}
    where not is_cross_unit_duplicate
    group by year, month, industry, stage

),

totals as (

    select
        year,
        month,
        sum(contract_amount_industrial) as contract_amount_industrial,
        sum(contract_amount_out_of_city) as contract_amount_out_of_city,
        sum(contract_amount_sci_tech) as contract_amount_sci_tech,
        sum(quality_projects) as quality_projects,
        sum(major_projects) as major_projects,
        sum(signed_projects) as signed_projects,
        sum(landed_projects) as landed_projects,
        sum(funds_in_place_industrial) as funds_in_place_industrial
    from grouped
    group by year, month

),

month_totals as (

    select
        months.year,
        months.month,
        cast(coalesce(totals.contract_amount_industrial, 0) as {{ double() }}) as contract_amount_industrial,
        cast(coalesce(totals.contract_amount_out_of_city, 0) as {{ double() }}) as contract_amount_out_of_city,
        cast(coalesce(totals.contract_amount_sci_tech, 0) as {{ double() }}) as contract_amount_sci_tech,
        cast(coalesce(totals.quality_projects, 0) as {{ double() }}) as quality_projects,
        cast(coalesce(totals.major_projects, 0) as {{ double() }}) as major_projects,
        cast(coalesce(totals.signed_projects, 0) as {{ double() }}) as signed_projects,
        cast(coalesce(totals.landed_projects, 0) as {{ double() }}) as landed_projects,
        cast(coalesce(totals.funds_in_place_industrial, 0) as {{ double() }}) as funds_in_place_industrial
    from months
    left join totals
        on totals.year = months.year
        and totals.month = months.month

),

headline as (

    select year, month, 'contract_amount_industrial' as indicator, contract_amount_industrial as value
    from month_totals
    union all
    select year, month, 'contract_amount_out_of_city', contract_amount_out_of_city from month_totals
    union all
    select year, month, 'share_out_of_city',
           case when contract_amount_industrial > 0
                then contract_amount_out_of_city / contract_amount_industrial end
    from month_totals
    union all
    select year, month, 'contract_amount_sci_tech', contract_amount_sci_tech from month_totals
    union all
    select year, month, 'share_sci_tech',
           case when contract_amount_industrial > 0
                then contract_amount_sci_tech / contract_amount_industrial end
    from month_totals
    union all
    select year, month, 'quality_projects', quality_projects from month_totals
    union all
    select year, month, 'major_projects', major_projects from month_totals
    union all
    -- like a unit's R: 0 when no project was signed in the period
    select year, month, 'landing_conversion_rate',
           case when signed_projects > 0 then landed_projects / signed_projects else 0 end
    from month_totals
    union all
    select year, month, 'funds_in_place_industrial', funds_in_place_industrial from month_totals

),

-- contract amount of the projects signed in the period, by industry (all industries of the seed, 其他 included);
-- contract_amount_consumer_goods is also the 消费品工业项目协议引资额 of the district targets
by_industry as (

    select
        months.year,
        months.month,
        'contract_amount_' || industries.industry_code as indicator,
        cast(coalesce(sum(grouped.contract_amount_signed), 0) as {{ double() }}) as value
    from months
    cross join {{ ref('industries') }} as industries
    left join grouped
        on grouped.year = months.year
        and grouped.month = months.month
        and grouped.industry = industries.industry_code
    group by months.year, months.month, industries.industry_code

),

-- number of projects in each stage in the snapshots at the period end
by_stage as (

    select
        months.year,
        months.month,
        'projects_' || stages.stage_code as indicator,
        cast(coalesce(sum(grouped.snapshot_projects), 0) as {{ double() }}) as value
    from months
    cross join {{ ref('stages') }} as stages
    left join grouped
        on grouped.year = months.year
        and grouped.month = months.month
        and grouped.stage = stages.stage_code
    group by months.year, months.month, stages.stage_code

),

all_indicators as (

    select * from headline
    union all
    select * from by_industry
    union all
    select * from by_stage

)

select
    all_indicators.year,
    all_indicators.month,
    all_indicators.indicator,
    all_indicators.value,
    district_targets.target,
    case
        when district_targets.target <> 0 then all_indicators.value / district_targets.target
    end as completion
from all_indicators
left join {{ ref('district_targets') }} as district_targets
    on district_targets.year = all_indicators.year
    and district_targets.indicator = all_indicators.indicator
