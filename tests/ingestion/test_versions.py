"""Versions (SPEC 2.3): a resent week supersedes and keeps the earlier one; identical files change nothing."""

from __future__ import annotations

import hashlib
import os
from datetime import date

from basics.home import Home
from ingestion.pipeline import ingest_inbox
from tests.helpers.workbooks import ledger_row, week_path, write_csv_report, write_report
from tests.ingestion.reports import WEEK, lead, plain_ledger, write_leads_csv
from tests.ingestion.views import rows, scalar, table_counts


def _sha(path: os.PathLike[str]) -> str:
    with open(path, "rb") as fh:
        return hashlib.sha256(fh.read()).hexdigest()


def test_resending_a_week_creates_version_2_and_keeps_version_1(home: Home) -> None:
    path = week_path(home.inbox, WEEK, "P01")
    write_report(path, [ledger_row(project_code="A1", funds_ytd=1)])
    first_sha = _sha(path)
    assert [o.version for o in ingest_inbox(home).accepted] == [1]

    write_report(path, [ledger_row(project_code="A1", funds_ytd=2), ledger_row(project_code="A2")])
    second_sha = _sha(path)
    report = ingest_inbox(home)

    assert [o.version for o in report.accepted] == [2]
    assert [o.sha256 for o in report.superseded] == [second_sha]
    files = rows(home, "select version, file_sha256, archive_path from raw.report_files order by version")
    assert [(f["version"], f["file_sha256"]) for f in files] == [(1, first_sha), (2, second_sha)]
    for f in files:
        archived = home.root / f["archive_path"]
        assert archived == home.archive / f["file_sha256"][:2] / f"{f['file_sha256']}.xlsx"
        assert _sha(archived) == f["file_sha256"]
    by_version = rows(
        home,
        "select version, count(*) as n, max(funds_ytd) as funds from raw.ledger_rows "
        "group by version order by version",
    )
    assert by_version == [{"version": 1, "n": 1, "funds": 1.0}, {"version": 2, "n": 2, "funds": 2.0}]
    assert path.exists(), "accepted files stay in the inbox"


def test_ingesting_twice_is_a_no_op(home: Home) -> None:
    write_report(week_path(home.inbox, WEEK, "P01"), plain_ledger(), [lead("P01-L1", "P02")])
    write_csv_report(week_path(home.inbox, WEEK, "P02", "csv"), plain_ledger())
    first = ingest_inbox(home)
    counts = table_counts(home)
    archive = sorted(p.relative_to(home.root) for p in home.archive.rglob("*"))

    second = ingest_inbox(home)

    assert len(first.accepted) == 2
    assert second.accepted == [] and second.rejected == []
    assert sorted(second.skipped) == ["2021-W05/P01.xlsx", "2021-W05/P02.csv"]
    assert table_counts(home) == counts
    assert sorted(p.relative_to(home.root) for p in home.archive.rglob("*")) == archive


def test_a_rejected_file_sent_again_unchanged_is_skipped(home: Home) -> None:
    path = write_report(week_path(home.inbox, WEEK, "X99"), plain_ledger())
    data = path.read_bytes()
    assert len(ingest_inbox(home).rejected) == 1
    path.write_bytes(data)  # the unit drops the same file again
    report = ingest_inbox(home)
    assert report.rejected == [] and report.skipped == ["2021-W05/X99.xlsx"]
    assert scalar(home, "select count(*) from raw.rejected_files") == 1


def test_files_of_one_run_get_versions_in_arrival_order(home: Home) -> None:
    older = write_csv_report(week_path(home.inbox, WEEK, "P01", "csv"), [ledger_row(project_code="OLD")])
    newer = write_report(week_path(home.inbox, WEEK, "P01"), [ledger_row(project_code="NEW")])
    os.utime(older, (1_600_000_000, 1_600_000_000))
    os.utime(newer, (1_600_000_100, 1_600_000_100))
    report = ingest_inbox(home)
    versions = [(o.file, o.version) for o in report.accepted]
    assert versions == [("2021-W05/P01.csv", 1), ("2021-W05/P01.xlsx", 2)]
    latest = rows(home, "select project_code from raw.ledger_rows where version = 2")
    assert latest == [{"project_code": "NEW"}]


def test_csv_pair_is_one_report_version(home: Home) -> None:
    ledger = write_csv_report(week_path(home.inbox, WEEK, "P01", "csv"), plain_ledger(), encoding="gb18030")
    assert [o.version for o in ingest_inbox(home).accepted] == [1]
    # the unit adds its leads file later: ledger + leads make version 2
    leads = write_leads_csv(
        week_path(home.inbox, WEEK, "P01.leads", "csv"), [lead("P01-L1", "P02")], encoding="gb18030"
    )
    report = ingest_inbox(home)
    assert [(o.version, o.ledger_rows, o.lead_rows) for o in report.accepted] == [(2, 4, 1)]
    pair_sha = hashlib.sha256(
        hashlib.sha256(ledger.read_bytes()).digest() + hashlib.sha256(leads.read_bytes()).digest()
    ).hexdigest()
    assert report.accepted[0].sha256 == pair_sha
    [file_row] = rows(home, "select * from raw.report_files where version = 2")
    assert file_row["source_path"] == "2021-W05/P01.csv" and file_row["file_format"] == "csv"
    assert file_row["archive_path"] == f"archive/{pair_sha[:2]}/{pair_sha}.csv"
    assert (home.archive / pair_sha[:2] / f"{pair_sha}.csv").read_bytes() == ledger.read_bytes()
    assert (home.archive / pair_sha[:2] / f"{pair_sha}.leads.csv").read_bytes() == leads.read_bytes()
    [lead_row] = rows(home, "select * from raw.lead_rows")
    assert (lead_row["sheet"], lead_row["row_number"]) == ("P01.leads.csv", 2)
    assert lead_row["file_sha256"] == pair_sha
    assert lead_row["shared_on"] == date(2021, 2, 2)
    # unchanged pair: nothing new
    assert ingest_inbox(home).skipped == ["2021-W05/P01.csv"]
