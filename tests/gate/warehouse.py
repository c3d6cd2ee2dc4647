"""Build test warehouses: reports -> raw tables -> `dbt build`, then copy the DuckDB file per fault test."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

from assessment.config_load import load_folder
from basics.config import config_dir
from basics.home import DBT_PROJECT_DIR, Home
from ingestion.outcomes import IngestReport
from ingestion.pipeline import ingest_inbox
from tests.gate.dataset import Report
from tests.helpers.workbooks import week_path, write_report

DBT = Path(sys.executable).parent / "dbt"
# the models the gate reads that a fault written into staging or a seed changes, in build order
REFRESHED_MODELS = ("int_scoring_parameters", "int_project_stage_history")


def write_inbox(inbox: Path, reports: dict[tuple[str, str], Report]) -> None:
    """One hand-made workbook per (week, unit) under `<inbox>/<week>/<unit>.xlsx`."""
    for (week, unit), report in sorted(reports.items()):
        write_report(week_path(inbox, week, unit), report.ledger, report.leads or None)


def dbt_build(home: Home) -> None:
    """The home's configuration (the bundled defaults when it has none) loaded into its warehouse, then
    `dbt build` on it; raises with dbt's output on failure."""
    con = duckdb.connect(str(home.warehouse))
    try:
        load_folder(con, config_dir(home))
    finally:
        con.close()
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
    """A fresh home with a byte copy of `src`'s warehouse and dbt's compiled SQL (fault tests mutate it)."""
    home = Home(root).ensure()
    shutil.copyfile(src.warehouse, home.warehouse)
    compiled = src.root / "dbt_target" / "compiled"
    if compiled.is_dir():
        shutil.copytree(compiled, home.root / "dbt_target" / "compiled")
    return home


def resend(home: Home, week: str, unit: str, report: Report) -> IngestReport:
    """The unit sends its report of `week` again (a workbook through ingestion): staging shows it at once."""
    write_report(week_path(home.inbox, week, unit), report.ledger, report.leads or None)
    return ingest(home)


def _compiled_model(home: Home, name: str) -> str | None:
    path = home.root / "dbt_target" / "compiled" / "zhaoshang" / "models" / "intermediate" / f"{name}.sql"
    return path.read_text(encoding="utf-8") if path.exists() else None


def execute(home: Home, *statements: str) -> None:
    """Run SQL on a home's warehouse (to inject a fault into the staged tables, seeds or marts).

    Staging models (dbt views over raw) are first frozen into tables of the same name, so a fault can be
    written into exactly one staged row. Then the intermediate models the gate reads (the week-over-week
    history and the parameters it uses) are rebuilt from dbt's compiled SQL, as the next `dbt build` would.
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
        for name in REFRESHED_MODELS:
            sql = _compiled_model(home, name)
            if sql is not None:
                con.execute(f"create or replace table intermediate.{name} as {sql}")
    finally:
        con.close()
