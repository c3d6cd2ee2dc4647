"""Build a scratch warehouse for the scoring tests: real report files → ingestion → a real `dbt build`.

Targets: the tests write a configuration folder (the bundled defaults, basics.config) and overwrite its
targets file with their own hand-chosen targets (the unit register stays the real one, so ingestion accepts
the real unit codes P01..B03); `dbt_build` loads it into the warehouse (raw.config_*) as `build` does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterable
from pathlib import Path

import duckdb

from assessment.config_load import load_folder
from basics.config import REGISTERS, write_defaults
from basics.home import DBT_PROJECT_DIR, Home
from tests.helpers.postgres_build import query_postgres
from tests.helpers.postgres_fixtures import PostgresWarehouse

TARGET_HEADER = "year,unit_code,target_C,target_F,target_Q,target_M,target_R"


def config_folder(dest: Path, targets: Iterable[str], header: str = TARGET_HEADER) -> Path:
    """The default configuration folder with its targets replaced by `targets` (CSV lines without header)."""
    home = Home(dest / "config_home")
    write_defaults(home)
    (home.config / REGISTERS["targets"].file).write_text(
        "\n".join([header, *targets]) + "\n", encoding="utf-8"
    )
    return home.config


def ingest(home: Home, inbox: Path):
    from ingestion.pipeline import ingest_inbox

    report = ingest_inbox(home, inbox)
    assert not report.rejected, [r.message() for r in report.rejected]
    return report


def dbt_build(config: Path, warehouse: Path) -> float:
    """Load the configuration folder `config` into `warehouse`, then run `dbt build` of the packaged project
    (subprocess, so no connection to the warehouse stays open; target/ and logs beside `config`).

    Returns the seconds it took; fails the test on any dbt error (warnings are fine: they are the gate's).
    """
    con = duckdb.connect(str(warehouse))
    try:
        load_folder(con, config)
    finally:
        con.close()
    work = config.parent / "dbt"
    env = {
        **os.environ,
        "ZHAOSHANG_WAREHOUSE": str(warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    env.pop("ZHAOSHANG_BUILD_WAREHOUSE", None)
    dbt = Path(sys.executable).with_name("dbt")
    started = time.perf_counter()
    done = subprocess.run(
        [str(dbt), "build", "--project-dir", str(DBT_PROJECT_DIR), "--profiles-dir", str(DBT_PROJECT_DIR)],
        env=env,
        cwd=config.parent,
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
