"""Build a scratch warehouse for the scoring tests: real report files → ingestion → a real `dbt build`.

Targets: the tests copy dbt_project/ to a temporary folder and overwrite seeds/targets.csv there with their
own hand-chosen targets (the unit register stays the real one, so ingestion accepts the real unit codes
P01..B03).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import duckdb

from basics.home import DBT_PROJECT_DIR, Home
from tests.helpers.postgres_build import query_postgres
from tests.helpers.postgres_fixtures import PostgresWarehouse

TARGET_HEADER = "year,unit_code,target_C,target_F,target_Q,target_M,target_R"


def copy_dbt_project(dest: Path, targets: Iterable[str]) -> Path:
    """A copy of dbt_project/ with seeds/targets.csv replaced by `targets` (CSV lines without header)."""
    project = dest / "dbt_project"
    shutil.copytree(
        DBT_PROJECT_DIR, project, ignore=shutil.ignore_patterns("target", "logs", ".user.yml", "*.duckdb")
    )
    (project / "seeds" / "targets.csv").write_text(
        "\n".join([TARGET_HEADER, *targets]) + "\n", encoding="utf-8"
    )
    return project


def ingest(home: Home, inbox: Path):
    from ingestion.pipeline import ingest_inbox

    report = ingest_inbox(home, inbox)
    assert not report.rejected, [r.message() for r in report.rejected]
    return report


def dbt_build(project: Path, warehouse: Path) -> float:
    """Run `dbt build` (subprocess, so no connection to the warehouse stays open) on `warehouse`.

    Returns the seconds it took; fails the test on any dbt error (warnings are fine: they are the gate's).
    """
    env = {**os.environ, "ZHAOSHANG_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    dbt = Path(sys.executable).with_name("dbt")
    started = time.perf_counter()
    done = subprocess.run(
        [str(dbt), "build", "--project-dir", str(project), "--profiles-dir", str(project)],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    elapsed = time.perf_counter() - started
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    return elapsed


def query(warehouse: Path | PostgresWarehouse, sql: str, params: list | None = None) -> list[dict]:
    """Rows as dicts from a DuckDB warehouse file or a warehouse built on PostgreSQL (`?` placeholders)."""
    if isinstance(warehouse, PostgresWarehouse):
        return query_postgres(warehouse.url, sql, params)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        cursor = con.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    finally:
        con.close()
