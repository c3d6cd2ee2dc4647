"""Every point of every unit's score as one long table: the only place the bulletin reads scores from.

`score_points` yields rows of the shape of the coming `marts.score_points` (year, month, unit_code,
group_code, item_code, item_label_zh, kind, value, target, ratio, points, formula_zh, ref). Today it is
assembled from `marts.unit_month_scores` and `marts.score_items`; once the method engine writes
`marts.score_points`, this function becomes a plain select and nothing else in the bulletin changes.
Deductions carry negative points and caps are rows of their own, so the points of a unit add up to its total.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import duckdb

KINDS = ("indicator", "bonus", "deduction", "manual")

# Chinese labels and formula wording of the bonus and deduction reasons of marts.score_items
ITEM_LABELS_ZH = {
    "lead_signed": "共享线索签约",
    "lead_landed": "共享线索落地",
    "missing_report": "缺报周报",
    "late_feedback": "线索反馈超期",
    "bonus_cap": "加分封顶调整",
    "missing_report_cap": "缺报减分封顶调整",
    "late_feedback_cap": "反馈超期减分封顶调整",
}
# number kind of each indicator's value (amount 亿元, count 个, ratio %) for display
VALUE_KINDS = {"C": "amount", "F": "amount", "Q": "count", "M": "count", "R": "ratio"}


@dataclass(frozen=True)
class ScorePoint:
    """One line of a unit's score: an indicator, a bonus or deduction item, or a cap adjustment."""

    year: int
    month: int
    unit_code: str
    group_code: str
    item_code: str
    item_label_zh: str
    kind: str
    value: float | None
    target: float | None
    ratio: float | None
    points: float | None
    formula_zh: str
    ref: str | None
    value_kind: str = "score"  # display only: amount | count | ratio | score


def score_points(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[ScorePoint]:
    """Every point of every unit's score in the month, indicators first, in a stable order."""
    params = _parameters(con)
    weights = con.execute("select indicator, label_zh, weight from seeds.indicator_weights").fetchall()
    scores = _rows(con, "select * from marts.unit_month_scores where year = ? and month = ?", [year, month])
    items = _rows(
        con,
        "select unit_code, kind, reason, points, ref from marts.score_items "
        "where year = ? and month = ? order by unit_code, kind, reason, ref",
        [year, month],
    )
    by_unit: dict[str, list[dict[str, Any]]] = {}
    for item in items:
        by_unit.setdefault(item["unit_code"], []).append(item)
    out: list[ScorePoint] = []
    for s in sorted(scores, key=lambda r: r["unit_code"]):
        unit, group = s["unit_code"], s["unit_type"]
        applicable = sum(w for code, _, w in weights if (s[f"target_{code.lower()}"] or 0) > 0)
        for code, label, weight in weights:
            value, target, points = (s[f"{p}_{code.lower()}"] for p in ("value", "target", "score"))
            kind = VALUE_KINDS.get(code, "score")
            ratio = None if not target else float(value or 0) / float(target)
            if points is None:
                formula = "目标为0，本指标不计分，权重按比例分摊给其他指标"
            else:
                effective = weight * params["total_weight"] / applicable
                formula = (
                    f"{_fmt(effective, 'score')} × min({_fmt(value, kind)} ÷ {_fmt(target, kind)}, "
                    f"{_fmt(params['ratio_cap'], 'plain')}) = {_fmt(points, 'score')}"
                )
            out.append(
                ScorePoint(
                    year,
                    month,
                    unit,
                    group,
                    code,
                    label,
                    "indicator",
                    _f(value),
                    _f(target),
                    ratio,
                    _f(points),
                    formula,
                    None,
                    kind,
                )
            )
        unit_items = by_unit.get(unit, [])
        for item in unit_items:
            sign = 1 if item["kind"] == "bonus" else -1
            pts = sign * float(item["points"])
            out.append(
                ScorePoint(
                    year,
                    month,
                    unit,
                    group,
                    item["reason"],
                    ITEM_LABELS_ZH.get(item["reason"], item["reason"]),
                    item["kind"],
                    None,
                    None,
                    None,
                    pts,
                    _item_formula(item["reason"], item["ref"], pts, params),
                    item["ref"],
                )
            )
        out.extend(_caps(s, unit_items, params, year, month))
    return out


def _caps(
    s: dict[str, Any], items: list[dict[str, Any]], params: dict[str, float], year: int, month: int
) -> list[ScorePoint]:
    """Rows that bring the items down to the capped totals of marts.unit_month_scores."""

    def total(*reasons: str) -> float:
        return sum(float(i["points"]) for i in items if i["reason"] in reasons)

    caps = [
        ("bonus_cap", "bonus", total("lead_signed", "lead_landed"), float(s["bonus"]), params["bonus_cap"]),
        (
            "missing_report_cap",
            "deduction",
            total("missing_report"),
            float(s["missing_report_deduction"] or 0),
            params["missing_report_cap"],
        ),
        (
            "late_feedback_cap",
            "deduction",
            total("late_feedback"),
            float(s["late_feedback_deduction"] or 0),
            params["late_feedback_cap"],
        ),
    ]
    out = []
    for code, kind, raw, capped, cap in caps:
        if abs(raw - capped) < 1e-9:
            continue
        sign = 1 if kind == "bonus" else -1
        points = sign * (capped - raw)
        formula = f"合计 {_fmt(raw, 'score')} 分，上限 {_fmt(cap, 'plain')} 分，计 {_fmt(capped, 'score')} 分"
        out.append(
            ScorePoint(
                year,
                month,
                s["unit_code"],
                s["unit_type"],
                code,
                ITEM_LABELS_ZH[code],
                kind,
                raw,
                cap,
                None,
                points,
                formula,
                None,
            )
        )
    return out


def _item_formula(reason: str, ref: str, points: float, params: dict[str, float]) -> str:
    days = _fmt(params["feedback_days"], "plain")
    text = {
        "lead_signed": f"共享的线索 {ref} 已由接收单位签约",
        "lead_landed": f"共享的线索 {ref} 已由接收单位落地",
        "missing_report": f"{ref} 周未报送周报",
        "late_feedback": f"接收的线索 {ref} 未在共享后{days}日内反馈",
    }.get(reason, f"{reason} {ref}")
    return f"{text}，{'+' if points >= 0 else '−'}{_fmt(abs(points), 'plain')} 分"


def _parameters(con: duckdb.DuckDBPyConnection) -> dict[str, float]:
    cur = con.execute("select * from intermediate.int_scoring_parameters")
    return dict(zip([d[0] for d in cur.description], cur.fetchone(), strict=True))


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, params)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def _f(value: Any) -> float | None:
    return None if value is None else float(value)


def _fmt(value: Any, kind: str) -> str:
    """Numbers inside a formula: 亿元 and scores to 2 decimals, counts whole, ratios as %."""
    if value is None:
        return "—"
    value = float(value)
    if kind == "ratio":
        return f"{value * 100:.1f}%"
    if kind == "count":
        return f"{value:.0f}"
    if kind == "plain":
        return f"{value:g}"
    return f"{value:.2f}"
