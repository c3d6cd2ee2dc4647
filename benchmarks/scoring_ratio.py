"""L dbt scoring against the hand-written floor, on a warehouse prepared once (no regeneration).

    python -m benchmarks.scoring_ratio WORK [--repeat 2] [--project DIR] [--build]

WORK holds `home/warehouse.duckdb` (raw tables, e.g. from `benchmarks.prepare`) and `dbt_project/` (a copy
with the size's seeds). `--project DIR` first replaces WORK/dbt_project's models, macros and tests with DIR's
(the seeds stay the size's). `--build` runs a full `dbt build` first (timed once). Then, `--repeat` times each
and interleaved: the floor (`benchmarks/floor_scores.sql`, in a child process) and `dbt run --select
+<the SPEC 6 export>` (tests/helpers/spec6.py); dbt's start-up is the wall time minus the `elapsed_time` of
its run_results.json. Prints the best of each, the ratio with and without start-up, the slowest nodes and the
comparison of every score.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from benchmarks.floor import compare
from tests.helpers.spec6 import SPEC6_MODEL

REPO = Path(__file__).resolve().parent.parent


def _run(cmd: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(
            f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout[-4000:]}{done.stderr[-2000:]}"
        )
    return wall


def _dbt(project: Path, env: dict[str, str], *args: str) -> tuple[float, dict]:
    cmd = [str(Path(sys.executable).with_name("dbt")), *args, "--project-dir", str(project)]
    cmd += ["--profiles-dir", str(project)]
    wall = _run(cmd, env)
    results = json.loads((project / "target" / "run_results.json").read_text(encoding="utf-8"))
    return wall, results


def _top(results: dict, n: int = 8) -> str:
    nodes = sorted(results["results"], key=lambda r: -(r.get("execution_time") or 0))[:n]
    return "; ".join(f"{r['unique_id'].split('.')[-1]} {r['execution_time']:.2f} s" for r in nodes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("work", type=Path)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--project", type=Path, help="take models/, macros/, tests/ from this dbt project")
    parser.add_argument("--build", action="store_true", help="run a full dbt build first")
    args = parser.parse_args(argv)
    work = args.work.resolve()
    project, warehouse = work / "dbt_project", work / "home" / "warehouse.duckdb"
    if args.project:
        for part in ("models", "macros", "tests"):
            shutil.rmtree(project / part, ignore_errors=True)
            shutil.copytree(args.project / part, project / part)
        shutil.rmtree(project / "target", ignore_errors=True)
    env = {
        **os.environ,
        "ZHAOSHANG_WAREHOUSE": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "PYTHONPATH": str(REPO),
    }
    print(f"load before: {os.getloadavg()[0]:.2f}", flush=True)
    if args.build:
        wall, results = _dbt(project, env, "build")
        print(
            f"dbt build: {wall:.1f} s (dbt elapsed {results['elapsed_time']:.1f} s); {_top(results)}",
            flush=True,
        )
    floors: list[float] = []
    runs: list[tuple[float, float]] = []
    for i in range(args.repeat):
        load = os.getloadavg()[0]
        floor = _run([sys.executable, "-m", "benchmarks.floor", str(warehouse), str(project / "seeds")], env)
        floors.append(floor)
        wall, results = _dbt(project, env, "run", "--select", f"+{SPEC6_MODEL}")
        runs.append((wall, results["elapsed_time"]))
        print(
            f"run {i + 1} (load {load:.2f}): floor {floor:.2f} s; dbt scoring {wall:.2f} s, "
            f"of it dbt elapsed {results['elapsed_time']:.2f} s; {_top(results)}",
            flush=True,
        )
    if not runs:
        return 0
    best_floor = min(floors)
    best_wall = min(w for w, _ in runs)
    best_elapsed = min(e for _, e in runs)
    print(
        f"best of {args.repeat}: floor {best_floor:.2f} s; dbt scoring {best_wall:.2f} s = "
        f"{best_wall / best_floor:.1f}x with start-up, {best_elapsed:.2f} s = "
        f"{best_elapsed / best_floor:.1f}x without (load now {os.getloadavg()[0]:.2f})"
    )
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        rows, diffs = compare(con)
    finally:
        con.close()
    print(f"floor vs pipeline: {rows} unit-months, {len(diffs)} disagreements")
    for d in diffs[:20]:
        print("  " + d.line())
    return 1 if diffs else 0


if __name__ == "__main__":
    sys.exit(main())
