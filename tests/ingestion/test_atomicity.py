"""One transaction per file: a failure half-way through a file leaves none of its rows behind."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from basics.home import Home
from ingestion.pipeline import ingest_inbox
from ingestion.warehouse_load import connect
from tests.conftest import PROJECT_ROOT
from tests.helpers.workbooks import ledger_row, week_path, write_report
from tests.ingestion.reports import WEEK, lead, plain_ledger
from tests.ingestion.views import rows, table_counts


def test_constraint_violation_mid_file_rolls_the_whole_file_back(home: Home) -> None:
    # a stray row already holds (P01, 2021-W05, version 1, row 3): the file's 3rd ledger row will collide
    # with it after its report_files row and the rows before it were inserted
    con = connect(home.warehouse)
    con.execute(
        "insert into raw.ledger_rows (file_sha256, unit_code, week_label, version, sheet, "
        "row_number) values ('stray', 'P01', ?, 1, '项目台账', 3)",
        [WEEK],
    )
    con.close()
    path = write_report(week_path(home.inbox, WEEK, "P01"), plain_ledger(), [lead("P01-L1", "P02")])

    with pytest.raises(duckdb.ConstraintException):
        ingest_inbox(home)

    assert table_counts(home) == {
        "report_files": 0,
        "ledger_rows": 1,
        "lead_rows": 0,
        "row_issues": 0,
        "rejected_files": 0,
    }
    assert path.exists(), "a file that failed to load stays in the inbox"

    con = connect(home.warehouse)
    con.execute("delete from raw.ledger_rows where file_sha256 = 'stray'")
    con.close()
    report = ingest_inbox(home)
    assert [(o.version, o.ledger_rows, o.lead_rows) for o in report.accepted] == [(1, 4, 1)]


KILL_AFTER_LEDGER_INSERT = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from ingestion import warehouse_load
    from ingestion.pipeline import ingest_inbox
    from basics.home import Home

    original = warehouse_load._insert

    def insert_then_die(con, table, columns):
        original(con, table, columns)
        if table == "raw.ledger_rows" and columns["unit_code"][0] == "P02":
            os._exit(9)  # the process dies with the transaction open: no rollback, no cleanup

    warehouse_load._insert = insert_then_die
    ingest_inbox(Home(Path(sys.argv[1])))
""")


def test_process_killed_mid_file_leaves_no_partial_rows(home: Home) -> None:
    first = write_report(week_path(home.inbox, WEEK, "P01"), plain_ledger())
    second = write_report(
        week_path(home.inbox, WEEK, "P02"), plain_ledger(), [lead("P02-L1", "P01"), lead("P02-L2", None)]
    )  # a lead row and a row issue to load
    os.utime(first, (1_600_000_000, 1_600_000_000))
    os.utime(second, (1_600_000_100, 1_600_000_100))

    died = subprocess.run(
        [sys.executable, "-c", KILL_AFTER_LEDGER_INSERT, str(home.root)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert died.returncode == 9, died.stderr
    # P01 was committed before the crash; of P02 nothing at all
    assert rows(home, "select unit_code, version, ledger_rows from raw.report_files") == [
        {"unit_code": "P01", "version": 1, "ledger_rows": 4}
    ]
    assert table_counts(home) == {
        "report_files": 1,
        "ledger_rows": 4,
        "lead_rows": 0,
        "row_issues": 0,
        "rejected_files": 0,
    }
    # the next run picks P02 up as if nothing had happened
    report = ingest_inbox(home)
    assert [(o.unit_code, o.version) for o in report.accepted] == [("P02", 1)]
    assert report.skipped == ["2021-W05/P01.xlsx"]
    assert table_counts(home)["lead_rows"] == 2


def test_rows_of_a_file_share_one_version_and_checksum(home: Home) -> None:
    write_report(week_path(home.inbox, WEEK, "P01"), [ledger_row(project_code=f"A{i}") for i in range(50)])
    ingest_inbox(home)
    [summary] = rows(
        home,
        "select count(distinct file_sha256) as shas, count(distinct version) as versions, "
        "count(*) as n from raw.ledger_rows",
    )
    assert summary == {"shas": 1, "versions": 1, "n": 50}


def test_both_bulk_insert_paths_store_the_same_values(
    home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ingestion import warehouse_load
    from tests.ingestion.views import ledger_values

    leads = [lead("P01-L1", "P02"), lead(None, "X")]
    write_report(week_path(home.inbox, WEEK, "P01"), plain_ledger(), leads)
    ingest_inbox(home)
    other = Home(tmp_path / "frames").ensure()
    write_report(week_path(other.inbox, WEEK, "P01"), plain_ledger(), leads)
    monkeypatch.setattr(warehouse_load, "FRAME_MIN_ROWS", 0)  # every insert through a registered DataFrame
    ingest_inbox(other)
    assert ledger_values(other) == ledger_values(home)
    for table, order in (("lead_rows", "row_number"), ("row_issues", "row_number, column_name")):
        sql = f"select * exclude (file_sha256) from raw.{table} order by {order}"
        assert rows(other, sql) == rows(home, sql)
    assert table_counts(other) == table_counts(home)
