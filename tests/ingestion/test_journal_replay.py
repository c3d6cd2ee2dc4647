"""Every ingestion event is journaled, and replaying the journal with the archive into an empty warehouse
gives back the same raw rows: versions, received times, warnings, row issues, leads, rejections, entries."""

from __future__ import annotations

import json

import duckdb

from basics import journal
from basics.home import Home
from ingestion.pipeline import ingest_inbox
from ingestion.raw_schema import ensure_raw_schema
from ingestion.replay import replay
from tests.helpers.workbooks import week_path, write_csv_report, write_report
from tests.ingestion.reports import WEEK, lead, plain_ledger, write_leads_csv
from tests.methods.build import write_entries

TABLES = ("report_files", "ledger_rows", "lead_rows", "row_issues", "rejected_files", "entry_rows")


def raw_rows(con: duckdb.DuckDBPyConnection) -> dict[str, list[tuple]]:
    return {name: con.execute(f"select * from raw.{name} order by all").fetchall() for name in TABLES}


def test_a_replayed_journal_gives_back_every_raw_row(home: Home, tmp_path):
    ledger = plain_ledger()
    write_report(week_path(home.inbox, WEEK, "P01"), ledger, [lead("P01-L9", "P02")])
    csv = write_csv_report(week_path(home.inbox, WEEK, "P02", "csv"), ledger[:2])
    write_leads_csv(csv.with_name("P02.leads.csv"), [lead("P02-L1", "P01")])
    broken = ledger[:1] + [{**ledger[1], "contract_amount": -3}]  # loaded with a row issue
    write_report(week_path(home.inbox, "2021-W06", "P03"), broken)
    week_path(home.inbox, WEEK, "ZZ9").write_bytes(b"not a workbook")  # rejected
    write_entries(home.inbox, "2021-12", "委员会评分", [("P01", "A3", 16.5, None, "考核委员会", "年度评议")])
    first = ingest_inbox(home)
    write_report(week_path(home.inbox, WEEK, "P01"), ledger[:3])  # resent: version 2
    write_entries(home.inbox, "2021-12", "委员会评分", [("P01", "A3", 17, 20, "考核委员会", "更正")])
    second = ingest_inbox(home)
    assert len(first.rejected) == 1 and [o.version for o in second.accepted] == [2]
    con = duckdb.connect(str(home.warehouse), read_only=True)
    original = raw_rows(con)
    con.close()
    assert original["row_issues"] and original["lead_rows"] and len(original["entry_rows"]) == 2

    events = list(journal.read(home.journal))
    fresh = duckdb.connect(str(tmp_path / "fresh.duckdb"))
    ensure_raw_schema(fresh)
    done = replay(fresh, home, events)

    assert not done.problems and (done.reports, done.rejections, done.entries) == (4, 1, 2)
    assert raw_rows(fresh) == original
    fresh.close()
    kinds = [json.loads(line)["event"] for line in home.journal.read_text("utf-8").splitlines()]
    assert kinds.count(journal.REPORT_ACCEPTED) == 4 and kinds.count(journal.ENTRIES_ACCEPTED) == 2


def test_a_report_whose_archived_copy_is_gone_is_named_not_invented(home: Home, tmp_path):
    write_report(week_path(home.inbox, WEEK, "P01"), plain_ledger())
    ingest_inbox(home)
    event = next(e for _, e in journal.read(home.journal) if e["event"] == journal.REPORT_ACCEPTED)
    (home.root / event["archive_path"]).unlink()
    fresh = duckdb.connect(str(tmp_path / "fresh.duckdb"))
    ensure_raw_schema(fresh)

    done = replay(fresh, home, list(journal.read(home.journal)))

    assert done.reports == 0 and "2021-W05/P01.xlsx v1" in done.problems[0]
    assert fresh.execute("select count(*) from raw.report_files").fetchone()[0] == 0
    fresh.close()


def test_a_home_made_before_the_journal_gets_one_written_from_its_warehouse(home: Home, tmp_path):
    """The first writing command of an older home writes its journal from the warehouse: replayed, it gives
    back the same raw rows and submission record."""
    from datetime import datetime

    from submission.record import ensure_record, record_version
    from zhaoshang.journal_seed import seed_journal

    ledger = plain_ledger()
    write_report(week_path(home.inbox, WEEK, "P01"), ledger)
    week_path(home.inbox, WEEK, "ZZ9").write_bytes(b"not a workbook")
    write_entries(home.inbox, "2021-12", "委员会评分", [("P01", "A3", 16.5, None, "考核委员会", "年度评议")])
    ingest_inbox(home)
    write_report(week_path(home.inbox, WEEK, "P01"), ledger[:2])
    ingest_inbox(home)
    con = duckdb.connect(str(home.warehouse))
    ensure_record(con)
    reasons = {"waivers": {"D01": "书面说明"}, "resubmit_reason": None}
    record_version(con, "2021-02", 1, {"a.xlsx": ("ab" * 32, 10)}, reasons, datetime(2021, 3, 5, 9))
    original = raw_rows(con)
    frozen = con.execute("select * from submissions.frozen_files order by all").fetchall()
    con.close()
    home.journal.unlink()

    assert seed_journal(home) == 5  # two versions, a rejection, an entries file, a submission
    assert seed_journal(home) == 0  # once only

    events = list(journal.read(home.journal))
    fresh = duckdb.connect(str(tmp_path / "fresh.duckdb"))
    ensure_raw_schema(fresh)
    assert not replay(fresh, home, events).problems
    assert raw_rows(fresh) == original
    (submission,) = [e for _, e in events if e["event"] == journal.SUBMISSION_RECORDED]
    assert (submission["month"], submission["reasons"], submission["files"]) == (
        "2021-02",
        reasons,
        {"a.xlsx": ["ab" * 32, 10]},
    )
    assert frozen[0][:5] == ("2021-02", 1, "a.xlsx", "ab" * 32, 10)
    fresh.close()
