"""Upgrades keep homes working (issue #19): a home made by an older release is migrated, step by step, on a
copy that replaces the warehouse only when every step passed; a failed step leaves it byte for byte as it
was; a home from a newer release is refused.

The home is `tests/fixtures/home_v1.tar.gz` (made by this release with the real ingest and build:
tests/fixtures/make_home_v1.py). "The next release" is simulated by appending steps to the raw schema's
steps, as a release that adds a ledger column would.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import duckdb
import pytest

from basics.home import Home
from basics.warehouse_access import remove_leftover_builds
from basics.warehouse_schema import (
    SchemaNewer,
    SchemaOutdated,
    SchemaUpgradeFailed,
    Step,
    add_column,
    latest,
    read_version,
    upgrade,
)
from ingestion import raw_schema
from ingestion.pipeline import ingest_inbox
from tests.conftest import PROJECT_ROOT
from tests.fixtures.make_home_v1 import unpack
from tests.helpers.workbooks import ledger_row, week_path, write_report

HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(2)"
PRIORITY = Step(2, "ledger_rows.priority", add_column("raw.ledger_rows", "priority", "varchar", "'普通'"))


def _fill_lead_count(con: duckdb.DuckDBPyConnection) -> None:
    """A step that rebuilds derived data: each report's count of shared leads, from raw.lead_rows."""
    con.execute("alter table raw.report_files add column shared_leads integer default 0")
    con.execute(
        "update raw.report_files f set shared_leads = (select count(*) from raw.lead_rows l "
        "where l.unit_code = f.unit_code and l.week_label = f.week_label and l.version = f.version)"
    )


LEAD_COUNT = Step(3, "report_files.shared_leads", _fill_lead_count)


def _boom(con: duckdb.DuckDBPyConnection) -> None:
    raise RuntimeError("step exploded on purpose")


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def query(path: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def columns(path: Path, table: str) -> list[str]:
    return [row[0] for row in query(path, f"describe raw.{table}")]


@pytest.fixture
def old_home(tmp_path: Path) -> Home:
    """A copy of the fixture home (raw schema version 1, built)."""
    return Home(unpack(tmp_path / "home"))


def test_the_fixture_is_a_current_home_and_is_left_alone(old_home: Home) -> None:
    before = sha(old_home.warehouse)
    assert raw_schema.raw_version() == 1
    assert query(old_home.warehouse, "select max(version) from raw.schema_version") == [(1,)]
    assert raw_schema.upgrade_raw_schema(old_home.warehouse) is None
    assert sha(old_home.warehouse) == before


def test_next_release_migrates_adds_the_column_and_keeps_every_row(old_home: Home) -> None:
    live = old_home.warehouse
    ledger_before = query(live, "select * from raw.ledger_rows order by all")
    reports_before = query(live, "select * from raw.report_files order by all")
    tables_before = query(live, "select table_schema, table_name from information_schema.tables order by all")
    said: list[str] = []

    assert upgrade(live, [*raw_schema.RAW_STEPS, PRIORITY, LEAD_COUNT], said.append) == (1, 3)

    assert said == ["数据仓库已从结构版本 1 升级到 3 / warehouse migrated from schema v1 to v3."]
    assert columns(live, "ledger_rows")[-1] == "priority"
    assert query(live, "select * exclude (priority) from raw.ledger_rows order by all") == ledger_before
    assert len(ledger_before) == 7  # P01: 4 + 2 rows in two weeks, P02: 1; nothing of the rejected X99 file
    assert query(live, "select distinct priority from raw.ledger_rows") == [("普通",)]
    # the derived column, filled from the rows already there: P01's W05 report shared one lead
    assert query(live, "select unit_code, week_label, shared_leads from raw.report_files order by all") == [
        ("P01", "2021-W05", 1),
        ("P01", "2021-W06", 0),
        ("P02", "2021-W05", 0),
    ]
    assert query(live, "select * exclude (shared_leads) from raw.report_files order by all") == reports_before
    assert query(live, "select version, what from raw.schema_version order by version")[1:] == [
        (2, "ledger_rows.priority"),
        (3, "report_files.shared_leads"),
    ]
    tables_after = query(live, "select table_schema, table_name from information_schema.tables order by all")
    assert tables_after == tables_before  # the built marts are still there (the next build replaces them)
    assert sorted(p.name for p in live.parent.iterdir() if p.suffix in (".duckdb", ".wal", ".tmp")) == [
        "warehouse.duckdb"
    ]


def test_a_report_ingested_after_the_migration_is_loaded_with_the_new_column(
    old_home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The next release's ingestion (its steps include the new one) migrates on opening and then loads."""
    monkeypatch.setattr(raw_schema, "RAW_STEPS", [*raw_schema.RAW_STEPS, PRIORITY])
    write_report(
        week_path(old_home.inbox, "2021-W06", "P02"),
        [ledger_row(project_code="P02-001", project_name="冷链物流园", contract_amount=4.0)],
    )
    report = ingest_inbox(old_home)
    assert [a.file for a in report.accepted] == ["2021-W06/P02.xlsx"] and not report.rejected
    live = old_home.warehouse
    assert query(live, "select max(version) from raw.schema_version") == [(2,)]
    assert query(
        live,
        "select unit_code, week_label, count(*), min(priority) from raw.ledger_rows "
        "group by all order by all",
    ) == [
        ("P01", "2021-W05", 4, "普通"),
        ("P01", "2021-W06", 2, "普通"),
        ("P02", "2021-W05", 1, "普通"),
        ("P02", "2021-W06", 1, "普通"),
    ]
    assert query(
        live,
        "select contract_amount from raw.ledger_rows where week_label = '2021-W06' and unit_code = 'P02'",
    ) == [(4.0,)]


def test_a_failing_step_leaves_the_warehouse_byte_identical_and_no_copy(old_home: Home) -> None:
    live = old_home.warehouse
    before = sha(live)
    files_before = sorted(p.name for p in live.parent.iterdir())
    with pytest.raises(SchemaUpgradeFailed) as failed:
        upgrade(live, [*raw_schema.RAW_STEPS, PRIORITY, Step(3, "explodes", _boom)])
    message = str(failed.value)
    assert message.startswith("数据仓库 ")
    assert "第 3 步（explodes）" in message and "step exploded on purpose" in message
    assert "left exactly as it was" in message and failed.value.exit_code == 1
    assert sha(live) == before
    assert sorted(p.name for p in live.parent.iterdir()) == files_before
    assert "priority" not in columns(live, "ledger_rows")  # step 2 ran on the copy only
    assert query(live, "select max(version) from raw.schema_version") == [(1,)]


def test_a_step_with_bad_sql_fails_the_same_way(old_home: Home) -> None:
    live = old_home.warehouse
    before = sha(live)
    with pytest.raises(SchemaUpgradeFailed, match="第 2 步"):
        upgrade(
            live, [*raw_schema.RAW_STEPS, Step(2, "typo", "alter table raw.no_such_table add column x int")]
        )
    assert sha(live) == before


def test_the_migration_waits_while_another_process_holds_the_warehouse(old_home: Home) -> None:
    live = old_home.warehouse
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(live)], stdout=subprocess.PIPE, text=True, cwd=PROJECT_ROOT
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        held_at = time.monotonic()
        said: list[str] = []
        assert upgrade(live, [*raw_schema.RAW_STEPS, PRIORITY], said.append) == (1, 2)
        assert time.monotonic() - held_at > 1.5  # it ran only once the other process (2 s) had let go
    finally:
        holder.kill()
        holder.wait()
    assert said[0].startswith("仓库正被") and "waiting" in said[0]
    assert said[-1] == "数据仓库已从结构版本 1 升级到 2 / warehouse migrated from schema v1 to v2."


def test_a_home_of_a_newer_release_is_refused(old_home: Home) -> None:
    live = old_home.warehouse
    upgrade(live, [*raw_schema.RAW_STEPS, PRIORITY], lambda line: None)  # as the next release leaves it
    before = sha(live)
    with pytest.raises(SchemaNewer) as refused:
        raw_schema.upgrade_raw_schema(live)
    assert "结构版本为 2，比本程序支持的版本 1 新" in str(refused.value)
    assert "schema v2, newer than v1" in str(refused.value) and refused.value.exit_code == 1
    assert sha(live) == before
    con = duckdb.connect(str(live))
    try:
        with pytest.raises(SchemaNewer):  # a connection that skipped the upgrade is refused too
            raw_schema.ensure_raw_schema(con)
    finally:
        con.close()


def test_a_home_from_before_versioning_is_version_0_and_gains_the_tables_its_release_lacked(
    old_home: Home,
) -> None:
    """A release before this one wrote no version table (and an older one had no raw.inbox_files)."""
    live = old_home.warehouse
    con = duckdb.connect(str(live))
    con.execute("drop table raw.schema_version; drop table raw.inbox_files")
    assert read_version(con) == 0
    con.close()
    rows = query(live, "select count(*) from raw.ledger_rows")
    with pytest.raises(SchemaOutdated):  # a connection that skipped the upgrade is told to migrate
        con = duckdb.connect(str(live))
        try:
            raw_schema.ensure_raw_schema(con)
        finally:
            con.close()
    assert raw_schema.upgrade_raw_schema(live, lambda line: None) == (0, 1)
    assert query(live, "select count(*) from raw.inbox_files") == [(0,)]
    assert query(live, "select count(*) from raw.ledger_rows") == rows


def test_a_new_warehouse_runs_every_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(raw_schema, "RAW_STEPS", [*raw_schema.RAW_STEPS, PRIORITY])
    con = duckdb.connect(str(tmp_path / "new.duckdb"))
    try:
        raw_schema.ensure_raw_schema(con)
        assert read_version(con) == 2
        assert "priority" in [r[0] for r in con.execute("describe raw.ledger_rows").fetchall()]
        raw_schema.ensure_raw_schema(con)  # idempotent
        assert con.execute("select count(*) from raw.schema_version").fetchone() == (2,)
    finally:
        con.close()


def test_steps_must_be_numbered_in_order() -> None:
    assert latest(raw_schema.RAW_STEPS) == 1
    with pytest.raises(ValueError, match="numbered"):
        latest([*raw_schema.RAW_STEPS, LEAD_COUNT])


def test_a_killed_migrations_copy_is_removed_with_the_builds_leftovers(old_home: Home) -> None:
    leftover = old_home.warehouse.with_name("warehouse.migrating-999999999.duckdb")
    leftover.write_bytes(b"half a copy")
    assert remove_leftover_builds(old_home.warehouse) == [leftover]
    assert not leftover.exists()


def test_fixture_dates_are_what_the_script_wrote(old_home: Home) -> None:
    """The fixture is the script's output (guards against a regenerated fixture that silently differs)."""
    assert query(old_home.warehouse, "select min(week_start), max(week_end) from raw.report_files") == [
        (date(2021, 2, 1), date(2021, 2, 14))
    ]
    assert query(old_home.warehouse, "select source_path, reason_code from raw.rejected_files") == [
        ("2021-W05/X99.xlsx", "unknown_unit")
    ]
