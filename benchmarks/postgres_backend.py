"""A size on both backends (issue #23): the full build, what a weekly run adds, and `scores` latency while a
build runs, on the DuckDB file and on PostgreSQL, one after the other on the same machine.

    .venv/bin/python -m benchmarks.run --size M --stages load dbt_full weekly   # the M warehouse (DuckDB)
    .venv/bin/python -m benchmarks.postgres_backend --size M                    # then both backends

It reuses the work folder of `benchmarks.run` (benchmarks/data/<size>/: home/warehouse.duckdb, built, and its
dbt_project/ copy) and starts its own PostgreSQL server (Debian's package, as the tests do; durability off).

- DuckDB full build: what the build asset does (`begin_build` copies the file, `dbt build` on the copy,
  `finish_build` switches it in).
- PostgreSQL full build: `publish` (COPY of the raw tables, `dbt build` into `*__next`, switch); the COPY
  alone is measured before it.
- weekly run: on DuckDB ingest + build + gate (`benchmarks.run`'s figures); on PostgreSQL the same plus one
  publication (there is no incremental state on either side).
- `scores` latency: 5 readers each open the published warehouse (`basics.warehouse_reader.open_reader`, as
  the command does) and load the latest month's score sheet in a loop while the build runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "benchmarks" / "data"
READERS = 5


def _latest_month(warehouse: Path) -> tuple[int, int]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(
            "select year, month from marts.score_totals order by year desc, month desc limit 1"
        ).fetchone()
    finally:
        con.close()


def _read_loop(args: tuple, stop: Any, seen: Any) -> None:
    """One reader process: open the published warehouse and load the month's score sheet, until `stop`."""
    sys.path.insert(0, str(REPO))
    from basics.warehouse_reader import open_reader
    from submission.score_sheet import load

    home_root, warehouse, year, month = args
    while not stop.is_set():
        started = time.perf_counter()
        try:
            with open_reader(home_root, warehouse, say=lambda _line: None) as con:
                units = len(load(con, [year], month).units)
            outcome = f"ok {units}"
        except Exception as exc:  # noqa: BLE001 (recorded, then reported)
            outcome = f"error {type(exc).__name__}: {str(exc)[:120]}"
        seen.put((time.perf_counter() - started, outcome))
        time.sleep(0.05)


class Readers:
    """READERS processes (as READERS people running `scores`) loading the month's score sheet from the
    published warehouse of `home_root` while the build runs in this process."""

    def __init__(self, home_root: Path, warehouse: Path, year: int, month: int) -> None:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        self.stop = ctx.Event()
        self.queue = ctx.Queue()
        self.procs = [
            ctx.Process(target=_read_loop, args=((home_root, warehouse, year, month), self.stop, self.queue))
            for _ in range(READERS)
        ]
        self.seen: list[tuple[float, str]] = []

    def __enter__(self) -> Readers:
        for proc in self.procs:
            proc.start()
        deadline = time.monotonic() + 120
        while self.queue.empty() and time.monotonic() < deadline:  # every reader started reading
            time.sleep(0.2)
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        for proc in self.procs:
            while proc.is_alive():
                self._drain()
                proc.join(timeout=0.2)
        self._drain()

    def _drain(self) -> None:
        import queue

        while True:
            try:
                self.seen.append(self.queue.get_nowait())
            except queue.Empty:
                return

    def summary(self) -> dict[str, Any]:
        latencies = sorted(latency for latency, _ in self.seen)
        outcomes = sorted({outcome for _, outcome in self.seen})
        return {
            "reads": len(latencies),
            "median_ms": round(statistics.median(latencies) * 1000, 1) if latencies else None,
            "p95_ms": round(latencies[int(len(latencies) * 0.95) - 1] * 1000, 1) if latencies else None,
            "max_ms": round(latencies[-1] * 1000, 1) if latencies else None,
            "errors": sum(1 for _, outcome in self.seen if outcome.startswith("error")),
            "outcomes": outcomes[:5],
        }


def duckdb_build(work: Path) -> float:
    """The build asset's path on the DuckDB file: copy, dbt build on the copy, switch in; seconds."""
    from basics.warehouse_access import begin_build, discard_build, finish_build

    live = work / "home" / "warehouse.duckdb"
    project = work / "dbt_project"
    started = time.perf_counter()
    build = begin_build(live)
    try:
        env = {
            **os.environ,
            "ZHAOSHANG_WAREHOUSE": str(live),
            "ZHAOSHANG_BUILD_WAREHOUSE": str(build.building),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        }
        done = subprocess.run(
            [str(Path(sys.executable).with_name("dbt")), "build", "--exclude-resource-type", "unit_test",
             "--project-dir", str(project), "--profiles-dir", str(project),
             "--target-path", str(work / "target-duckdb-bench"), "--log-path", str(work / "logs")],
            env=env, cwd=project, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if done.returncode != 0:
            raise RuntimeError(done.stdout[-3000:])
        finish_build(build)
    finally:
        discard_build(build)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.postgres_backend", description=__doc__)
    parser.add_argument("--size", default="M")
    parser.add_argument(
        "--backends", nargs="+", choices=("duckdb", "postgres"), default=["duckdb", "postgres"]
    )
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    from basics.postgres_warehouse import load_raw_from_duckdb, publish
    from basics.warehouse_url import parse
    from tests.helpers.postgres_server import start_server

    work = DATA / args.size
    live = work / "home" / "warehouse.duckdb"
    if not live.exists():
        print(f"no {live}: run `python -m benchmarks.run --size {args.size} --stages load dbt_full weekly`")
        return 2
    year, month = _latest_month(live)
    out = work / "results-postgres.json"
    results: dict[str, Any] = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    results.update({"size": args.size, "month": f"{year}-{month:02d}"})
    print(f"{args.size}: scores of {year}-{month:02d}, load {os.getloadavg()[0]:.1f}", flush=True)

    if "duckdb" in args.backends:
        results["duckdb_load_before"] = os.getloadavg()
        with Readers(work / "home", live, year, month) as readers:
            results["duckdb_full_build_s"] = round(duckdb_build(work), 2)
        results["duckdb_scores_during_build"] = readers.summary()
        results["duckdb_load_after"] = os.getloadavg()
        print("duckdb", results["duckdb_full_build_s"], results["duckdb_scores_during_build"], flush=True)
        out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    if "postgres" not in args.backends:
        return 0
    results["postgres_load_before"] = os.getloadavg()
    server = start_server()
    try:
        url = server.create_database("bench_" + args.size.lower())
        warehouse = parse(url)
        pg_home = work / "pg_home"
        pg_home.mkdir(exist_ok=True)
        (pg_home / "settings.toml").write_text(f'warehouse = "{url}"\n', encoding="utf-8")
        started = time.perf_counter()
        rows = load_raw_from_duckdb(live, warehouse, schema="raw_copy_probe")
        results["postgres_copy_raw_s"] = round(time.perf_counter() - started, 2)
        results["raw_rows_copied"] = sum(rows.values())
        for attempt in ("first", "during_reads"):
            started = time.perf_counter()
            if attempt == "first":  # nothing published yet: no reader to serve
                done = publish(live, warehouse, work / "dbt_project", work / "target-postgres")
            else:
                with Readers(pg_home, live, year, month) as readers:
                    done = publish(live, warehouse, work / "dbt_project", work / "target-postgres")
                results["postgres_scores_during_build"] = readers.summary()
            if done.returncode != 0:
                print(done.stdout[-3000:])
                return 1
            results[f"postgres_full_build_{attempt}_s"] = round(time.perf_counter() - started, 2)
            print("postgres", attempt, results[f"postgres_full_build_{attempt}_s"], flush=True)
    finally:
        server.stop()
    results["postgres_load_after"] = os.getloadavg()
    out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
