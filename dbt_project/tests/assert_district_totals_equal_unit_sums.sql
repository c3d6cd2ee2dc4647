{{ config(meta={'dagster': {'ref': {'name': 'district_month_indicators'}}}) }}
-- District totals equal the sums over the units' scores (SPEC 5): C, F, Q, M.
with unit_sums as (
    select year, month,
           sum(value_c) as contract_amount_industrial,
           sum(value_f) as funds_in_place_industrial,
           sum(value_q) as quality_projects,
           sum(value_m) as major_projects,
           sum(signed_projects) as signed_projects,
           sum(landed_projects) as landed_projects
    from {{ ref('unit_month_scores') }}
    group by year, month
),
district as (
    select year, month,
           max(case when indicator = 'contract_amount_industrial' then value end) as contract_amount_industrial,
           max(case when indicator = 'funds_in_place_industrial' then value end) as funds_in_place_industrial,
           max(case when indicator = 'quality_projects' then value end) as quality_projects,
           max(case when indicator = 'major_projects' then value end) as major_projects,
           max(case when indicator = 'landing_conversion_rate' then value end) as landing_conversion_rate
    from {{ ref('district_month_indicators') }}
    group by year, month
)
select unit_sums.*, district.*
from unit_sums
full outer join district
    on district.year = unit_sums.year and district.month = unit_sums.month
where district.year is null
   or unit_sums.year is null
   or abs(district.contract_amount_industrial - unit_sums.contract_amount_industrial) > 1e-6
   or abs(district.funds_in_place_industrial - unit_sums.funds_in_place_industrial) > 1e-6
   or abs(district.quality_projects - unit_sums.quality_projects) > 1e-9
   or abs(district.major_projects - unit_sums.major_projects) > 1e-9
   or abs(district.landing_conversion_rate
          - case when unit_sums.signed_projects > 0
                 then cast(unit_sums.landed_projects as {{ double() }}) / unit_sums.signed_projects
                 else 0 end) > 1e-9
