"""Synthetic raw tables for the M/L benchmarks, generated straight into DuckDB with vectorised SQL.

Nothing loops over rows in Python: projects are drawn with `range()` and `hash()`, each project is unnested
over the weeks it is on its unit's ledger, and stages, dates, amounts and funds are functions of the weeks
since the project entered. The model (per unit, per ISO week, a full snapshot of its ledger):
  * about one new project a week per unit, on the ledger for ~`mean_lifetime` weeks (scaled per unit), so a
    report holds ~`mean_lifetime` rows; a stock of older projects is already on the ledger in week 0;
  * each project climbs 线索 → 在谈 → 签约 → 落地 → 开工 → 达产 up to its own highest stage, some are
    terminated (终止) later; dates of reached stages lie in the week the stage was reached (so never after
    the report);
  * contract_amount from 签约 on (an estimate in some 在谈 rows), funds_ytd from 落地 on, cumulative since the
    first week of the report's year, never decreasing within a year;
  * ~6 % of new projects come from a lead another unit shared that week (listed in the sharer's 线索共享 sheet
    that week and the next); feedback within 1-7 days, 8-20 days (late) or never; plus leads nobody takes up;
  * ~2 % missed weeks (never in the last `clean_tail_weeks`, never in a week the unit shares a lead), ~1 %
    resent weeks (version 1 has some wrong amounts and lacks the week's new projects), a few rows with an
    invalid investor type (row issue) and six projects reported by two units, both only in the first half
    of the first year (so the gate of the last month can pass).
Columns are exactly those of `ingestion/raw_schema.py`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import duckdb

from benchmarks.register import BenchUnit
from ingestion.raw_schema import ensure_raw_schema

STAGES = "['lead', 'negotiating', 'signed', 'landed', 'started', 'producing']"
INDUSTRIAL = (
    "['consumer_goods', 'equipment', 'auto_moto', 'materials', 'smart', 'modern_services', "
    "'modern_agriculture']"
)


@dataclass
class SynthConfig:
    first_year: int
    n_years: int
    seed: int = 11
    mean_lifetime: int = 100
    miss_rate: float = 0.02
    resend_rate: float = 0.01
    lead_rate: float = 0.06
    issue_rate: float = 0.0003
    clean_tail_weeks: int = 8


@dataclass
class SynthSummary:
    weeks: int = 0
    units: int = 0
    projects: int = 0
    report_files: int = 0
    ledger_rows: int = 0
    lead_rows: int = 0
    row_issues: int = 0
    missed_unit_weeks: int = 0
    last_week_label: str = ""
    chunks: list[tuple[int, int]] = field(default_factory=list)


def first_sunday(year: int) -> date:
    jan1 = date(year, 1, 1)
    return jan1 + timedelta(days=(6 - jan1.weekday()) % 7)


def _setup(con: duckdb.DuckDBPyConnection, cfg: SynthConfig, units: list[BenchUnit]) -> int:
    """Calendar, units, projects, leads and files as temp tables; returns the number of weeks."""
    sunday = first_sunday(cfg.first_year)
    monday = sunday - timedelta(days=6)
    last_year = cfg.first_year + cfg.n_years - 1
    n = len(units)
    con.execute(f"""
        create or replace temp macro uni(s, a, b) as (hash({cfg.seed}, s, a, b) % 1000003)::double / 1000003;
        create or replace temp macro hi(s, a, b, m) as (hash({cfg.seed}, s, a, b) % m)::integer;
        create or replace temp macro monday_of(x) as (date '{monday}' + (7 * x)::integer)::date;

        create or replace temp table b_weeks as
        select w, week_end, week_start, week_label, y, min(w) over (partition by y) as year_first_w
        from (
            select w,
                   (date '{sunday}' + 7 * w)::date as week_end,
                   (date '{sunday}' + 7 * w - 6)::date as week_start,
                   isoyear(date '{sunday}' + 7 * w) || '-W'
                       || lpad(week(date '{sunday}' + 7 * w)::varchar, 2, '0') as week_label,
                   year(date '{sunday}' + 7 * w)::integer as y
            from (select range::integer as w from range(0, {60 * cfg.n_years}))
        )
        where y <= {last_year};

        create or replace temp table b_units (
            uidx integer, unit_code varchar, unit_type varchar, active_from date, active_to date,
            factor double, file_format varchar);
    """)
    con.executemany(
        "insert into b_units values (?, ?, ?, ?, ?, 0.5 + uni('factor', ?, 0), "
        "case when ? % 10 = 3 then 'csv' else 'xlsx' end)",
        [(i, u.unit_code, u.unit_type, u.active_from, u.active_to, i, i) for i, u in enumerate(units)],
    )
    n_weeks = con.execute("select count(*) from b_weeks").fetchall()[0][0]
    stock = int(1.5 * (2 * cfg.mean_lifetime - 20)) + 1
    con.execute(f"""
        create or replace temp table b_active as
        select u.uidx, w.w
        from b_units u, b_weeks w
        where w.week_end >= u.active_from and (u.active_to is null or w.week_end <= u.active_to);

        create or replace temp table b_projects as
        with base as (
            select u.uidx, u.unit_code, u.factor, r.k::integer as k, (r.k - {stock})::integer as e,
                   u.uidx * 1000000 + r.k as pid
            from b_units u, range(0, {n_weeks} + {stock}) r(k)
        ),
        drawn as (
            select *,
                uni('ind', uidx, k) as u_ind, uni('inv', uidx, k) as u_inv, uni('org', uidx, k) as u_org,
                uni('max', uidx, k) as u_max, 1 + hi('tn', uidx, k, 6) as t_neg,
                2 + hi('ts', uidx, k, 16) as g_sig, 2 + hi('tl', uidx, k, 20) as g_land,
                2 + hi('tst', uidx, k, 16) as g_start, 8 + hi('tp', uidx, k, 40) as g_prod
            from base
        ),
        staged as (
            select *,
                t_neg + g_sig as t_sig, t_neg + g_sig + g_land as t_land,
                t_neg + g_sig + g_land + g_start as t_start,
                t_neg + g_sig + g_land + g_start + g_prod as t_prod,
                case when u_max < 0.20 then 1 when u_max < 0.35 then 2 when u_max < 0.45 then 3
                     when u_max < 0.55 then 4 when u_max < 0.70 then 5 else 6 end as maxst
            from drawn
        )
        select
            uidx, unit_code, k, e, pid,
            greatest(4, round(factor * (20 + uni('life', uidx, k) * 2 * ({cfg.mean_lifetime} - 20))))::integer
                as lifetime,
            unit_code || '-' || lpad(k::varchar, 5, '0') as project_code,
            '招商项目' || unit_code || 'N' || lpad(k::varchar, 5, '0') as project_name,
            '投资企业' || (10000 + hi('investor', uidx, k, 90000))::varchar || unit_code as investor,
            case when u_ind < 0.15 then 'other'
                 else {INDUSTRIAL}[1 + floor((u_ind - 0.15) / 0.85 * 7)::integer] end as industry,
            case when u_inv < 0.03 then 'global500' when u_inv < 0.08 then 'china500'
                 when u_inv < 0.13 then 'private500' when u_inv < 0.20 then 'listed'
                 when u_inv < 0.25 then 'central_soe' when u_inv < 0.40 then 'soe' else 'other' end
                as investor_type,
            case when u_org < 0.35 then 'in_city' when u_org < 0.50 then 'yrd' when u_org < 0.65 then 'gba'
                 when u_org < 0.75 then 'jjj' when u_org < 0.95 then 'other_domestic' else 'overseas' end
                as origin,
            uni('sci', uidx, k) < 0.25 as is_sci_tech,
            maxst, t_neg, t_sig, t_land, t_start, t_prod,
            uni('term', uidx, k) < 0.08 as term,
            [0, t_neg, t_sig, t_land, t_start, t_prod][maxst] + 4 + hi('tt', uidx, k, 20) as t_term,
            round(0.3 + 100 * pow(uni('amt', uidx, k), 8), 2) as amount,
            0.003 + 0.01 * uni('fr', uidx, k) as funds_rate,
            (monday_of(e + t_sig) + hi('ds', uidx, k, 7))::date as signed_date,
            (monday_of(e + t_land) + hi('dl', uidx, k, 7))::date as landed_date,
            (monday_of(e + t_start) + hi('dst', uidx, k, 7))::date as started_date,
            (monday_of(e + t_prod) + hi('dp', uidx, k, 7))::date as producing_date,
            (e >= 0 and {n} > 1 and uni('lead', uidx, k) < {cfg.lead_rate}) as wants_lead,
            (uidx + 1 + hi('sharer', uidx, k, greatest({n} - 1, 1))) % {n} as sharer_idx,
            (monday_of(e) + hi('so', uidx, k, 5))::date as shared_on,
            case when uni('fb', uidx, k) < 0.7 then 1 + hi('fd', uidx, k, 7)
                 when uni('fb', uidx, k) < 0.9 then 8 + hi('fd', uidx, k, 13) end as feedback_delay,
            ({n} > 1 and uidx < 6 and k = {stock} + 10) as dup_project
        from staged;

        create or replace temp table b_leads as
        select p.pid, s.unit_code || '-L-' || p.unit_code || lpad(p.k::varchar, 5, '0') as lead_id,
               p.sharer_idx as sharer_uidx, s.unit_code as sharer_code, p.unit_code as to_unit,
               p.project_name, p.investor, p.shared_on, p.e as share_w,
               (p.shared_on + p.feedback_delay)::date as feedback_date
        from b_projects p
        join b_units s on s.uidx = p.sharer_idx
        join b_active a on a.uidx = p.sharer_idx and a.w = p.e
        where p.wants_lead
        union all
        select null, s.unit_code || '-X' || lpad(r.j::varchar, 4, '0'), s.uidx, s.unit_code, t.unit_code,
               '共享线索' || s.unit_code || 'X' || r.j, '意向企业' || s.unit_code || 'X' || r.j,
               (monday_of(r.j * 10 + hi('xw', s.uidx, r.j, 10)) + hi('xd', s.uidx, r.j, 5))::date,
               r.j * 10 + hi('xw', s.uidx, r.j, 10), null
        from b_units s, range(0, {n_weeks // 10}) r(j)
        join b_units t on t.uidx = (s.uidx + 1 + hi('xt', s.uidx, r.j, greatest({n} - 1, 1))) % {n}
        join b_active a on a.uidx = s.uidx and a.w = r.j * 10 + hi('xw', s.uidx, r.j, 10)
        where {n} > 1;

        create or replace temp table b_files as
        with present as (
            select a.uidx, a.w
            from b_active a
            where not (
                uni('miss', a.uidx, a.w) < {cfg.miss_rate}
                and a.w < {n_weeks} - {cfg.clean_tail_weeks}
                and not exists (select 1 from b_leads l where l.sharer_uidx = a.uidx and l.share_w = a.w)
            )
        ),
        versions as (
            select uidx, w,
                   case when uni('resend', uidx, w) < {cfg.resend_rate} and w < {n_weeks} - 1
                        then 2 else 1 end as nver
            from present
        )
        select v.uidx, v.w, v.nver, r.version::integer as version, u.unit_code, u.file_format,
               sha256('{cfg.seed}/' || u.unit_code || '/' || v.w || '/' || r.version) as file_sha256
        from versions v
        join b_units u on u.uidx = v.uidx, range(1, v.nver + 1) r(version);
    """)
    return n_weeks


def _ledger_chunk(con: duckdb.DuckDBPyConnection, cfg: SynthConfig, lo: int, hi: int) -> None:
    """Generate and insert the ledger rows (and row issues) of weeks [lo, hi)."""
    con.execute(f"""
        create or replace temp table b_chunk as
        with pw as (
            select p.*, unnest(range(greatest(p.e, {lo}), least(p.e + p.lifetime, {hi}))) as w
            from b_projects p
            where p.e < {hi} and p.e + p.lifetime > {lo}
        ),
        joined as (
            select pw.*, f.version, f.nver, f.file_sha256, wk.week_end, wk.week_label, wk.y, wk.year_first_w,
                   pw.w - pw.e as d, l.lead_id, l.feedback_date,
                   case when pw.maxst >= 6 and pw.w - pw.e >= pw.t_prod then 6
                        when pw.maxst >= 5 and pw.w - pw.e >= pw.t_start then 5
                        when pw.maxst >= 4 and pw.w - pw.e >= pw.t_land then 4
                        when pw.maxst >= 3 and pw.w - pw.e >= pw.t_sig then 3
                        when pw.maxst >= 2 and pw.w - pw.e >= pw.t_neg then 2
                        else 1 end as r,
                   (pw.dup_project and wk.week_end < date '{cfg.first_year}-07-01') as dup_row,
                   (wk.week_end < date '{cfg.first_year}-07-01'
                    and uni('issue', pw.pid, pw.w) < {cfg.issue_rate}) as issue_row
            from pw
            join b_files f on f.uidx = pw.uidx and f.w = pw.w
            join b_weeks wk on wk.w = pw.w
            left join b_leads l on l.pid = pw.pid
            where not (f.version < f.nver and pw.w = pw.e)
        )
        select
            file_sha256, unit_code, week_label, version, '项目台账' as sheet,
            (row_number() over (partition by uidx, w, version order by k) + 1)::integer as row_number,
            project_code,
            case when dup_row then '重复项目' || (uidx % 2) else project_name end as project_name,
            case when dup_row then '重复企业' || (uidx % 2) else investor end as investor,
            case when issue_row then null else investor_type end as investor_type,
            industry, origin, is_sci_tech,
            case when term and d >= t_term then 'terminated' else {STAGES}[r] end as stage,
            case when r >= 3 then
                    case when version < nver and hi('fix', pid, w, 7) = 0 then round(amount * 1.1, 2)
                         else amount end
                 when r = 2 and hi('est', pid, 0, 2) = 0 then round(amount * 0.9, 2) end as contract_amount,
            case when r >= 4 then
                round(least(amount, amount * funds_rate * (w - greatest(e + t_land, year_first_w) + 1)), 2)
                end as funds_ytd,
            case when r >= 4 and industry <> 'other' then round(5 + 300 * uni('mu', pid, 0), 1) end
                as land_mu,
            case when r >= 3 then signed_date end as signed_on,
            case when r >= 4 then landed_date end as landed_on,
            case when r >= 5 then started_date end as started_on,
            case when r >= 6 then producing_date end as producing_on,
            lead_id,
            case when feedback_date <= week_end then feedback_date end as feedback_on,
            case when hi('note', pid, w, 50) = 0 then '跟进中' end as note,
            issue_row
        from joined;

        insert into raw.ledger_rows by name
        select * exclude (issue_row),
               lower(project_name) || '|' || lower(investor) as name_key
        from b_chunk;

        insert into raw.row_issues
        select file_sha256, unit_code, week_label, version, sheet, row_number, project_code, '企业类型',
               '外资企业', 'enum', '世界500强、中国500强、民营500强、上市公司、央企、国企、其他之一',
               'one of global500, china500, private500, listed, central_soe, soe, other'
        from b_chunk where issue_row;

        drop table b_chunk;
    """)


def _leads_and_files(con: duckdb.DuckDBPyConnection, cfg: SynthConfig) -> None:
    con.execute("""
        insert into raw.lead_rows
        select f.file_sha256, l.sharer_code, wk.week_label, f.version, '线索共享',
               (row_number() over (partition by f.uidx, f.w, f.version order by l.lead_id) + 1)::integer,
               l.lead_id, l.project_name, l.investor, l.to_unit, l.shared_on
        from b_leads l
        join (values (0), (1)) rep(n) on true
        join b_files f on f.uidx = l.sharer_uidx and f.w = l.share_w + rep.n
        join b_weeks wk on wk.w = f.w;

        insert into raw.report_files
        with ledger_counts as (
            select unit_code, week_label, version, count(*) as n from raw.ledger_rows group by all
        ),
        lead_counts as (
            select unit_code, week_label, version, count(*) as n from raw.lead_rows group by all
        )
        select f.file_sha256, wk.week_label || '/' || f.unit_code || '.' || f.file_format,
               'archive/' || substr(f.file_sha256, 1, 2) || '/' || f.file_sha256 || '.' || f.file_format,
               f.unit_code, isoyear(wk.week_end), week(wk.week_end), wk.week_label, wk.week_start,
               wk.week_end,
               f.file_format, f.version,
               wk.week_end::timestamp + interval 1 day + f.version * interval 2 hour,
               coalesce(lc.n, 0), coalesce(ld.n, 0), null
        from b_files f
        join b_weeks wk on wk.w = f.w
        left join ledger_counts lc
            on lc.unit_code = f.unit_code and lc.week_label = wk.week_label and lc.version = f.version
        left join lead_counts ld
            on ld.unit_code = f.unit_code and ld.week_label = wk.week_label and ld.version = f.version;

        insert into raw.rejected_files
        select null, wk.week_label || '/Z' || lpad(r.i::varchar, 2, '0') || '.xlsx',
               'quarantine/' || wk.week_label || '/Z' || lpad(r.i::varchar, 2, '0') || '.xlsx',
               wk.week_end::timestamp + interval 1 day, null, null, null, null, 'unknown_unit',
               '单位代码不在单位名册中', 'the unit code is not in the unit register'
        from range(0, 20) r(i)
        join b_weeks wk on wk.w = (r.i * 7) % (select count(*) from b_weeks);
    """)


def generate_raw(
    con: duckdb.DuckDBPyConnection, cfg: SynthConfig, units: list[BenchUnit], weeks_per_chunk: int = 26
) -> SynthSummary:
    """Fill empty raw tables of `con` with `cfg.n_years` years of weekly reports of `units`."""
    ensure_raw_schema(con)
    if con.execute("select count(*) from raw.report_files").fetchall()[0][0]:
        raise RuntimeError("generate_raw needs an empty warehouse")
    n_weeks = _setup(con, cfg, units)
    summary = SynthSummary(weeks=n_weeks, units=len(units))
    for lo in range(0, n_weeks, weeks_per_chunk):
        hi = min(n_weeks, lo + weeks_per_chunk)
        _ledger_chunk(con, cfg, lo, hi)
        summary.chunks.append((lo, hi))
    _leads_and_files(con, cfg)
    q = con.execute
    summary.projects = q("select count(*) from b_projects where e + lifetime > 0").fetchall()[0][0]
    summary.report_files = q("select count(*) from raw.report_files").fetchall()[0][0]
    summary.ledger_rows = q("select count(*) from raw.ledger_rows").fetchall()[0][0]
    summary.lead_rows = q("select count(*) from raw.lead_rows").fetchall()[0][0]
    summary.row_issues = q("select count(*) from raw.row_issues").fetchall()[0][0]
    summary.missed_unit_weeks = q(
        "select count(*) from b_active a where not exists "
        "(select 1 from b_files f where f.uidx = a.uidx and f.w = a.w)"
    ).fetchall()[0][0]
    summary.last_week_label = q("select max_by(week_label, w) from b_weeks").fetchall()[0][0]
    return summary


def derive_targets(con: duckdb.DuckDBPyConnection, cfg: SynthConfig) -> list[tuple]:
    """Annual targets near what each unit's projects can reach (after `generate_raw`, same connection).

    Departments have no F, M, R targets (as in the real register), bureau sections no F target, every 50th
    unit has all targets 0 (no base score) and units get no target row for a year they are not active in.
    """
    rows = con.execute(f"""
        with years as (
            select range::integer as y from range({cfg.first_year}, {cfg.first_year + cfg.n_years})
        ),
        est as (
            select p.uidx, year(p.signed_date)::integer as y,
                   sum(case when p.industry <> 'other' then p.amount else 0 end) as c,
                   sum(case when p.investor_type in ('global500', 'china500', 'private500', 'listed')
                            then 1 else 0 end) as q,
                   sum(case when p.industry <> 'other' and p.amount >= 50 then 1 else 0 end) as m
            from b_projects p
            where p.maxst >= 3
            group by all
        ),
        scaled as (
            select u.unit_code, u.unit_type, u.uidx, years.y,
                   0.7 + 0.6 * uni('tgt', u.uidx, years.y) as f,
                   coalesce(est.c, 0) as c, coalesce(est.q, 0) as q, coalesce(est.m, 0) as m
            from b_units u
            cross join years
            left join est on est.uidx = u.uidx and est.y = years.y
            where u.active_from <= make_date(years.y, 12, 31)
              and (u.active_to is null or u.active_to >= make_date(years.y, 1, 1))
        )
        select y, unit_code,
               case when uidx % 50 = 49 then 0 else round(c * f) end as target_c,
               case when uidx % 50 = 49 or unit_type <> 'platform' then 0 else round(0.3 * c * f) end,
               case when uidx % 50 = 49 or (unit_type = 'department' and uidx % 2 = 0) then 0
                    else round(q * f) end,
               case when uidx % 50 = 49 or unit_type = 'department' then 0 else floor(m * f) end,
               case when uidx % 50 = 49 or unit_type = 'department' then 0
                    when uidx % 3 = 0 then 0.4 else 0.3 end
        from scaled
        order by y, uidx
    """).fetchall()
    return [(y, code, int(c), int(f), int(q), int(m), float(r)) for y, code, c, f, q, m, r in rows]
