"""Run the hand-written floor (floor_scores.sql) and compare it with the pipeline's SPEC §6 export.

The floor is an independent hand-written reading of SPEC 3 in the shape SPEC §6 defines (value_c …
rank_in_type): its table `floor.scores` is compared with the pipeline's pivot, whose name comes from the one
place outside dbt_project/ that holds it (`tests/helpers/spec6.py`, shared with the tests of the pivot).

`python -m benchmarks.floor WAREHOUSE SEEDS_DIR` runs the floor alone (the benchmark times it as a child
process).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tests.helpers.spec6 import SPEC6_EXPORT

FLOOR_TABLE = "floor.scores"  # the floor's own SPEC §6 table, written by floor_scores.sql
FLOOR_SQL = Path(__file__).with_name("floor_scores.sql")
KEYS = ("year", "month", "unit_code")
COLUMNS = (
    "unit_type",
    "value_c",
    "target_c",
    "score_c",
    "value_f",
    "target_f",
    "score_f",
    "value_q",
    "target_q",
    "score_q",
    "value_m",
    "target_m",
    "score_m",
    "value_r",
    "target_r",
    "score_r",
    "base_score",
    "bonus",
    "deductions",
    "total_score",
    "rank_in_type",
)


def floor_sql(seeds_dir: Path) -> str:
    return FLOOR_SQL.read_text(encoding="utf-8").replace("__SEEDS__", seeds_dir.resolve().as_posix())


def run_floor(con: duckdb.DuckDBPyConnection, seeds_dir: Path) -> int:
    """Create the floor's table (FLOOR_TABLE); return its row count."""
    con.execute(floor_sql(seeds_dir))
    return con.execute(f"select count(*) from {FLOOR_TABLE}").fetchall()[0][0]


@dataclass(frozen=True)
class Disagreement:
    year: int
    month: int
    unit_code: str
    column: str
    pipeline: object
    floor: object

    def line(self) -> str:
        return (
            f"{self.year}-{self.month:02d} {self.unit_code} {self.column}: "
            f"pipeline={self.pipeline!r} floor={self.floor!r}"
        )


def _differs(a: object, b: object, tol: float) -> bool:
    if a is None or b is None:
        return (a is None) != (b is None)
    if isinstance(a, str) or isinstance(b, str):
        return a != b
    fa, fb = float(a), float(b)
    if math.isnan(fa) or math.isnan(fb):
        return math.isnan(fa) != math.isnan(fb)
    return abs(fa - fb) > tol


def compare(
    con: duckdb.DuckDBPyConnection,
    tol: float = 1e-6,
    pipeline_table: str = SPEC6_EXPORT,
    floor_table: str = FLOOR_TABLE,
) -> tuple[int, list[Disagreement]]:
    """Every (row, column) where the pipeline and the floor differ (rows missing on one side included)."""
    cols = ", ".join(f"p.{c} as p_{c}, f.{c} as f_{c}" for c in COLUMNS)
    rows = con.execute(f"""
        select coalesce(p.year, f.year), coalesce(p.month, f.month), coalesce(p.unit_code, f.unit_code),
               p.year is not null, f.year is not null, {cols}
        from {pipeline_table} as p
        full join {floor_table} as f
            on f.year = p.year and f.month = p.month and f.unit_code = p.unit_code
        order by 1, 2, 3
    """).fetchall()
    out: list[Disagreement] = []
    for row in rows:
        year, month, unit, in_p, in_f = row[:5]
        if not (in_p and in_f):
            out.append(
                Disagreement(
                    year,
                    month,
                    unit,
                    "(row)",
                    "present" if in_p else "absent",
                    "present" if in_f else "absent",
                )
            )
            continue
        values = row[5:]
        for i, col in enumerate(COLUMNS):
            p, f = values[2 * i], values[2 * i + 1]
            if _differs(p, f, tol):
                out.append(Disagreement(year, month, unit, col, p, f))
    return len(rows), out


def main(argv: list[str]) -> int:
    warehouse, seeds = Path(argv[0]), Path(argv[1])
    con = duckdb.connect(str(warehouse))
    try:
        n = run_floor(con, seeds)
    finally:
        con.close()
    print(f"{FLOOR_TABLE}: {n} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
