"""Files rejected whole: quarantined with a bilingual reason file, archived, one raw.rejected_files row,
and no row of them in the warehouse."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from openpyxl import Workbook

from basics.home import Home
from ingestion.pipeline import ingest_inbox
from tests.helpers.workbooks import LEDGER_HEADERS, ledger_row, week_path, write_csv_report, write_report
from tests.ingestion.reports import WEEK, plain_ledger, write_columns
from tests.ingestion.views import rows, table_counts


def _missing_stage(inbox: Path) -> Path:
    order = [c for c in LEDGER_HEADERS if c != "stage"]
    return write_columns(week_path(inbox, WEEK, "P01"), plain_ledger(), order)


def _corrupt(inbox: Path) -> Path:
    path = week_path(inbox, WEEK, "P01")
    path.write_bytes(b"PK\x03\x04 this is not really a zip archive" * 10)
    return path


def _empty(inbox: Path) -> Path:
    path = week_path(inbox, WEEK, "P01")
    path.write_bytes(b"")
    return path


def _undecodable_csv(inbox: Path) -> Path:
    path = week_path(inbox, WEEK, "P01", "csv")
    path.write_bytes("项目编号,项目名称\n".encode() + b"\xff\xfe\xfa\x80\x81 broken")
    return path


def _no_ledger_sheet(inbox: Path) -> Path:
    path = write_report(week_path(inbox, WEEK, "P01"), plain_ledger(), ledger_sheet="Sheet1", leads=[])
    book = __import__("openpyxl").load_workbook(path)
    book.create_sheet("说明")
    book.save(path)
    return path


def _empty_ledger_sheet(inbox: Path) -> Path:
    book = Workbook()
    book.active.title = "项目台账"
    path = week_path(inbox, WEEK, "P01")
    book.save(path)
    return path


def _no_header(inbox: Path) -> Path:
    book = Workbook()
    ws = book.active
    ws.title = "项目台账"
    ws.append(["P01-001", "某项目", "某公司"])
    path = week_path(inbox, WEEK, "P01")
    book.save(path)
    return path


def _bad_amount_unit(inbox: Path) -> Path:
    return write_report(
        week_path(inbox, WEEK, "P01"), plain_ledger(), headers={"contract_amount": "协议引资额(美元)"}
    )


def _duplicate_column(inbox: Path) -> Path:
    order = list(LEDGER_HEADERS)
    return write_columns(week_path(inbox, WEEK, "P01"), plain_ledger(), order + ["funds_ytd"], headers={})


CASES: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    # name: (writer, reason_code, quarantine folder)
    "missing_column": (_missing_stage, "missing_column", WEEK),
    "unknown_unit": (
        lambda inbox: write_report(week_path(inbox, WEEK, "X99"), plain_ledger()),
        "unknown_unit",
        WEEK,
    ),
    "cover_unit_mismatch": (
        lambda inbox: write_report(week_path(inbox, WEEK, "P01"), plain_ledger(), cover_unit="P02"),
        "unit_mismatch",
        WEEK,
    ),
    "outside_week_folder": (
        lambda inbox: write_report(inbox / "P01.xlsx", plain_ledger()),
        "no_week_folder",
        "_no_week",
    ),
    "other_folder": (
        lambda inbox: write_report(inbox / "二月" / "P01.xlsx", plain_ledger()),
        "no_week_folder",
        "_no_week",
    ),
    "bad_week_folder": (
        lambda inbox: write_report(inbox / "2021-W54" / "P01.xlsx", plain_ledger()),
        "bad_week",
        "_no_week",
    ),
    "corrupt_workbook": (_corrupt, "unreadable", WEEK),
    "empty_file": (_empty, "empty", WEEK),
    "undecodable_csv": (_undecodable_csv, "unreadable", WEEK),
    "no_ledger_sheet": (_no_ledger_sheet, "no_ledger_sheet", WEEK),
    "empty_ledger_sheet": (_empty_ledger_sheet, "empty", WEEK),
    "no_header": (_no_header, "no_header", WEEK),
    "bad_amount_unit": (_bad_amount_unit, "bad_amount_unit", WEEK),
    "duplicate_column": (_duplicate_column, "duplicate_column", WEEK),
    "unsupported_format": (
        lambda inbox: _write(week_path(inbox, WEEK, "P01", "xls"), b"\xd0\xcf\x11\xe0old"),
        "unsupported_format",
        WEEK,
    ),
    "leads_without_ledger": (
        lambda inbox: _write(
            week_path(inbox, WEEK, "P01.leads", "csv"),
            "线索编号,项目名称,投资主体,接收单位,共享日期\n".encode(),
        ),
        "leads_without_ledger",
        WEEK,
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_rejected_file_is_quarantined_with_reason_and_loads_nothing(case: str, home: Home) -> None:
    writer, code, folder = CASES[case]
    path = writer(home.inbox)
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()

    report = ingest_inbox(home)

    assert report.accepted == [] and len(report.rejected) == 1
    rejection = report.rejected[0]
    assert rejection.reason_code == code
    assert not path.exists(), "a rejected file leaves the inbox"
    quarantined = home.quarantine / folder / path.name
    assert quarantined.read_bytes() == data
    assert rejection.quarantine_path == quarantined.relative_to(home.root).as_posix()
    reason = (home.quarantine / folder / f"{path.name}.reason.txt").read_text(encoding="utf-8")
    assert rejection.reason_zh in reason and rejection.reason_en in reason
    assert rejection.file in rejection.reason_zh and rejection.file in rejection.reason_en
    assert "应为" in rejection.reason_zh and "expected" in rejection.reason_en
    assert (home.archive / sha[:2] / f"{sha}{_suffix(path.name)}").read_bytes() == data
    counts = table_counts(home)
    assert counts == {
        "report_files": 0,
        "ledger_rows": 0,
        "lead_rows": 0,
        "row_issues": 0,
        "rejected_files": 1,
    }
    [stored] = rows(home, "select * from raw.rejected_files")
    assert (stored["reason_code"], stored["file_sha256"]) == (code, sha)
    assert stored["source_path"] == rejection.file
    assert stored["reason_zh"] == rejection.reason_zh and stored["reason_en"] == rejection.reason_en
    assert stored["quarantine_path"] == rejection.quarantine_path


def _suffix(name: str) -> str:
    return ".leads.csv" if name.endswith(".leads.csv") else Path(name).suffix


def test_missing_column_reason_names_file_sheet_row_and_column(home: Home) -> None:
    _missing_stage(home.inbox)
    [rejection] = ingest_inbox(home).rejected
    assert rejection.reason_zh.startswith("文件 2021-W05/P01.xlsx 工作表“项目台账”第1行缺少必填列“项目阶段”")
    assert rejection.reason_en.startswith(
        "File 2021-W05/P01.xlsx, sheet 项目台账, row 1: required column 项目阶段 (stage) is missing"
    )
    assert (rejection.file, rejection.sheet, rejection.row, rejection.column) == (
        "2021-W05/P01.xlsx",
        "项目台账",
        1,
        "项目阶段",
    )
    assert rejection.message() == f"{rejection.reason_zh} / {rejection.reason_en}"


def test_cover_mismatch_reason_names_cell_and_both_units(home: Home) -> None:
    write_report(week_path(home.inbox, WEEK, "P01"), plain_ledger(), cover_unit="P02")
    [rejection] = ingest_inbox(home).rejected
    assert (rejection.sheet, rejection.row, rejection.column, rejection.value) == ("封面", 1, "B1", "P02")
    assert "P01" in rejection.reason_zh and "P02" in rejection.reason_zh
    assert "P01" in rejection.reason_en and "P02" in rejection.reason_en


def test_cover_naming_the_same_unit_is_accepted(home: Home) -> None:
    write_report(week_path(home.inbox, WEEK, "P02"), [ledger_row(project_code="A1")], cover_unit=" p02 ")
    write_report(week_path(home.inbox, WEEK, "P03"), [ledger_row(project_code="A1")], cover_unit="双福工业园")
    report = ingest_inbox(home)
    assert report.rejected == [] and len(report.accepted) == 2


def test_unknown_unit_reason_names_the_unit(home: Home) -> None:
    write_report(week_path(home.inbox, WEEK, "X99"), plain_ledger())
    [rejection] = ingest_inbox(home).rejected
    assert rejection.value == "X99" and "X99" in rejection.reason_zh
    assert "unit register" in rejection.reason_en


def test_one_bad_file_does_not_stop_the_others(home: Home) -> None:
    _corrupt(home.inbox)
    write_report(week_path(home.inbox, WEEK, "P02"), plain_ledger())
    write_csv_report(week_path(home.inbox, "2021-W06", "P03", "csv"), plain_ledger())
    report = ingest_inbox(home)
    assert [r.reason_code for r in report.rejected] == ["unreadable"]
    assert sorted(o.unit_code for o in report.accepted) == ["P02", "P03"]
    assert table_counts(home)["ledger_rows"] == 2 * len(plain_ledger())


def test_a_second_rejection_of_the_same_name_does_not_overwrite_the_first(home: Home) -> None:
    first = _missing_stage(home.inbox)
    first_bytes = first.read_bytes()
    ingest_inbox(home)
    write_report(week_path(home.inbox, WEEK, "P01"), plain_ledger(), cover_unit="P09")
    [second] = ingest_inbox(home).rejected
    assert (home.quarantine / WEEK / "P01.xlsx").read_bytes() == first_bytes
    assert second.quarantine_path == f"quarantine/{WEEK}/P01.2.xlsx"
    assert (home.quarantine / WEEK / "P01.2.xlsx.reason.txt").exists()
    assert table_counts(home)["rejected_files"] == 2


def test_rejected_csv_pair_moves_both_files(home: Home) -> None:
    ledger = write_csv_report(
        week_path(home.inbox, WEEK, "P01", "csv"), [ledger_row(project_code="A1")], headers={"stage": "阶段"}
    )  # the required 项目阶段 header is missing
    leads = week_path(home.inbox, WEEK, "P01.leads", "csv")
    leads.write_text("线索编号,项目名称,投资主体,接收单位,共享日期\n", encoding="utf-8")
    [rejection] = ingest_inbox(home).rejected
    assert rejection.reason_code == "missing_column"
    assert not ledger.exists() and not leads.exists()
    assert (home.quarantine / WEEK / "P01.csv").exists()
    assert (home.quarantine / WEEK / "P01.leads.csv").exists()
    assert "P01.leads.csv" in rejection.reason_zh
