"""The bundled sample generator's reports (every style units use) ingest cleanly."""

from __future__ import annotations

from basics.home import Home
from ingestion.pipeline import ingest_inbox
from tests.ingestion.views import rows
from zhaoshang.sample_data import write_sample_inbox

UNITS = ["P02", "P04", "P05", "P06", "D03", "D04"]  # Y/N, Traditional, 年月日 + full-width, shuffled, CSV
WEEKS = {"2021-W10", "2021-W11", "2021-W30"}


def test_sample_weeks_ingest_without_rejections_or_issues(home: Home) -> None:
    summary = write_sample_inbox(home.inbox, 2021, 7, UNITS)
    expected = {
        (u, w)
        for u in UNITS
        for w in WEEKS
        if (home.inbox / w).is_dir() and any((home.inbox / w).glob(f"{u}.*"))
    }

    report = ingest_inbox(home, weeks=WEEKS)

    assert [r.message() for r in report.rejected] == []
    assert {(o.unit_code, o.week_label) for o in report.accepted} == expected
    assert len(expected) >= 3 * len(WEEKS)
    assert report.row_issues == 0, rows(home, "select * from raw.row_issues limit 5")
    assert set(summary.csv_units) & set(UNITS) and set(summary.traditional_units) & set(UNITS)
    stages = {r["stage"] for r in rows(home, "select distinct stage from raw.ledger_rows")}
    assert stages <= {"lead", "negotiating", "signed", "landed", "started", "producing", "terminated"}
    assert rows(
        home,
        "select count(*) as n from raw.ledger_rows where name_key is null or stage is null "
        "or industry is null",
    ) == [{"n": 0}]
