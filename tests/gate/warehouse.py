"""Build test warehouses: reports -> raw tables -> `dbt build`, then copy the DuckDB file per fault test."""

from __future__ import annotations

import json
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
# the tables the gate reads that a fault in the raw tables or the configuration changes, in build order (the
# staging models and the snapshot rows are views over the raw tables: they see a fault at once)
REFRESHED_MODELS = (
    "scoring_parameters",
    "int_scoring_parameters",
    "int_project_stage_history",
    "district_month_indicators",
)


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
    """A fresh home with a byte copy of `src`'s warehouse, dbt's compiled SQL and its manifest (fault tests
    mutate the warehouse and rebuild some of its tables as dbt built them)."""
    home = Home(root).ensure()
    shutil.copyfile(src.warehouse, home.warehouse)
    compiled = src.root / "dbt_target" / "compiled"
    if compiled.is_dir():
        shutil.copytree(compiled, home.root / "dbt_target" / "compiled")
    manifest = src.root / "dbt_target" / "manifest.json"
    if manifest.is_file():
        shutil.copyfile(manifest, home.root / "dbt_target" / "manifest.json")
    return home


def resend(home: Home, week: str, unit: str, report: Report) -> IngestReport:
    """The unit sends its report of `week` again (a workbook through ingestion): staging shows it at once."""
    write_report(week_path(home.inbox, week, unit), report.ledger, report.leads or None)
    return ingest(home)


def _built_models(home: Home, names: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(schema.name, relation, compiled SQL) of each named model, as the manifest of the home's last dbt build
    has them (a missing manifest or model is an error: a fault test never passes on a table left stale)."""
    path = home.root / "dbt_target" / "manifest.json"
    nodes = json.loads(path.read_text(encoding="utf-8"))["nodes"].values()
    models = {n["name"]: n for n in nodes if n["resource_type"] == "model" and n.get("compiled_code")}
    return [
        (f"{m['schema']}.{m['alias']}", f'"{m["schema"]}"."{m["alias"]}"', m["compiled_code"])
        for m in (models[name] for name in names)
    ]


def execute(home: Home, *statements: str) -> None:
    """Run SQL on a home's warehouse to inject a fault where it would come from: the raw tables ingestion
    writes (raw.ledger_rows, raw.lead_rows, raw.row_issues, raw.report_files), the home's configuration as
    the build loaded it (raw.config_*), or a mart.

    The staging models are views over the raw tables, so they show the fault at once; then the tables the gate
    reads that derive from them (the parameters, the week-over-week history and the district indicators,
    REFRESHED_MODELS) are rebuilt from the compiled SQL of dbt's manifest, as the next `dbt build` would —
    all but a table a statement writes itself (a fault injected into a mart stays).
    """
    written = " ".join(statements).lower()
    con = duckdb.connect(str(home.warehouse))
    try:
        for sql in statements:
            con.execute(sql)
        for name, relation, sql in _built_models(home, REFRESHED_MODELS):
            if name.lower() not in written:
                con.execute(f"create or replace table {relation} as {sql}")
    finally:
        con.close()
