"""Prepare a synthetic-size home: raw tables generated in DuckDB, register seeds, the new week's files.

    python -m benchmarks.prepare HOME PROJECT --units N --years Y [--first-year 2021] [--lifetime 100]
           [--real-seeds] [--json FILE]

Fills HOME/warehouse.duckdb (which must not exist), writes PROJECT/seeds/units.csv and targets.csv (unless
--real-seeds: then the register and targets of the real seeds are used as they are), renders the last week of
the generated data into HOME/inbox/<week>/<unit>.xlsx|csv and removes that week from the raw tables, so the
benchmark can then ingest it as "the new week that arrives".
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

import duckdb

from benchmarks.register import bench_register, real_units, write_targets, write_units
from benchmarks.render import render_week
from benchmarks.synth import SynthConfig, derive_targets, generate_raw


def remove_week(con: duckdb.DuckDBPyConnection, week_label: str) -> None:
    for table in ("ledger_rows", "lead_rows", "row_issues", "report_files"):
        con.execute(f"delete from raw.{table} where week_label = ?", [week_label])


def prepare(
    home: Path,
    project: Path,
    n_units: int,
    n_years: int,
    first_year: int,
    lifetime: int,
    real_seeds: bool,
    seed: int = 11,
) -> dict:
    home.mkdir(parents=True, exist_ok=True)
    warehouse = home / "warehouse.duckdb"
    if warehouse.exists():
        raise SystemExit(f"{warehouse} exists: prepare needs a fresh home")
    units = real_units() if real_seeds else bench_register(n_units, first_year, n_years)
    cfg = SynthConfig(first_year=first_year, n_years=n_years, seed=seed, mean_lifetime=lifetime)
    timings: dict[str, float] = {}
    con = duckdb.connect(str(warehouse))
    try:
        start = time.perf_counter()
        summary = generate_raw(con, cfg, units)
        timings["generate_s"] = time.perf_counter() - start
        if not real_seeds:
            write_units(units, project / "seeds")
            write_targets(derive_targets(con, cfg), project / "seeds")
        start = time.perf_counter()
        new_week = summary.last_week_label
        files, rows = render_week(con, new_week, home / "inbox")
        remove_week(con, new_week)
        timings["render_new_week_s"] = time.perf_counter() - start
        con.execute("checkpoint")
        remaining = con.execute("select count(*) from raw.ledger_rows").fetchall()[0][0]
    finally:
        con.close()
    return {
        **asdict(summary),
        **timings,
        "new_week": new_week,
        "new_week_files": files,
        "new_week_rows": rows,
        "ledger_rows_loaded": remaining,
        "warehouse_mib": warehouse.stat().st_size / 2**20,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("home", type=Path)
    parser.add_argument("project", type=Path)
    parser.add_argument("--units", type=int, required=True)
    parser.add_argument("--years", type=int, required=True)
    parser.add_argument("--first-year", type=int, default=2021)
    parser.add_argument("--lifetime", type=int, default=100)
    parser.add_argument("--real-seeds", action="store_true")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = prepare(
        args.home, args.project, args.units, args.years, args.first_year, args.lifetime, args.real_seeds
    )
    text = json.dumps(result, default=str)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
