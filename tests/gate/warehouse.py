"""Build test warehouses: reports -> raw tables -> `dbt build`, then copy the DuckDB file per fault test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from basics.home import DBT_PROJECT_DIR, Home
from ingestion.outcomes import IngestReport
from ingestion.pipeline import ingest_inbox
from tests.gate.dataset import Report
from tests.helpers.workbooks import week_path, write_report

DBT = Path(sys.executable).parent / "dbt"


def write_inbox(inbox: Path, reports: dict[tuple[str, str], Report]) -> None:
    """One hand-made workbook per (week, unit) under `<inbox>/<week>/<unit>.xlsx`."""
    for (week, unit), report in sorted(reports.items()):
        write_report(week_path(inbox, week, unit), report.ledger, report.leads or None)


def dbt_build(home: Home) -> None:
    """`dbt build` on the home's warehouse; raises with dbt's output on failure."""
    env = {
        **os.environ,
        "ZHAOSHANG_WAREHOUSE": str(home.warehouse),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    proc = subprocess.run(
        [
            str(DBT),
            "build",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(home.root / "dbt_target"),
            "--log-path",
            str(home.root / "dbt_logs"),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        raise RuntimeError(f"dbt build failed:\n{proc.stdout[-4000:]}\n{proc.stderr[-2000:]}")


def ingest(home: Home) -> IngestReport:
    """Ingest the home's inbox; every file must be accepted."""
    report = ingest_inbox(home)
    assert not report.rejected, [(r.file, r.reason_en) for r in report.rejected]
    return report


def build_home(root: Path, reports: dict[tuple[str, str], Report]) -> Home:
    """The real path: workbooks -> ingestion -> dbt build."""
    home = Home(root).ensure()
    write_inbox(home.inbox, reports)
    ingest(home)
    dbt_build(home)
    return home


def copy_home(src: Home, root: Path) -> Home:
    """A fresh home holding a byte copy of `src`'s warehouse (fault tests mutate the copy)."""
    home = Home(root).ensure()
    shutil.copyfile(src.warehouse, home.warehouse)
    return home


def execute(home: Home, *statements: str) -> None:
    """Run SQL on a home's warehouse (to inject a fault into the staged tables or marts).

    Staging models that dbt materialises as views (stg_ledger_rows reads raw directly) are first frozen
    into tables of the same name, so a fault can be written into exactly one staged row.
    """
    con = duckdb.connect(str(home.warehouse))
    try:
        views = con.execute(
            "select view_name from duckdb_views() where schema_name = 'staging' and not internal"
        ).fetchall()
        for (view,) in views:
            con.execute(f"create table staging._frozen as select * from staging.{view}")
            con.execute(f"drop view staging.{view}")
            con.execute(f"alter table staging._frozen rename to {view}")
        for sql in statements:
            con.execute(sql)
    finally:
        con.close()
