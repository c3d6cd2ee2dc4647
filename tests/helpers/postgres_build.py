"""Build a warehouse on PostgreSQL for the tests: the raw tables of a DuckDB home (ingestion's) are loaded
into a fresh database, then a real `dbt build` runs there with the `postgres` target."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from basics.postgres_warehouse import connect, load_raw_from_duckdb
from basics.warehouse_url import dbt_environment, parse


def dbt_build_postgres(project: Path, duckdb_warehouse: Path, url: str, target_path: Path) -> float:
    """Load `duckdb_warehouse`'s raw schema into the database at `url`, run `dbt build` there; seconds.

    Fails the test on any dbt error. `target_path` keeps this build's manifest away from the DuckDB one."""
    warehouse = parse(url)
    load_raw_from_duckdb(duckdb_warehouse, warehouse)
    env = {**os.environ, **dbt_environment(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    dbt = Path(sys.executable).with_name("dbt")
    started = time.perf_counter()
    done = subprocess.run(
        [
            str(dbt),
            "build",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
            "--target-path",
            str(target_path),
            "--log-path",
            str(target_path / "logs"),
        ],  # fmt: skip
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    return elapsed


def query_postgres(url: str, sql: str, params: list | None = None) -> list[dict]:
    """Rows as dicts; `sql` may use DuckDB's `?` placeholders (turned into psycopg's `%s`)."""
    with connect(parse(url)) as con:
        cursor = con.execute(sql.replace("?", "%s"), params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
