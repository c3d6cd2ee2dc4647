-- Calendar months in which a unit sent no weekly report at all although weeks were due from it
-- (source `missing_months` of method files, e.g. Method B's −1 per month without any report).
select
    year,
    month,
    unit_code,
    cast(year as varchar) || '-' || lpad(cast(month as varchar), 2, '0') as month_label,
    sum(case when is_expected and is_due then 1 else 0 end) as weeks_due
from {{ ref('int_expected_reports') }}
group by year, month, unit_code
having sum(case when is_received then 1 else 0 end) = 0
   and sum(case when is_expected and is_due then 1 else 0 end) > 0
