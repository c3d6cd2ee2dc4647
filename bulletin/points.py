"""Every point of every unit's score as one long table: the only place the bulletin reads scores from.

A plain read of `marts.score_points` (the method engine's long table, whatever method scores the year): one
line per indicator, per bonus or deduction event or rule, per cap; deductions carry negative points and caps
are lines of their own, so the points of a unit add up to its total in `marts.score_totals`. The display kind
of a line's value (amount 亿元 / count / ratio) is the `value_kind` of its item in `marts.score_columns` (the
measure it scores); a line scoring several measures shows its value as a plain figure.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb

KINDS = ("indicator", "bonus", "deduction", "manual")
BASE_KINDS = ("indicator", "manual")  # the lines of the base score (manual: a committee score)


@dataclass(frozen=True)
class ScorePoint:
    """One line of a unit's score: an indicator, a bonus or deduction item or event, or a cap."""

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
    line: str = "item"  # item | event | cap (marts.score_points.line)


SCORE_POINTS_SQL = """
    select s.year, s.month, s.unit_code, s.group_code, s.item_code, s.item_label_zh, s.kind,
           s.value, s.target, s.ratio, s.points, s.formula_zh, s.ref,
           case when s.line = 'cap' then 'score' else coalesce(c.value_kind, 'score') end, s.line
    from marts.score_points as s
    left join marts.score_columns as c on c.method_code = s.method_code and c.item_code = s.item_code
    where s.year = ? and s.month = ?
    order by s.unit_code, s.sort_order, case s.line when 'item' then 0 when 'event' then 1 else 2 end, s.ref
"""


def score_points(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[ScorePoint]:
    """Every point of every unit's score in the month, in the method file's order."""
    return [
        ScorePoint(
            *row[:7],
            *(None if v is None else float(v) for v in row[7:11]),
            *row[11:],
        )
        for row in con.execute(SCORE_POINTS_SQL, [year, month]).fetchall()
    ]
