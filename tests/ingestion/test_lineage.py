"""Lineage and file-level metadata: checksum, sheet, row numbers as the unit counts them, week, warnings."""

from __future__ import annotations

import hashlib
import json
from datetime import date

from basics.home import Home
from ingestion.pipeline import ingest_inbox
from tests.helpers.workbooks import LEDGER_HEADERS, ledger_row, week_path, write_report
from tests.ingestion.reports import lead, plain_ledger, traditional, write_columns
from tests.ingestion.views import rows


def test_lineage_columns_name_the_file_sheet_and_spreadsheet_row(home: Home) -> None:
    path = write_report(
        week_path(home.inbox, "2021-W05", "P01"),
        plain_ledger(),
        [lead("P01-L1", "P02"), lead("P01-L2", "P03")],
        ledger_sheet="項目台賬",
        lead_sheet="線索共享",
    )
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    ingest_inbox(home)

    ledger = rows(
        home,
        "select file_sha256, sheet, row_number, project_code, unit_code, week_label, version "
        "from raw.ledger_rows order by row_number",
    )
    assert [(r["sheet"], r["row_number"], r["project_code"]) for r in ledger] == [
        ("項目台賬", 2, "P01-001"),
        ("項目台賬", 3, "P01-002"),
        ("項目台賬", 4, "P01-003"),
        ("項目台賬", 5, "P01-004"),
    ]
    assert {(r["file_sha256"], r["unit_code"], r["week_label"], r["version"]) for r in ledger} == {
        (sha, "P01", "2021-W05", 1)
    }
    leads = rows(
        home, "select file_sha256, sheet, row_number, lead_id from raw.lead_rows order by row_number"
    )
    assert leads == [
        {"file_sha256": sha, "sheet": "線索共享", "row_number": 2, "lead_id": "P01-L1"},
        {"file_sha256": sha, "sheet": "線索共享", "row_number": 3, "lead_id": "P01-L2"},
    ]
    [file_row] = rows(home, "select * from raw.report_files")
    assert file_row["file_sha256"] == sha and file_row["source_path"] == "2021-W05/P01.xlsx"
    assert file_row["archive_path"] == f"archive/{sha[:2]}/{sha}.xlsx"
    assert (file_row["ledger_rows"], file_row["lead_rows"], file_row["file_format"]) == (4, 2, "xlsx")
    assert json.loads(file_row["warnings"]) == []


def test_row_numbers_skip_blank_rows_and_count_title_rows(home: Home) -> None:
    path = week_path(home.inbox, "2021-W05", "P01")
    ledger = [ledger_row(project_code="A1"), ledger_row(project_code="   "), ledger_row(project_code="A3")]
    ledger[1] = {k: None for k in ledger[1]}  # an empty row between two projects
    write_columns(path, ledger, list(LEDGER_HEADERS)[:8], extra_rows_above=[["江津区招商项目台账（第5周）"]])
    report = ingest_inbox(home)
    assert report.rejected == []
    assert rows(home, "select row_number, project_code from raw.ledger_rows order by row_number") == [
        {"row_number": 3, "project_code": "A1"},
        {"row_number": 5, "project_code": "A3"},
    ]


def test_week_dates_come_from_the_iso_week_folder(home: Home) -> None:
    # 2020-W53 runs from Monday 28 Dec 2020 to Sunday 3 Jan 2021
    write_report(week_path(home.inbox, "2020-W53", "P01"), [ledger_row(project_code="A1")])
    write_report(week_path(home.inbox, "2021-w1", "P01"), [ledger_row(project_code="A1")])  # loose spelling
    ingest_inbox(home)
    files = rows(
        home,
        "select iso_year, iso_week, week_label, week_start, week_end from raw.report_files "
        "order by week_label",
    )
    assert files == [
        {
            "iso_year": 2020,
            "iso_week": 53,
            "week_label": "2020-W53",
            "week_start": date(2020, 12, 28),
            "week_end": date(2021, 1, 3),
        },
        {
            "iso_year": 2021,
            "iso_week": 1,
            "week_label": "2021-W01",
            "week_start": date(2021, 1, 4),
            "week_end": date(2021, 1, 10),
        },
    ]


def test_unknown_columns_are_ignored_with_a_warning(home: Home) -> None:
    order = list(LEDGER_HEADERS)[:8]
    path = week_path(home.inbox, "2021-W05", "P01")
    write_columns(path, plain_ledger(), order)
    book = __import__("openpyxl").load_workbook(path)
    sheet = book["项目台账"]
    sheet.cell(row=1, column=9, value="联系人")
    sheet.cell(row=2, column=9, value="张三")
    book.save(path)

    report = ingest_inbox(home)

    [outcome] = report.accepted
    assert len(outcome.warnings) == 1 and "联系人" in outcome.warnings[0] and "ignored" in outcome.warnings[0]
    assert any("联系人" in line for line in report.summary_lines())
    [stored] = json.loads(rows(home, "select warnings from raw.report_files")[0]["warnings"])
    assert (stored["code"], stored["sheet"], stored["column"]) == ("unknown_column", "项目台账", "联系人")
    assert "I列" in stored["zh"]
    assert rows(home, "select count(*) as n from raw.ledger_rows") == [{"n": 4}]


def test_a_single_differently_named_sheet_is_read_as_the_ledger_with_a_warning(home: Home) -> None:
    write_report(week_path(home.inbox, "2021-W05", "P01"), traditional(plain_ledger()), ledger_sheet="Sheet1")
    [outcome] = ingest_inbox(home).accepted
    assert outcome.ledger_rows == 4
    assert any("Sheet1" in w for w in outcome.warnings)


def test_progress_is_reported_per_file(home: Home) -> None:
    for unit in ("P01", "P02", "X99"):
        write_report(week_path(home.inbox, "2021-W05", unit), [ledger_row(project_code="A1")])
    calls: list[tuple[int, int]] = []
    ingest_inbox(home, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 3), (2, 3), (3, 3)]


def test_weeks_restricts_to_those_folders_but_not_files_outside_any_week(home: Home) -> None:
    write_report(week_path(home.inbox, "2021-W05", "P01"), [ledger_row(project_code="A1")])
    write_report(week_path(home.inbox, "2021-W06", "P01"), [ledger_row(project_code="A1")])
    write_report(home.inbox / "P02.xlsx", [ledger_row(project_code="A1")])
    report = ingest_inbox(home, weeks={"2021-W06"})
    assert [o.week_label for o in report.accepted] == ["2021-W06"]
    assert [r.reason_code for r in report.rejected] == ["no_week_folder"]
    assert [o.week_label for o in ingest_inbox(home).accepted] == ["2021-W05"]


def test_other_inbox_and_ignored_files(home: Home, tmp_path) -> None:
    inbox = tmp_path / "elsewhere"
    write_report(week_path(inbox, "2021-W05", "P01"), [ledger_row(project_code="A1")])
    (inbox / "2021-W05" / "~$P01.xlsx").write_bytes(b"lock file of an open workbook")
    (inbox / "2021-W05" / ".DS_Store").write_bytes(b"\x00")
    report = ingest_inbox(home, inbox)
    assert [o.file for o in report.accepted] == ["2021-W05/P01.xlsx"] and report.rejected == []
    assert (inbox / "2021-W05" / "~$P01.xlsx").exists()


def test_lower_case_and_chinese_unit_names_in_file_names(home: Home) -> None:
    write_report(week_path(home.inbox, "2021-W05", "p01"), [ledger_row(project_code="A1")])
    write_report(week_path(home.inbox, "2021-W05", "德感工业园"), [ledger_row(project_code="A1")])
    report = ingest_inbox(home)
    assert sorted(o.unit_code for o in report.accepted) == ["P01", "P02"]


def test_inactive_unit_is_accepted_with_a_warning(home: Home) -> None:
    # P07 is active from 2021-03-01
    write_report(week_path(home.inbox, "2021-W05", "P07"), [ledger_row(project_code="A1")])
    [outcome] = ingest_inbox(home).accepted
    assert any("P07" in w and "active" in w for w in outcome.warnings)


def test_merged_cells_count_for_every_row_they_cover(home: Home) -> None:
    path = write_report(
        week_path(home.inbox, "2021-W05", "P01"),
        [
            ledger_row(
                project_code=f"A{i}",
                investor="合并投资公司" if i == 1 else None,
                industry="材料" if i == 1 else None,
            )
            for i in (1, 2, 3)
        ],
    )
    book = __import__("openpyxl").load_workbook(path)
    book["项目台账"].merge_cells("C2:C4")  # 投资主体
    book["项目台账"].merge_cells("E2:E4")  # 产业类别
    book.save(path)
    ingest_inbox(home)
    assert (
        rows(home, "select investor, industry from raw.ledger_rows order by row_number")
        == [{"investor": "合并投资公司", "industry": "materials"}] * 3
    )
    assert rows(home, "select count(*) as n from raw.row_issues") == [{"n": 0}]


def test_a_header_only_ledger_is_an_accepted_empty_report(home: Home) -> None:
    # a unit hosting no project this week still reports: the header alone is a valid (empty) snapshot
    write_report(week_path(home.inbox, "2021-W05", "P01"), [], leads=[])  # header-only leads sheet too
    from tests.helpers.workbooks import write_csv_report

    write_csv_report(week_path(home.inbox, "2021-W05", "P02", "csv"), [ledger_row(project_code="A1")])
    csv_path = home.inbox / "2021-W05" / "P02.csv"
    csv_path.write_text(csv_path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    report = ingest_inbox(home)
    assert report.rejected == []
    assert sorted((o.unit_code, o.ledger_rows) for o in report.accepted) == [("P01", 0), ("P02", 0)]
    assert rows(home, "select count(*) as n from raw.report_files where ledger_rows = 0") == [{"n": 2}]
