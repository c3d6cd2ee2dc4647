-- Every district target names an indicator that district_month_indicators produces (checked once months exist).
select district_targets.year, district_targets.indicator
from {{ ref('district_targets') }} as district_targets
where exists (select 1 from {{ ref('district_month_indicators') }})
  and district_targets.indicator not in (select indicator from {{ ref('district_month_indicators') }})
