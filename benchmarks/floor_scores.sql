-- The floor: the SPEC 6 export (the C/F/Q/M/R pivot of the scores, SPEC 6's columns) written by hand in one
-- DuckDB script as floor.scores, straight from the raw tables and the seed CSVs (SPEC 3 and the readings of docs/ARCHITECTURE.md), as fast as a careful person would write it.
-- It is the reference the dbt scoring is timed against and cross-checked with (benchmarks/floor.py).
-- __SEEDS__ is replaced by the seeds folder. Scoring parameters and weights are literals (SPEC 3 defaults, not
-- methods/2021.yml: the floor is an independent reading); industrial industries and quality investor types come
-- from the seed CSVs.
--   ratio cap 1.2, weights rescaled to 100; major project >= 50 (亿元); lead bonus +1 signed, +2 landed, cap 5;
--   missing report 1 per due week, cap 10; late feedback 0.5 per lead, > 7 days, cap 5.

create schema if not exists floor;

create or replace temp table f_units as
select unit_code, unit_type, active_from, active_to
from read_csv('__SEEDS__/units.csv', header = true,
              types = {'unit_code': 'VARCHAR', 'active_from': 'DATE', 'active_to': 'DATE'});

create or replace temp table f_targets as
select year, unit_code, "target_C" as target_c, "target_F" as target_f, "target_Q" as target_q,
       "target_M" as target_m, "target_R" as target_r
from read_csv('__SEEDS__/targets.csv', header = true,
              types = {'year': 'INTEGER', 'unit_code': 'VARCHAR', 'target_C': 'DOUBLE', 'target_F': 'DOUBLE',
                       'target_Q': 'DOUBLE', 'target_M': 'DOUBLE', 'target_R': 'DOUBLE'});

create or replace temp table f_weights as
select * from (values ('C', 40.0), ('F', 30.0), ('Q', 10.0), ('M', 10.0), ('R', 10.0)) as w(indicator, weight);

create or replace temp table f_industrial as
select industry_code from read_csv('__SEEDS__/industries.csv', header = true) where is_industrial;

create or replace temp table f_quality as
select investor_type_code from read_csv('__SEEDS__/investor_types.csv', header = true) where is_quality;

-- the latest version of each unit-week report; a week belongs to the year of its Sunday (y) and to its ISO
-- week-year (wy: the year funds_ytd counts from)
create or replace temp table f_reports as
select unit_code, week_label, version, week_end, year(week_end)::integer as y, iso_year::integer as wy
from raw.report_files
qualify row_number() over (partition by unit_code, week_label order by version desc, received_at desc) = 1;

-- scored unit-months: months 1 .. month of the latest week_end of the year; units active some day of the month
-- that have any report in the year
create or replace temp table f_periods as
with years as (
    select y, month(max(week_end))::integer as last_month from f_reports group by y
),
unit_years as (
    select distinct unit_code, y from f_reports
)
select years.y, t.m::integer as m, u.unit_code, u.unit_type, u.active_from, u.active_to,
       make_date(years.y, 1, 1) as p_start, last_day(make_date(years.y, t.m::integer, 1)) as p_end
from years
cross join range(1, years.last_month + 1) as t(m)
join unit_years on unit_years.y = years.y
join f_units as u on u.unit_code = unit_years.unit_code
where u.active_from <= last_day(make_date(years.y, t.m::integer, 1))
  and (u.active_to is null or u.active_to >= make_date(years.y, t.m::integer, 1));

-- snapshot: the unit's report of the ISO week containing the period end, else its latest earlier one, among
-- the weeks reaching into the period (Sunday >= 1 Jan); funds: the latest of those of ISO week-year y (SPEC 3)
create or replace temp table f_snap as
select p.y, p.m, p.unit_code,
       arg_max(r.week_label, r.week_end) as week_label,
       arg_max(r.version, r.week_end) as version,
       arg_max(r.week_label, r.week_end) filter (where r.wy = p.y) as funds_week_label,
       arg_max(r.version, r.week_end) filter (where r.wy = p.y) as funds_version
from f_periods as p
join f_reports as r
    on r.unit_code = p.unit_code and r.week_end >= p.p_start and r.week_end - 6 <= p.p_end
group by p.y, p.m, p.unit_code;

-- projects reported by two different units in the same week (only the weeks some snapshot uses matter)
create or replace temp table f_dup as
select l.week_label, l.name_key
from raw.ledger_rows as l
semi join f_reports as r on r.unit_code = l.unit_code and r.week_label = l.week_label and r.version = l.version
where l.name_key is not null
  and l.week_label in (select week_label from f_snap union select funds_week_label from f_snap)
group by l.week_label, l.name_key
having count(distinct l.unit_code) > 1;

-- the reports each unit-month reads: the snapshot (in_snap) and the funds report (in_funds), one pass over both
create or replace temp table f_reads as
select y, m, unit_code, week_label, version, true as in_snap,
       coalesce(funds_week_label = week_label, false) as in_funds
from f_snap
union all
select y, m, unit_code, funds_week_label, funds_version, false, true
from f_snap
where funds_week_label <> week_label;

create or replace temp table f_rows as
select s.y, s.m, s.unit_code, p.p_start, p.p_end, s.in_snap, s.in_funds,
       l.lead_id, l.feedback_on, l.contract_amount, l.funds_ytd, l.landed_on,
       (l.industry in (select industry_code from f_industrial)) as industrial,
       coalesce(l.investor_type in (select investor_type_code from f_quality), false) as quality,
       coalesce(l.signed_on between p.p_start and p.p_end
                and l.stage in ('signed', 'landed', 'started', 'producing', 'terminated'), false) as signed,
       coalesce(l.landed_on between p.p_start and p.p_end, false) as landed_in_period,
       (d.name_key is null) as counted
from f_reads as s
join f_periods as p on p.y = s.y and p.m = s.m and p.unit_code = s.unit_code
join raw.ledger_rows as l
    on l.unit_code = s.unit_code and l.week_label = s.week_label and l.version = s.version
left join f_dup as d on d.week_label = l.week_label and d.name_key = l.name_key;

create or replace temp table f_values as
select p.y, p.m, p.unit_code, p.unit_type,
       coalesce(sum(r.contract_amount) filter (where r.in_snap and r.counted and r.signed and r.industrial), 0)
           ::double as value_c,
       coalesce(sum(r.funds_ytd) filter (where r.in_funds and r.counted and r.industrial), 0)::double as value_f,
       count(*) filter (where r.in_snap and r.counted and r.signed and r.quality)::double as value_q,
       count(*) filter (where r.in_snap and r.counted and r.signed and r.industrial and r.contract_amount >= 50)
           ::double as value_m,
       coalesce(count(*) filter (where r.in_snap and r.counted and r.signed and r.landed_on <= r.p_end)::double
                / nullif(count(*) filter (where r.in_snap and r.counted and r.signed), 0), 0)::double as value_r
from f_periods as p
left join f_rows as r on r.y = p.y and r.m = p.m and r.unit_code = p.unit_code
group by p.y, p.m, p.unit_code, p.unit_type;

-- indicator scores: weight x min(value / target, 1.2); target 0 or missing: NULL, weight shared out
create or replace temp table f_scores as
with long as (
    select v.y, v.m, v.unit_code, i.indicator, w.weight,
           case i.indicator when 'C' then v.value_c when 'F' then v.value_f when 'Q' then v.value_q
                            when 'M' then v.value_m else v.value_r end as value,
           case i.indicator when 'C' then t.target_c when 'F' then t.target_f when 'Q' then t.target_q
                            when 'M' then t.target_m else t.target_r end as target
    from f_values as v
    cross join (values ('C'), ('F'), ('Q'), ('M'), ('R')) as i(indicator)
    join f_weights as w on w.indicator = i.indicator
    left join f_targets as t on t.year = v.y and t.unit_code = v.unit_code
),
scored as (
    select *,
           case when target > 0 then
               weight * 100 / sum(weight) filter (where target > 0) over (partition by y, m, unit_code)
               * least(value / target, 1.2)
           end as score
    from long
)
select y, m, unit_code,
       max(target) filter (where indicator = 'C') as target_c, max(score) filter (where indicator = 'C') as score_c,
       max(target) filter (where indicator = 'F') as target_f, max(score) filter (where indicator = 'F') as score_f,
       max(target) filter (where indicator = 'Q') as target_q, max(score) filter (where indicator = 'Q') as score_q,
       max(target) filter (where indicator = 'M') as target_m, max(score) filter (where indicator = 'M') as score_m,
       max(target) filter (where indicator = 'R') as target_r, max(score) filter (where indicator = 'R') as score_r,
       sum(score) as base_score
from scored
group by y, m, unit_code;

-- a lead: sharer, receiver and shared_on from the (latest version of the) report that first listed it
create or replace temp table f_leads as
select l.lead_id, l.unit_code as sharer, l.to_unit as receiver, l.shared_on
from raw.lead_rows as l
join f_reports as r on r.unit_code = l.unit_code and r.week_label = l.week_label and r.version = l.version
where l.lead_id is not null
qualify row_number() over (partition by l.lead_id order by r.week_end, l.unit_code, l.row_number) = 1;

-- the receiver's project carrying each lead, in its snapshot at each period end
create or replace temp table f_lead_projects as
select y, m, unit_code, lead_id,
       bool_or(counted and signed) as signed,
       bool_or(counted and signed and landed_in_period) as landed,
       min(feedback_on) as feedback_on
from f_rows
where lead_id is not null and in_snap
group by y, m, unit_code, lead_id;

create or replace temp table f_bonus as
select p.y, p.m, p.unit_code,
       least(5, sum(case when lp.signed then 1 else 0 end + case when lp.landed then 2 else 0 end))::double
           as bonus
from f_leads as ld
join f_periods as p on p.unit_code = ld.sharer and p.y = year(ld.shared_on)
left join f_lead_projects as lp
    on lp.y = p.y and lp.m = p.m and lp.unit_code = ld.receiver and lp.lead_id = ld.lead_id
where ld.shared_on is not null and ld.receiver <> ld.sharer
group by p.y, p.m, p.unit_code;

create or replace temp table f_late as
select p.y, p.m, p.unit_code, least(5, 0.5 * count(*))::double as late_feedback
from f_leads as ld
join f_periods as p
    on p.unit_code = ld.receiver and ld.shared_on between p.p_start and p.p_end
left join f_lead_projects as lp
    on lp.y = p.y and lp.m = p.m and lp.unit_code = ld.receiver and lp.lead_id = ld.lead_id
where (lp.feedback_on is not null and lp.feedback_on > ld.shared_on + 7)
   or (lp.feedback_on is null and p.p_end > ld.shared_on + 7)
group by p.y, p.m, p.unit_code;

-- missing reports: Sundays of the year up to the period end, within the unit's active dates, with no report;
-- a week is due only once some unit has sent it or a later week (ARCHITECTURE: no deduction for weeks that have
-- not happened yet in a month still in progress)
create or replace temp table f_missing as
with sundays as (
    select ys.y, g.d::date as week_end
    from (select distinct y from f_periods) as ys,
         generate_series(make_date(ys.y, 1, 1), make_date(ys.y, 12, 31), interval 1 day) as g(d)
    where isodow(g.d) = 7
)
select p.y, p.m, p.unit_code, least(10, 1.0 * count(*))::double as missing_reports
from f_periods as p
join sundays as s
    on s.y = p.y and s.week_end <= p.p_end
    and s.week_end <= (select max(week_end) from f_reports)
    and s.week_end >= p.active_from and (p.active_to is null or s.week_end <= p.active_to)
anti join f_reports as r on r.unit_code = p.unit_code and r.week_end = s.week_end
group by p.y, p.m, p.unit_code;

create or replace table floor.scores as
with totals as (
    select v.y as year, v.m as month, v.unit_code, v.unit_type,
           v.value_c, s.target_c, s.score_c, v.value_f, s.target_f, s.score_f,
           v.value_q, s.target_q, s.score_q, v.value_m, s.target_m, s.score_m,
           v.value_r, s.target_r, s.score_r, s.base_score,
           coalesce(b.bonus, 0) as bonus,
           coalesce(mi.missing_reports, 0) + coalesce(la.late_feedback, 0) as deductions
    from f_values as v
    join f_scores as s on s.y = v.y and s.m = v.m and s.unit_code = v.unit_code
    left join f_bonus as b on b.y = v.y and b.m = v.m and b.unit_code = v.unit_code
    left join f_missing as mi on mi.y = v.y and mi.m = v.m and mi.unit_code = v.unit_code
    left join f_late as la on la.y = v.y and la.m = v.m and la.unit_code = v.unit_code
)
select *, base_score + bonus - deductions as total_score,
       case when base_score is not null then
           rank() over (partition by year, month, unit_type, base_score is null
                        order by round(base_score + bonus - deductions, 6) desc)
       end as rank_in_type
from totals
order by year, month, unit_type, unit_code;
