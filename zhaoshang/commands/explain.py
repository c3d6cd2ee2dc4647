"""`zhaoshang explain --unit U --month YYYY-MM`: every point of a unit's score, in Chinese, down to the rows.

Reads marts.score_totals / marts.score_points and, for each line, the rows behind it: the projects of the
snapshot a measure counted (its filter, compiled from the method file, is in seeds.method_measures), the
leads, the missing weeks or months and the committee's entries. Read-only.
"""

from __future__ import annotations

from typing import Any

import duckdb

from assessment.trace import project_rows_sql
from basics import terms
from basics.errors import UserError
from basics.home import Home
from basics.registers import read_seed
from zhaoshang.warehouse import read_only, require_table, warn_if_stale

NO_REPORT_YET = f"（本期尚无{terms.WEEKLY_REPORT}）"
KIND_ZH = {"indicator": "考核指标", "manual": "考核指标", "bonus": "加分", "deduction": "减分"}
SECTIONS = [("一、考核指标", ("indicator", "manual")), ("二、加分", ("bonus",)), ("三、减分", ("deduction",))]


def num(value: Any, decimals: int = 2) -> str:
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def rows(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict[str, Any]]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]


def stage_zh() -> dict[str, str]:
    return {r["stage_code"]: r["label_zh"] for r in read_seed("stages")}


def project_lines(con, measure: dict, key: list) -> list[str]:
    found = rows(
        con,
        project_rows_sql(
            measure["filter_sql"],
            "r.project_code, r.project_name, r.stage, r.contract_amount, r.funds_ytd, r.signed_on, "
            "r.landed_on, r.week_label, r.sheet, r.row_number",
            "r.year = ? and r.month = ? and r.unit_code = ? and p.method_code = ?",
            "int_method_eval_periods",
        )
        + " order by r.row_number",
        [*key, measure["method_code"]],
    )
    stages = stage_zh()
    out = []
    for p in found:
        dates = "，".join(
            f"{label} {p[field]}"
            for field, label in (("signed_on", "签约"), ("landed_on", "落地"))
            if p[field]
        )
        out.append(
            f"      · {p['project_code']} {p['project_name']}（{stages.get(p['stage'], p['stage'])}"
            f"{'，' + dates if dates else ''}）{terms.CONTRACT_AMOUNT} {num(p['contract_amount'])} 亿元，"
            f"本年到位资金 {num(p['funds_ytd'])} 亿元 —— "
            f"{p['week_label']} {terms.WEEKLY_REPORT} {p['sheet']} 第{p['row_number']}行"
        )
    return out or ["      （无符合口径的项目）"]


def measure_lines(con, measures: dict[str, dict], code: str, key: list, depth: int = 0) -> list[str]:
    """The measure, its value and the rows behind it (ratio: numerator and denominator)."""
    measure = measures.get(code)
    if measure is None or depth > 2:
        return []
    value = con.execute(
        "select value from intermediate.int_method_measure_values "
        "where year = ? and month = ? and unit_code = ? and measure_code = ? and method_code = ?",
        [*key, code, measure["method_code"]],
    ).fetchone()
    out = [f"    口径“{measure['label_zh']}” = {num(value[0] if value else None, 4)}"]
    if measure["aggregate"] == "ratio":
        for part in (measure["numerator"], measure["denominator"]):
            out += measure_lines(con, measures, part, key, depth + 1)
    elif measure["aggregate"] == "growth":
        out += growth_lines(con, measures, measure, key, depth)
    elif measure["aggregate"] == "change":
        out.append("    （本期末值减上期末值）")
        out += measure_lines(con, measures, measure["base_measure"], key, depth + 1)
    elif measure["source"] == "projects":
        out += project_lines(con, measure, key)
    elif measure["source"] == "entries":
        entries = rows(
            con,
            "select entry_ref from staging.stg_entry_rows where year = ? and month = ? and unit_code = ? "
            "and entry_code = ? order by entry_ref",
            [*key, measure["entry_code"]],
        )
        out += [f"      · {event_detail(con, 'entries', e['entry_ref'], key)}" for e in entries]
        out += [] if entries else ["      （本月无录入）"]
    return out


def growth_lines(con, measures: dict[str, dict], measure: dict, key: list, depth: int) -> list[str]:
    """同比: this period's value, the same period's a year earlier, and the rows behind both."""
    year, month, unit = key
    no_base = measure["when_zero"]
    out = [
        f"    （同比增速 = 本期值 ÷ 上年同期值 − 1；上年同期为0或无数据时"
        f"{'取 ' + num(no_base, 4) if no_base is not None else '不参与考核'}）",
        f"    本期（{year}年{month}月）：",
    ]
    out += measure_lines(con, measures, measure["base_measure"], key, depth + 1)
    out.append(f"    上年同期（{year - 1}年{month}月）：")
    prior = measure_lines(con, measures, measure["base_measure"], [year - 1, month, unit], depth + 1)
    return out + (prior or ["      （上年同期无数据）"])


def rank_lines(con, item: dict, t: dict) -> list[str]:
    """The group's places behind a rank_points item, largest value first."""
    found = rows(
        con,
        "select unit_code, value, place from intermediate.int_method_components where year = ? and month = ? "
        "and method_code = ? and group_code = ? and item_code = ? order by place, unit_code",
        [t["year"], t["month"], t["method_code"], t["group_code"], item["item_code"]],
    )
    places = "；".join(f"第{r['place']}名 {r['unit_code']} {num(r['value'], 4)}" for r in found)
    return [f"    组内名次（同值同名次）：{places}"]


def event_detail(con, source: str | None, ref: str, key: list) -> str:
    year, month, unit = key
    if source in ("leads_shared", "leads_received"):
        lead = rows(
            con,
            "select * from intermediate.int_leads where lead_id = ? and year = ? and month = ?",
            [ref, year, month],
        )
        if lead:
            x = lead[0]
            outcome = (
                f"接收单位项目 {x['receiver_project_code']}"
                + (f" 签约 {x['signed_on']}" if x["signed_on"] else "")
                + (f" 落地 {x['landed_on']}" if x["landed_on"] else "")
                + (f"，反馈 {x['feedback_on']}" if x["feedback_on"] else "，尚未反馈")
                if x["receiver_project_code"]
                else "接收单位台账中尚无此线索"
            )
            return (
                f"线索 {ref}“{x['project_name']}”：{x['sharer_unit']} 于 {x['shared_on']} 共享给 "
                f"{x['receiver_unit']}（{x['shared_week_label']} {terms.WEEKLY_REPORT} {x['sheet']} "
                f"第{x['row_number']}行）；{outcome}"
            )
    if source == "missing_weeks":
        week = rows(
            con,
            "select week_start, week_end from intermediate.int_expected_reports where week_label = ? "
            "and unit_code = ?",
            [ref, unit],
        )
        if week:
            return f"{ref}（{week[0]['week_start']} 至 {week[0]['week_end']}）未收到{terms.WEEKLY_REPORT}"
    if source == "missing_months":
        return f"{ref} 整月未收到{terms.WEEKLY_REPORT}"
    if source == "entries":
        entry = rows(con, "select * from staging.stg_entry_rows where entry_ref = ?", [ref])
        if entry:
            e = entry[0]
            return f"{e['entered_by']} 录入 {e['entry_code']} = {num(e['value'])}：{e['reason']}（{ref}）"
    if source == "projects":
        return f"项目 {ref}"
    return ref


def explain(con: duckdb.DuckDBPyConnection, unit: str, year: int, month: int) -> list[str]:
    key = [year, month, unit]
    total = rows(
        con,
        "select t.*, m.title_zh, u.name_zh from marts.score_totals t "
        "left join seeds.methods m on m.method_code = t.method_code "
        "left join seeds.units u on u.unit_code = t.unit_code "
        "where t.year = ? and t.month = ? and t.unit_code = ?",
        key,
    )
    if not total:
        raise UserError(
            f"{unit} 在 {year}年{month}月 没有考核得分 / no score for {unit} in {year}-{month:02d}.",
            "Check the unit code and the month (`zhaoshang scores --month YYYY-MM`).",
        )
    t = total[0]
    measures = {
        m["measure_code"]: m
        for m in rows(con, "select * from seeds.method_measures where method_code = ?", [t["method_code"]])
    }
    components = rows(
        con,
        "select item_code, measure_code, target_source, target_ref from seeds.method_components "
        "where method_code = ?",
        [t["method_code"]],
    )
    rank_items = {
        r["item_code"]
        for r in rows(
            con,
            "select item_code from seeds.method_items where method_code = ? and formula = 'rank_points'",
            [t["method_code"]],
        )
    }
    rank = (
        f"{t['group_label_zh']}第 {t['rank_in_group']} 名" if t["rank_in_group"] else "不排名（无适用指标）"
    )
    out = [
        f"{unit} {t['name_zh'] or ''} —— {year}年{month}月 考核得分说明 / score explained",
        f"考核办法：{t['title_zh']}（{t['method_code']}）；考核期 {t['period_start']} 至 {t['period_end']}；"
        f"分组：{t['group_label_zh']}",
        f"总分 {num(t['total_score'])} = 基础分 {num(t['base_score'])} + 加分 {num(t['bonus'])} − 减分 "
        f"{num(t['deductions'])}；{rank}",
        *([f"{terms.GRADE}：{t['grade_zh']}（{t['grade_reason_zh']}）"] if t.get("grade_zh") else []),
        f"项目数据取自 {t['snapshot_week_label'] or NO_REPORT_YET} {terms.WEEKLY_REPORT}（期末快照）。",
    ]
    if t.get("is_vetoed"):
        for veto in rows(
            con, "select measure_code from seeds.method_vetoes where method_code = ?", [t["method_code"]]
        ):
            out += measure_lines(con, measures, veto["measure_code"], key)
    lines = rows(
        con,
        "select * from marts.score_points where year = ? and month = ? and unit_code = ? "
        "order by sort_order, case line when 'item' then 0 when 'event' then 1 else 2 end, ref",
        key,
    )
    for title, kinds in SECTIONS:
        section = [x for x in lines if x["kind"] in kinds]
        if not section:
            continue
        out += ["", title]
        for x in section:
            sign = "+" if x["points"] is not None and x["points"] > 0 else ""
            points = "不适用" if x["points"] is None else f"{sign}{num(x['points'])} 分"
            if x["line"] == "item":
                target = f"，目标 {num(x['target'], 4)}" if x["target"] is not None else ""
                out.append(f"  {x['item_code']} {x['item_label_zh']}：{points} = {x['formula_zh']}{target}")
                if x["item_code"] in rank_items:
                    out += rank_lines(con, x, t)
                for c in (c for c in components if c["item_code"] == x["item_code"]):
                    out += measure_lines(con, measures, c["measure_code"], key)
                    if c["target_source"] == "measure":
                        out += measure_lines(con, measures, c["target_ref"], key)
            elif x["line"] == "event":
                source = next(
                    (
                        measures[c["measure_code"]]["source"]
                        for c in components
                        if c["item_code"] == x["item_code"]
                    ),
                    None,
                )
                detail = event_detail(con, source, x["ref"], key)
                out.append(f"  {x['item_label_zh']}：{points}（{x['formula_zh']}）—— {detail}")
            else:
                out.append(f"  {x['item_label_zh']} 封顶：{points}（{x['formula_zh']}）")
    return out


def run(home: Home, unit: str, year: int, month: int) -> int:
    warn_if_stale(home)
    with read_only(home) as con:
        require_table(con, "marts", "score_points")
        for line in explain(con, unit, year, month):
            print(line)
    return 0
