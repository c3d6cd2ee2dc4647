"""Build a warehouse on PostgreSQL for the tests: the raw tables of a DuckDB home (ingestion's) are loaded
into a fresh database, then a real `dbt build` runs there with the `postgres` target."""

from __future__ import annotations

import time
from pathlib import Path

from basics.postgres_warehouse import build_on_postgres, connect, run_dbt
from basics.warehouse_url import parse


def dbt_build_postgres(project: Path, duckdb_warehouse: Path, url: str, target_path: Path) -> float:
    """Load `duckdb_warehouse`'s raw schema into the database at `url`, run `dbt build` there; seconds.

    Fails the test on any dbt error. `target_path` keeps this build's manifest away from the DuckDB one."""
    started = time.perf_counter()
    done = build_on_postgres(duckdb_warehouse, parse(url), project, target_path)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    return time.perf_counter() - started


def dbt_postgres(project: Path, url: str, target_path: Path, *args: str) -> None:
    """Run `dbt <args>` with the `postgres` target on the database at `url` (fails the test on an error)."""
    done = run_dbt(parse(url), project, target_path, *args)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]


def query_postgres(url: str, sql: str, params: list | None = None) -> list[dict]:
    """Rows as dicts; `sql` may use DuckDB's `?` placeholders (turned into psycopg's `%s`)."""
    with connect(parse(url)) as con:
        cursor = con.execute(sql.replace("?", "%s"), params) if params else con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
