"""Committee entries workbooks (inbox/entries/YYYY-MM/*.xlsx): validated like weekly reports, versioned."""

from __future__ import annotations

import duckdb
import pytest

from basics.home import Home
from ingestion.pipeline import ingest_inbox
from tests.methods.build import ENTRY_HEADERS, write_entries

GOOD = [
    ("P01", "A3", 16.5, None, "考核委员会", "年度评议"),
    ("P02", "A3", 18, None, "考核委员会", "年度评议"),
]


def rows(home: Home) -> list[tuple]:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        return con.execute(
            "select source_path, version, unit_code, entry_code, value, entered_by, reason, row_number "
            "from raw.entry_rows order by version, row_number"
        ).fetchall()
    finally:
        con.close()


def test_good_file_is_loaded_resent_file_is_a_new_version(home):
    write_entries(home.inbox, "2021-12", "委员会评分", GOOD)
    report = ingest_inbox(home)
    assert not report.rejected and [(e.file, e.version, e.rows) for e in report.entries] == [
        ("entries/2021-12/委员会评分.xlsx", 1, 2)
    ]
    assert rows(home)[0] == (
        "entries/2021-12/委员会评分.xlsx",
        1,
        "P01",
        "A3",
        16.5,
        "考核委员会",
        "年度评议",
        2,
    )
    assert ingest_inbox(home).entries == []  # identical file: nothing new
    write_entries(home.inbox, "2021-12", "委员会评分", [GOOD[0][:2] + (17,) + GOOD[0][3:]])
    assert [e.version for e in ingest_inbox(home).entries] == [2]
    assert [(r[1], r[2], r[4]) for r in rows(home)] == [(1, "P01", 16.5), (1, "P02", 18.0), (2, "P01", 17.0)]


@pytest.mark.parametrize(
    ("entries", "month", "reason", "sheet_row"),
    [
        ([("P01", "A3", "十六", None, "委员会", "评议")], "2021-12", "第2行“数值”的值“十六”不是数字", 2),
        ([("P99", "A3", 16, None, "委员会", "评议")], "2021-12", "第2行的单位“P99”不在单位名录中", 2),
        ([("P01", "A3", 16, None, "", "评议")], "2021-12", "第2行“录入人”为空", 2),
        ([GOOD[0], GOOD[0]], "2021-12", "第3行与第2行重复录入 P01 的“A3”", 3),
        (GOOD, "2021-13", "录入文件不在月份文件夹中（“2021-13”）", None),
    ],
)
def test_bad_file_is_quarantined_with_its_reason(home, entries, month, reason, sheet_row):
    path = write_entries(home.inbox, month, "委员会评分", entries)
    report = ingest_inbox(home)
    assert len(report.rejected) == 1 and report.entries == []
    rejection = report.rejected[0]
    assert reason in rejection.reason_zh and rejection.row == sheet_row
    assert not path.exists()
    moved = home.root / rejection.quarantine_path
    assert moved.exists() and reason in moved.with_name(moved.name + ".reason.txt").read_text("utf-8")
    assert rows(home) == []


def test_missing_column_rejects_the_file(home):
    folder = home.inbox / "entries" / "2021-12"
    folder.mkdir(parents=True)
    (folder / "评分.csv").write_text(",".join(ENTRY_HEADERS[:4]) + "\nP01,A3,16,\n", encoding="utf-8")
    rejection = ingest_inbox(home).rejected[0]
    assert "缺少必填列“录入人”" in rejection.reason_zh and rejection.column == "录入人"


def test_weekly_discovery_ignores_the_entries_folder(home):
    write_entries(home.inbox, "2021-12", "委员会评分", GOOD)
    report = ingest_inbox(home)
    assert report.accepted == [] and report.rejected == []
