"""Upgrades keep homes working, end to end (issue #19): the real command of "the next release" on a home this
release made (`tests/fixtures/home_v1.tar.gz`).

"The next release" is this project with one more raw schema step (a ledger column with a default), run as
`zhaoshang` runs: a fresh interpreter calling `zhaoshang.cli.main`. Every command migrates first, the
read-only ones included (README, "升级 / upgrades").
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tests.conftest import PROJECT_ROOT, zhaoshang
from tests.fixtures.make_home_v1 import unpack
from tests.helpers.workbooks import ledger_row, week_path, write_report
from tests.ingestion.test_schema_upgrade import query, sha

MIGRATED = "数据仓库已从结构版本 1 升级到 2 / warehouse migrated from schema v1 to v2."
NEXT_RELEASE = """
import sys
from basics.warehouse_schema import Step, add_column
from ingestion import raw_schema

def explode(con):
    raise RuntimeError("step exploded on purpose")

raw_schema.RAW_STEPS.append(Step(2, "ledger_rows.priority", {step}))
from zhaoshang.cli import main
sys.exit(main(sys.argv[1:]))
"""
PRIORITY = "add_column('raw.ledger_rows', 'priority', 'varchar', \"'普通'\")"


def next_release(*args: str, home: Path, step: str = PRIORITY) -> subprocess.CompletedProcess[str]:
    """`zhaoshang <args> --home <home>` as the next release (one more schema step) runs it."""
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("ZHAOSHANG_HOME", None)
    return subprocess.run(
        [sys.executable, "-c", NEXT_RELEASE.format(step=step), *args, "--home", str(home)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )


def test_status_of_the_next_release_migrates_first_then_reads(tmp_path: Path) -> None:
    home = unpack(tmp_path / "home")
    first = next_release("status", home=home)
    assert first.returncode == 0, first.stderr
    assert first.stderr.splitlines()[0] == MIGRATED
    # the home's own status: its rejected file; its marts predate marts.expected_reports: a rebuild is asked
    assert "X99" in first.stdout and "由早先版本" in first.stdout and "earlier release" in first.stdout
    assert [r[0] for r in query(home / "warehouse.duckdb", "describe raw.ledger_rows")][-1] == "priority"
    again = next_release("status", home=home)
    assert again.returncode == 0 and MIGRATED not in again.stderr  # once only
    assert again.stdout == first.stdout


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["scores", "--month", "2021-02"], 0),
        (["explain", "--unit", "P01", "--month", "2021-02"], 0),
        (["verify"], 0),
        (["backup", "--out", "{tmp}/备份.tar.gz"], 0),
        (["template", "--week", "2021-W07", "--unit", "P01", "--out", "{tmp}/templates"], 0),
        # 4: the gate fails (weeks missing), as on the unmigrated home; a Dagster run (30 s)
        pytest.param(["check", "--month", "2021-02"], 4, marks=pytest.mark.slow),
    ],
    ids=["scores", "explain", "verify", "backup", "template", "check"],
)
def test_every_command_that_opens_the_warehouse_migrates_first(
    args: list[str], code: int, tmp_path: Path
) -> None:
    home = unpack(tmp_path / "home")
    proc = next_release(*(a.format(tmp=tmp_path) for a in args), home=home)
    assert proc.returncode == code, proc.stdout[-2000:] + proc.stderr[-2000:]
    assert proc.stderr.splitlines()[0] == MIGRATED
    assert query(home / "warehouse.duckdb", "select max(version) from raw.schema_version") == [(2,)]


def test_a_report_ingested_after_the_migration_works(tmp_path: Path) -> None:
    home = unpack(tmp_path / "home")
    inbox = tmp_path / "inbox"
    write_report(
        week_path(inbox, "2021-W06", "P02"),
        [ledger_row(project_code="P02-001", project_name="冷链物流园", contract_amount=4.0)],
    )
    ingest = next_release("ingest", "--inbox", str(inbox), home=home)
    assert ingest.returncode == 0, ingest.stdout + ingest.stderr
    assert ingest.stderr.splitlines()[0] == MIGRATED
    assert query(
        home / "warehouse.duckdb",
        "select unit_code, week_label, count(*), min(priority) from raw.ledger_rows "
        "group by all order by all",
    ) == [
        ("P01", "2021-W05", 4, "普通"),
        ("P01", "2021-W06", 2, "普通"),
        ("P02", "2021-W05", 1, "普通"),
        ("P02", "2021-W06", 1, "普通"),
    ]


def test_this_release_refuses_the_next_releases_home(tmp_path: Path) -> None:
    home = unpack(tmp_path / "home")
    assert next_release("status", home=home).returncode == 0
    before = sha(home / "warehouse.duckdb")
    for command in (["status"], ["ingest"]):
        refused = zhaoshang(*command, home=home)
        assert refused.returncode == 1
        assert refused.stdout == ""
        [line] = refused.stderr.splitlines()
        assert line.startswith("错误 error: 数据仓库 ") and "结构版本为 2，比本程序支持的版本 1 新" in line
    assert sha(home / "warehouse.duckdb") == before


def test_a_failed_migration_leaves_the_home_as_it_was(tmp_path: Path) -> None:
    home = unpack(tmp_path / "home")
    before = {p.relative_to(home): sha(p) for p in home.rglob("*") if p.is_file()}
    failed = next_release("status", home=home, step="explode")
    assert failed.returncode == 1 and failed.stdout == ""
    [line] = failed.stderr.splitlines()
    assert line.startswith("错误 error: 数据仓库 ") and "第 2 步（ledger_rows.priority）出错" in line
    assert "step exploded on purpose" in line and "left exactly as it was" in line
    assert {p.relative_to(home): sha(p) for p in home.rglob("*") if p.is_file()} == before
    assert zhaoshang("status", home=home).returncode == 0  # this release still reads it


def test_a_home_from_before_versioning_is_migrated_by_this_release(tmp_path: Path) -> None:
    home = unpack(tmp_path / "home")
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute("drop table raw.schema_version")  # as the release before this one left its homes
    con.close()
    status = zhaoshang("status", home=home)
    assert status.returncode == 0, status.stderr
    assert status.stderr.splitlines()[0] == (
        "数据仓库已从结构版本 0 升级到 1 / warehouse migrated from schema v0 to v1."
    )


@pytest.mark.slow  # a real dbt build
def test_the_migrated_home_builds_and_reports_the_new_week(tmp_path: Path) -> None:
    """After the migration the next `weekly` rebuilds (the record of the last build is dropped) and `status`
    reads the new build."""
    home = unpack(tmp_path / "home")
    write_report(
        week_path(home / "inbox", "2021-W06", "P02"),
        [ledger_row(project_code="P02-001", project_name="冷链物流园", contract_amount=4.0)],
    )
    weekly = next_release("weekly", home=home)
    assert weekly.returncode == 0, weekly.stdout + weekly.stderr
    assert weekly.stderr.splitlines()[0] == MIGRATED
    assert "dbt build passed" in weekly.stdout
    assert query(home / "warehouse.duckdb", "select report_files from marts.warehouse_build") == [(4,)]
    status = next_release("status", home=home)
    assert status.returncode == 0 and "warning" not in status.stderr, status.stderr
