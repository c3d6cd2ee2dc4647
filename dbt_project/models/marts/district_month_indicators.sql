-- District totals per month (SPEC 4), with the same definitions as the unit scores, over all scored units:
-- value of each indicator, its district target for the year (district_targets seed) and completion = value/target.
-- Shares and rates are ratios (0-1). Rows of a project reported by two units are counted nowhere.
with months as (

    select distinct year, month
    from {{ ref('int_unit_month_periods') }}

),

-- only the columns used (the CTE is read three times and may be materialised)
rows_counted as (

    select
        year, month, row_number, industry, stage, contract_amount, funds_ytd, is_out_of_city, is_sci_tech,
        signed_in_period, counted_c, counted_f, counted_q, counted_m, counted_r_signed, counted_r_landed
    from {{ ref('int_unit_month_snapshots') }}
    where not is_cross_unit_duplicate

),

totals as (

    select
        year,
        month,
        sum(case when counted_c then coalesce(contract_amount, 0) else 0 end) as contract_amount_industrial,
        sum(case when counted_c and is_out_of_city then coalesce(contract_amount, 0) else 0 end)
            as contract_amount_out_of_city,
        sum(case when counted_c and is_sci_tech then coalesce(contract_amount, 0) else 0 end)
            as contract_amount_sci_tech,
        sum(case when counted_q then 1 else 0 end) as quality_projects,
        sum(case when counted_m then 1 else 0 end) as major_projects,
        sum(case when counted_r_signed then 1 else 0 end) as signed_projects,
        sum(case when counted_r_landed then 1 else 0 end) as landed_projects,
        sum(case when counted_f then coalesce(funds_ytd, 0) else 0 end) as funds_in_place_industrial
    from rows_counted
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
        cast(coalesce(sum(
            case when rows_counted.signed_in_period then coalesce(rows_counted.contract_amount, 0) else 0 end
        ), 0) as {{ double() }}) as value
    from months
    cross join {{ ref('industries') }} as industries
    left join rows_counted
        on rows_counted.year = months.year
        and rows_counted.month = months.month
        and rows_counted.industry = industries.industry_code
    group by months.year, months.month, industries.industry_code

),

-- number of projects in each stage in the snapshots at the period end
by_stage as (

    select
        months.year,
        months.month,
        'projects_' || stages.stage_code as indicator,
        cast(count(rows_counted.row_number) as {{ double() }}) as value
    from months
    cross join {{ ref('stages') }} as stages
    left join rows_counted
        on rows_counted.year = months.year
        and rows_counted.month = months.month
        and rows_counted.stage = stages.stage_code
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
