"""`zhaoshang explain --unit U --month YYYY-MM`: every point of a unit's score, in Chinese, down to the rows.

Reads marts only: score_totals / score_points, and for each line the measures' values (score_measure_values)
and the rows behind it (score_point_rows, made in dbt with the points: the projects of the snapshot a measure
counted, the leads, the missing weeks or months and the committee's entries, with file, sheet and row).
Read-only.
"""

from __future__ import annotations

from typing import Any

import duckdb

from basics import terms
from basics.errors import UserError
from basics.home import Home
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


def located(row: dict[str, Any]) -> str:
    """Where a row came from: the weekly report's sheet and row, or the entries file's."""
    if row["row_number"] is None:
        return ""
    if row["week_label"]:
        return f" —— {row['week_label']} {terms.WEEKLY_REPORT} {row['sheet']} 第{row['row_number']}行"
    return ""


def measure_lines(
    values: list[dict[str, Any]], behind: list[dict[str, Any]], node: dict[str, Any], indent: int = 4
) -> list[str]:
    """The measure, its value, and the rows behind it (a ratio: its numerator and denominator below it)."""
    pad = " " * indent
    out = [f"{pad}口径“{node['label_zh']}” = {num(node['value'], 4)}"]
    children = [
        v
        for v in values
        if v["component_measure"] == node["component_measure"]
        and v["role"] == node["role"]
        and v["depth"] == node["depth"] + 1
        and v["parent_measure"] == node["measure_code"]
        and (v["of_year"] == node["of_year"] or node["aggregate"] == "growth")
    ]
    if node["aggregate"] == "change":
        out.append(f"{pad}（本期末值减上期末值）")
    if node["aggregate"] == "growth":
        return out + growth_lines(values, behind, node, children, indent)
    if children:
        for child in children:
            out += measure_lines(
                values, behind, child, indent + 2 if node["aggregate"] == "ratio" else indent
            )
        return out
    found = [
        r
        for r in behind
        if r["measure_code"] == node["measure_code"]
        and r["component_measure"] == node["component_measure"]
        and r["of_year"] == node["of_year"]
    ]
    out += [f"{pad}  · {r['detail_zh']}{located(r)}" for r in found]
    if not found and node["source"] == "projects":
        out.append(f"{pad}  （无符合口径的项目）")
    elif not found and node["source"] == "entries":
        out.append(f"{pad}  （本月无录入）")
    return out


def growth_lines(
    values: list[dict[str, Any]],
    behind: list[dict[str, Any]],
    node: dict[str, Any],
    children: list[dict[str, Any]],
    indent: int,
) -> list[str]:
    """同比: this period's value, the same month's a year earlier, and the rows behind both."""
    pad = " " * indent
    year, month, no_base = node["year"], node["month"], node["when_zero"]
    out = [
        f"{pad}（同比增速 = 本期值 ÷ 上年同期值 − 1；上年同期为0或无数据时"
        f"{'取 ' + num(no_base, 4) if no_base is not None else '不参与考核'}）",
        f"{pad}本期（{year}年{month}月）：",
    ]
    for child in (c for c in children if c["of_year"] == year):
        out += measure_lines(values, behind, child, indent)
    out.append(f"{pad}上年同期（{year - 1}年{month}月）：")
    prior = [c for c in children if c["of_year"] == year - 1]
    for child in prior:
        out += measure_lines(values, behind, child, indent)
    return out + ([] if prior else [f"{pad}  （上年同期无数据）"])


def rank_lines(con: duckdb.DuckDBPyConnection, item: dict[str, Any], t: dict[str, Any]) -> list[str]:
    """The group's places behind a rank_points item, largest value first."""
    found = rows(
        con,
        "select unit_code, value, place from marts.score_components where year = ? and month = ? "
        "and method_code = ? and group_code = ? and item_code = ? order by place, unit_code",
        [t["year"], t["month"], t["method_code"], t["group_code"], item["item_code"]],
    )
    places = "；".join(f"第{r['place']}名 {r['unit_code']} {num(r['value'], 4)}" for r in found)
    return [f"    组内名次（同值同名次）：{places}"]


def explain(con: duckdb.DuckDBPyConnection, unit: str, year: int, month: int) -> list[str]:
    key = [year, month, unit]
    total = rows(
        con,
        "select t.*, m.title_zh, u.name_zh from marts.score_totals t "
        "left join marts.score_methods m on m.method_code = t.method_code "
        "left join marts.dim_unit u on u.unit_code = t.unit_code "
        "where t.year = ? and t.month = ? and t.unit_code = ?",
        key,
    )
    if (
        not total
        and not con.execute("select count(*) from marts.dim_unit where unit_code = ?", [unit]).fetchone()[0]
    ):
        raise UserError(
            f"未知{terms.UNIT}：{unit} 不在{terms.UNIT}名册中 / unknown unit: {unit} is not in the register.",
            f"请检查{terms.UNIT_CODE}，例如 --unit P01 / check the unit code, for example --unit P01.",
        )
    if not total:
        raise UserError(
            f"{unit} 在 {year}年{month}月 没有考核得分 / no score for {unit} in {year}-{month:02d}.",
            f"请检查{terms.MONTH}（`zhaoshang scores --month YYYY-MM`）/ check the month.",
        )
    t = total[0]
    values = rows(
        con,
        "select * from marts.score_measure_values where year = ? and month = ? and unit_code = ? "
        "order by item_code, role, component_measure, depth, of_year desc, position, measure_code",
        key,
    )
    behind = rows(
        con,
        "select * from marts.score_point_rows where year = ? and month = ? and unit_code = ? "
        "order by item_code, measure_code, week_label, sheet, row_number, ref",
        key,
    )
    rank_items = {
        r["item_code"]
        for r in rows(
            con,
            "select item_code from marts.score_columns where method_code = ? and formula = 'rank_points'",
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
        vetoes = [v for v in values if v["role"] == "veto"]
        veto_rows = [r for r in behind if r["item_code"] is None]
        for node in (v for v in vetoes if v["depth"] == 0):
            out += measure_lines(vetoes, veto_rows, node)
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
                mine = [v for v in values if v["item_code"] == x["item_code"]]
                rows_of = [r for r in behind if r["item_code"] == x["item_code"]]
                for node in (v for v in mine if v["depth"] == 0):
                    out += measure_lines(mine, rows_of, node)
            elif x["line"] == "event":
                detail = next(
                    (
                        f"{r['detail_zh']}{located(r)}"
                        for r in behind
                        if r["item_code"] == x["item_code"] and r["ref"] == x["ref"]
                    ),
                    x["ref"],
                )
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
