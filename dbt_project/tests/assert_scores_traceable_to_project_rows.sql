{{ config(meta={'dagster': {'ref': {'name': 'unit_month_scores'}}}) }}
-- Every unit value is the sum of its traceable project rows (fct_unit_month_projects counted_* flags).
with from_rows as (
    select year, month, unit_code,
           sum(case when counted_c then coalesce(contract_amount, 0) else 0 end) as value_c,
           sum(case when counted_f then coalesce(funds_ytd, 0) else 0 end) as value_f,
           sum(case when counted_q then 1 else 0 end) as value_q,
           sum(case when counted_m then 1 else 0 end) as value_m,
           sum(case when counted_r_signed then 1 else 0 end) as signed_projects,
           sum(case when counted_r_landed then 1 else 0 end) as landed_projects
    from {{ ref('fct_unit_month_projects') }}
    group by year, month, unit_code
)
select scores.year, scores.month, scores.unit_code
from {{ ref('unit_month_scores') }} as scores
left join from_rows
    on from_rows.year = scores.year and from_rows.month = scores.month and from_rows.unit_code = scores.unit_code
where abs(scores.value_c - coalesce(from_rows.value_c, 0)) > 1e-6
   or abs(scores.value_f - coalesce(from_rows.value_f, 0)) > 1e-6
   or abs(scores.value_q - coalesce(from_rows.value_q, 0)) > 1e-9
   or abs(scores.value_m - coalesce(from_rows.value_m, 0)) > 1e-9
   or scores.signed_projects <> coalesce(from_rows.signed_projects, 0)
   or scores.landed_projects <> coalesce(from_rows.landed_projects, 0)
