"""Has anything arrived since the last run? The fast paths of `ingest`, `weekly`, `check` and `submit`.

Nothing is new when (1) no run of the home's Dagster instance is unfinished (a dead one is recovered by the
next real run, so the fast path is never taken past it), (2) every file of the inbox is unchanged since it
was ingested (size and mtime, `ingestion.inbox_state`), and, for the build, (3) the warehouse's raw tables,
the dbt project and the home's configuration folder are as they were when the last successful
`zhaoshang build` (or `weekly`, `demo`) finished in this ISO week (the week decides next week's templates).
A build started elsewhere (the UI) leaves no record: the next `weekly` builds.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from datetime import date
from pathlib import Path

from basics.config import config_dir
from basics.home import DBT_PROJECT_DIR, Home
from basics.weeks import label_of

LAST_BUILD = "last_build.json"  # under <home>/logs
UNFINISHED = ("NOT_STARTED", "QUEUED", "STARTING", "STARTED", "CANCELING")
NOT_INPUTS = {"target", "logs", "dbt_packages", ".user.yml"}


def unfinished_runs(home: Home) -> bool:
    """Whether the instance holds a run not yet finished (read from Dagster's run storage, SQLite in the home
    or PostgreSQL beside a PostgreSQL warehouse, without importing Dagster); True when it cannot be told, so
    the caller takes the normal path."""
    from basics.warehouse_url import configured

    marks = ",".join("?" * len(UNFINISHED))
    sql = f"select count(*) from runs where status in ({marks})"
    warehouse = configured(home.root)
    if warehouse.is_postgres:
        return _unfinished_on_postgres(warehouse, sql)
    runs_db = home.dagster_home / "history" / "runs.db"
    if not runs_db.exists():
        return False
    try:
        con = sqlite3.connect(f"file:{runs_db}?mode=ro", uri=True, timeout=5)
        try:
            (count,) = con.execute(sql, UNFINISHED).fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        return True
    return count > 0


def _unfinished_on_postgres(warehouse, sql: str) -> bool:  # noqa: ANN001
    from basics.postgres_warehouse import connect
    from basics.warehouse_url import DAGSTER_SCHEMA

    try:
        with connect(warehouse) as con:
            if con.execute("select to_regclass(%s)", [f"{DAGSTER_SCHEMA}.runs"]).fetchone()[0] is None:
                return False  # no run yet
            (count,) = con.execute(
                sql.replace("from runs", f"from {DAGSTER_SCHEMA}.runs").replace("?", "%s"), UNFINISHED
            ).fetchone()
    except Exception:  # psycopg.Error: the server cannot be asked
        return True
    return count > 0


def inbox_unchanged(home: Home, inbox: Path) -> int | None:
    """The number of files in the inbox when none is new or changed since it was ingested, else None."""
    from ingestion.inbox_state import nothing_new
    from zhaoshang.warehouse import read_file

    if not home.warehouse.exists() or not inbox.is_dir() or unfinished_runs(home):
        return None
    with read_file(home) as con:
        known, files = nothing_new(con, home, inbox)
    return files if known else None


def _project_fingerprint(home: Home) -> str:
    digest = hashlib.sha256()
    for root in (DBT_PROJECT_DIR, config_dir(home)):
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if (
                NOT_INPUTS & set(relative.parts)
                or "__pycache__" in relative.parts
                or path.suffix in (".duckdb", ".pyc")
                or not path.is_file()
            ):
                continue
            stat = path.stat()
            digest.update(f"{root.name}/{relative.as_posix()}:{stat.st_size}:{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


RAW_STATE_SQL = """
select
    (select count(*) from raw.report_files),
    (select cast(max(received_at) as varchar) from raw.report_files),
    (select count(*) from raw.entry_rows),
    (select count(*) from raw.rejected_files),
    (select max(version) from raw.schema_version)  -- a migration (a new raw column) needs a new build
"""


def build_inputs(home: Home) -> dict | None:
    """What a build reads: the raw tables (counts, last arrival, schema version), the dbt project,
    the configuration, the week."""
    from zhaoshang.warehouse import has_table, read_file

    if not home.warehouse.exists():
        return None
    with read_file(home) as con:
        if not all(
            has_table(con, "raw", t)
            for t in ("report_files", "entry_rows", "rejected_files", "schema_version")
        ):
            return None
        if not has_table(con, "marts", "warehouse_build"):
            return None
        raw = list(con.execute(RAW_STATE_SQL).fetchone())
    return {"raw": raw, "project": _project_fingerprint(home), "week": label_of(date.today())}


def record_build(home: Home) -> None:
    """After a successful build: what it read (so a `weekly` with nothing new can skip the next one)."""
    inputs = build_inputs(home)
    path = home.root / "logs" / LAST_BUILD
    if inputs is None:
        path.unlink(missing_ok=True)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(inputs), encoding="utf-8")


def build_is_current(home: Home) -> bool:
    """Whether the last recorded build read exactly what a build would read now."""
    path = home.root / "logs" / LAST_BUILD
    if not path.exists() or unfinished_runs(home):
        return False
    try:
        recorded = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return recorded == build_inputs(home)
