"""A month's scores as every surface shows them, whatever method scores the year: one reader of the marts.

The columns are the method's own items (`marts.score_columns`: each indicator, each bonus and deduction, each
cap shared by several rules, in the method file's order, with their Chinese labels); a unit's figures are the
sum of its `marts.score_points` lines per item (an indicator's value and target come from its item line)
and its `marts.score_totals` row (base, bonus, deductions, total, rank within the method's group).
`zhaoshang scores`, `report`'s precondition, the receipts' year-to-date block and the submission's
score sheet all read this.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import duckdb

from basics import terms as t

VALUE_UNITS = {"amount": t.HUNDRED_MILLION_YUAN, "count": "个", "ratio": "", "score": ""}
KIND_ZH = {"indicator": "指标", "manual": "评分", "bonus": "加分", "deduction": "减分"}
BASE_KINDS = ("indicator", "manual")


@dataclass(frozen=True)
class ScoreColumn:
    """One item of the method (or a cap shared by several rules)."""

    method_code: str
    item_code: str
    label_zh: str
    kind: str  # indicator | manual | bonus | deduction
    line: str  # item | cap
    points: float | None  # the item's full points, or the cap
    value_kind: str  # amount | count | ratio | score

    @property
    def shows_value(self) -> bool:
        """An indicator scoring one measure shows its value and target beside its points."""
        return self.kind == "indicator" and self.line == "item" and self.value_kind != "score"

    @property
    def value_unit(self) -> str:
        return VALUE_UNITS.get(self.value_kind, "")

    def header(self, part: str = "points") -> str:
        """Chinese header: `协议引资额(亿元)`, `协议引资额得分`, `缺报周报（减分）`."""
        unit = f"({self.value_unit})" if self.value_unit else ""
        if part == "value":
            return f"{self.label_zh}{unit}"
        if part == "target":
            return f"{self.label_zh}{t.TARGET}{unit}"
        if self.kind in BASE_KINDS:
            return f"{self.label_zh}得分"
        return f"{self.label_zh}（{KIND_ZH[self.kind]}）"


@dataclass
class UnitScore:
    """One unit-month: its figures per item and its totals (deductions positive, as in score_totals)."""

    year: int
    month: int
    unit_code: str
    name_zh: str | None
    unit_type: str
    method_code: str
    group_code: str
    group_label_zh: str | None
    group_order: int
    base_score: float | None
    bonus: float
    deductions: float
    total_score: float | None
    rank: int | None
    grade_zh: str | None = None  # 考核等次, when the method defines grades
    points: dict[str, float | None] = field(default_factory=dict)  # item_code -> signed points
    values: dict[str, float | None] = field(default_factory=dict)
    targets: dict[str, float | None] = field(default_factory=dict)
    events: dict[str, list[tuple[str, float]]] = field(default_factory=dict)  # item_code -> (ref, points)

    def cell(self, column: ScoreColumn, part: str = "points") -> float | None:
        """The figure of a column; a bonus or deduction with no line this month is 0 points."""
        if part == "value":
            return self.values.get(column.item_code)
        if part == "target":
            return self.targets.get(column.item_code)
        if column.item_code in self.points:
            return self.points[column.item_code]
        return None if column.kind in BASE_KINDS else 0.0


@dataclass
class ScoreSheet:
    """The scores of one month (or several years, for the receipts) with the columns of their methods."""

    columns: dict[str, list[ScoreColumn]]  # method_code -> its columns in order
    units: list[UnitScore]

    def columns_of(self, unit: UnitScore) -> list[ScoreColumn]:
        return self.columns.get(unit.method_code, [])

    @property
    def all_columns(self) -> list[ScoreColumn]:
        """The columns of every method in the sheet (one method per year: one list for a month)."""
        return [c for code in sorted(self.columns) for c in self.columns[code]]

    @property
    def graded(self) -> bool:
        """True when a method of the sheet defines grades (考核等次): the sheet shows a grade column."""
        return any(u.grade_zh for u in self.units)

    def by_unit(self) -> dict[tuple[str, int, int], UnitScore]:
        return {(u.unit_code, u.year, u.month): u for u in self.units}


def has_scores(con: duckdb.DuckDBPyConnection) -> bool:
    """True once a build has made the score marts."""
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'marts' "
        "and table_name in ('score_totals', 'score_points', 'score_columns')"
    ).fetchone()
    return bool(row and row[0] == 3)


def month_count(con: duckdb.DuckDBPyConnection, year: int, month: int) -> int:
    """How many unit-months of the month are scored (0 before a build or for an unscored month)."""
    if not has_scores(con):
        return 0
    (n,) = con.execute(
        "select count(*) from marts.score_totals where year = ? and month = ?", [year, month]
    ).fetchone()
    return int(n)


def load(con: duckdb.DuckDBPyConnection, years: list[int], month: int | None = None) -> ScoreSheet:
    """The scores of the month (or of every month of the years), ordered by group, rank, unit."""
    if not has_scores(con) or not years:
        return ScoreSheet({}, [])

    def where(prefix: str = "") -> str:
        period = f"{prefix}year in (select unnest(?::integer[]))"
        return period + (f" and {prefix}month = ?" if month is not None else "")

    params: list[Any] = [sorted(years)] + ([month] if month is not None else [])
    units: list[UnitScore] = []
    for row in con.execute(
        f"""
        select s.year, s.month, s.unit_code, u.name_zh, s.unit_type, s.method_code, s.group_code,
               s.group_label_zh, s.group_order, s.base_score, s.bonus, s.deductions, s.total_score,
               s.rank_in_group, s.grade_zh
        from marts.score_totals as s
        left join marts.dim_unit as u on u.unit_code = s.unit_code
        where {where("s.")}
        order by s.year, s.month, s.group_order, s.rank_in_group nulls last, s.unit_code
        """,
        params,
    ).fetchall():
        (
            year,
            mon,
            unit,
            name,
            unit_type,
            method,
            group,
            label,
            order,
            base,
            bonus,
            ded,
            total,
            rank,
            grade,
        ) = row
        units.append(
            UnitScore(
                int(year), int(mon), unit, name, unit_type, method, group, label, int(order or 0),
                _num(base), _num(bonus) or 0.0, _num(ded) or 0.0, _num(total),
                None if rank is None else int(rank), grade,
            )
        )  # fmt: skip
    methods = sorted({u.method_code for u in units})
    columns: dict[str, list[ScoreColumn]] = defaultdict(list)
    for method, item, label, kind, line, points, value_kind in con.execute(
        "select method_code, item_code, label_zh, kind, line, points, value_kind from marts.score_columns "
        "where method_code in (select unnest(?::varchar[])) order by method_code, column_order",
        [methods],
    ).fetchall():
        columns[method].append(ScoreColumn(method, item, label, kind, line, _num(points), value_kind))
    index = {(u.unit_code, u.year, u.month): u for u in units}
    for year, mon, unit, item, line, value, target, points, ref in con.execute(
        f"""
        select year, month, unit_code, item_code, line, value, target, points, ref
        from marts.score_points where {where()}
        order by year, month, unit_code, sort_order, ref
        """,
        params,
    ).fetchall():
        score = index.get((unit, int(year), int(mon)))
        if score is None:
            continue
        if line == "item":
            score.values[item], score.targets[item] = _num(value), _num(target)
        elif line == "event":
            score.events.setdefault(item, []).append((ref, float(points or 0)))
        if points is None:
            score.points.setdefault(item, None)
        else:
            score.points[item] = (score.points.get(item) or 0.0) + float(points)
    return ScoreSheet(dict(columns), units)


def _num(value: Any) -> float | None:
    return None if value is None else float(value)


@dataclass(frozen=True)
class Field:
    """One column of an exported score table: Chinese header, display kind, and how to read it off a unit."""

    header: str
    kind: str  # amount | count | ratio | score | rank | text
    code: str  # English name (year, unit_code, <item>_value, <item>_points, total_score...)
    read: Callable[[UnitScore], Any]


def item_fields(columns: list[ScoreColumn]) -> list[Field]:
    """Each item of the method: an indicator of one measure shows value, target and points; others points."""
    out: list[Field] = []
    for c in columns:
        if c.shows_value:
            out.append(Field(c.header("value"), c.value_kind, f"{c.item_code}_value", _reader(c, "value")))
            out.append(Field(c.header("target"), c.value_kind, f"{c.item_code}_target", _reader(c, "target")))
        out.append(Field(c.header(), "score", f"{c.item_code}_points", _reader(c, "points")))
    return out


TOTAL_FIELDS = [
    Field(t.BASE_SCORE, "score", "base_score", lambda u: u.base_score),
    Field(t.BONUS, "score", "bonus", lambda u: u.bonus),
    Field(t.DEDUCTIONS, "score", "deductions", lambda u: u.deductions),
    Field(t.TOTAL_SCORE, "score", "total_score", lambda u: u.total_score),
    Field(t.RANK_IN_GROUP, "rank", "rank_in_group", lambda u: u.rank),
]

GRADE_FIELD = Field(t.GRADE_SHORT, "text", "grade_zh", lambda u: u.grade_zh)

LEAD_FIELDS = [
    Field(t.YEAR, "rank", "year", lambda u: u.year),
    Field(t.MONTH, "rank", "month", lambda u: u.month),
    Field(t.UNIT_CODE, "text", "unit_code", lambda u: u.unit_code),
    Field(t.UNIT_NAME, "text", "name_zh", lambda u: u.name_zh),
    Field(t.UNIT_TYPE, "text", "unit_type", lambda u: t.UNIT_TYPE_ZH.get(u.unit_type, u.unit_type)),
    Field(t.SCORE_GROUP, "text", "group", lambda u: u.group_label_zh or u.group_code),
]


def fields(sheet: ScoreSheet) -> list[Field]:
    """The full row of a unit: who, each item of the method in order, base, bonus, deductions, total, rank
    (and the grade, 等次, when the method defines grades)."""
    return [
        *LEAD_FIELDS,
        *item_fields(sheet.all_columns),
        *TOTAL_FIELDS,
        *([GRADE_FIELD] if sheet.graded else []),
    ]


def _reader(column: ScoreColumn, part: str) -> Callable[[UnitScore], float | None]:
    return lambda unit: unit.cell(column, part)
