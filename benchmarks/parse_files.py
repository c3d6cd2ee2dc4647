"""Real files for the parsing benchmark: the sample generator's weekly workbooks (several seeds), synthetic
weekly reports of ~100 rows (an M/L-sized unit), and one big ledger as xlsx and as CSV (20,000 rows at S)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from benchmarks.register import real_units
from benchmarks.render import LEDGER_FIELDS, ledger_cells, render_week, write_csv, write_xlsx
from benchmarks.synth import SynthConfig, generate_raw

if TYPE_CHECKING:
    from benchmarks.run import Size


def _synth_db(path: Path) -> duckdb.DuckDBPyConnection:
    fresh = not path.exists()
    con = duckdb.connect(str(path))
    if fresh:
        generate_raw(con, SynthConfig(first_year=2021, n_years=1, seed=5, mean_lifetime=100), real_units())
    return con


def prepare_parse_inputs(
    folder: Path, size: Size, sample_inbox: Callable[[int], Path]
) -> dict[str, list[Path]]:
    """Inbox folders to parse, by benchmark label."""
    folder.mkdir(parents=True, exist_ok=True)
    groups: dict[str, list[Path]] = {}
    if size.parse_sample_seeds:
        groups["sample weekly workbooks"] = [sample_inbox(seed) for seed in size.parse_sample_seeds]
    con = _synth_db(folder / "synth.duckdb")
    try:
        if size.synthetic_weekly_files:
            inbox = folder / "weekly_100_rows"
            weeks = [
                r[0]
                for r in con.execute("select distinct week_label from raw.report_files order by 1").fetchall()
            ]
            files = 0
            for week in weeks:
                if files >= size.synthetic_weekly_files:
                    break
                files += render_week(con, week, inbox)[0]
            groups["synthetic weekly reports (~100 rows)"] = [inbox]
        rows = con.execute(f"""
            select {", ".join(LEDGER_FIELDS)} from raw.ledger_rows
            where version = 1 order by week_label, unit_code, row_number limit {size.big_rows}
        """).fetchall()
    finally:
        con.close()
    cells = ledger_cells(rows)
    for i, row in enumerate(cells):
        row[0] = f"{row[0]}-{i:05d}"  # project codes unique within the file
    big = folder / f"big_{size.big_rows}"
    write_xlsx(big / "2021-W10" / "P01.xlsx", cells, [])
    write_csv(big / "2021-W10" / "P02.csv", cells, [])
    groups[f"one {size.big_rows:,}-row ledger"] = [big]
    return groups
