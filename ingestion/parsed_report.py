"""One received report → its normalised ledger and leads, row issues and warnings, or a `FileRejected`.

Pure: reads only the bytes it is given (no warehouse, no file moves), so it can run anywhere.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from basics import registers
from ingestion.discover import Candidate, Received, Week
from ingestion.file_rules import (
    FileRejected,
    check_cover,
    check_format,
    check_not_empty,
    leads_layout,
    ledger_layout,
    sheets_by_role,
    unit_of,
    unreadable,
    week_of,
)
from ingestion.inspection import inspect_csv, inspect_workbook
from ingestion.layout import Layout, raw_table
from ingestion.readers import ReadError, Sheet, read_csv, read_workbook
from ingestion.row_rules import Issue, Table, normalise_leads, normalise_ledger


@dataclass(frozen=True)
class FileWarning:
    """A file-level warning (the file is still accepted), stored as JSON in raw.report_files.warnings."""

    code: str
    zh: str
    en: str
    sheet: str | None = None
    column: str | None = None

    def as_dict(self) -> dict[str, str | None]:
        return asdict(self)

    def message(self) -> str:
        return f"{self.zh} / {self.en}"


@dataclass
class ParsedReport:
    """A report that passed every file-level rule."""

    unit_code: str
    week: Week
    file_format: str
    ledger: Table
    leads: Table | None
    issues: list[Issue] = field(default_factory=list)
    warnings: list[FileWarning] = field(default_factory=list)


def _unknown_columns(layout: Layout) -> list[FileWarning]:
    sheet = layout.sheet.name
    return [
        FileWarning(
            "unknown_column",
            f"工作表“{sheet}”第{layout.header_row}行的列“{text}”（{layout.where(index)}）不是周报规定的列，已忽略",
            f"column {text} (position {index + 1}) of sheet {sheet} is not a report column; ignored",
            sheet,
            text,
        )
        for index, text in layout.unknown
    ]


def _workbook_sheets(data: bytes, name: str, unit: str) -> tuple[Sheet, Sheet | None, list[FileWarning]]:
    inspect_workbook(data, name)
    try:
        book = read_workbook(data)
        ledger_name, leads_name, cover_name, notes = sheets_by_role(book)
        if cover_name is not None:
            check_cover(book.sheet(cover_name), unit)
        ledger = book.sheet(ledger_name)
        leads = book.sheet(leads_name) if leads_name else None
    except ReadError as exc:
        raise unreadable(exc.detail, name, csv=False) from exc
    warnings = [FileWarning("ledger_sheet_name", *note, sheet=ledger_name) for note in notes]
    return ledger, leads, warnings


def _csv_sheets(candidate: Candidate, received: Received) -> tuple[Sheet, Sheet | None]:
    try:
        ledger = read_csv(received.data, candidate.path.name)
        leads = None
        if candidate.leads_path is not None and received.leads_data and received.leads_data.strip():
            leads = read_csv(received.leads_data, candidate.leads_path.name)
    except ReadError as exc:
        raise unreadable(
            exc.detail,
            candidate.path.name,
            csv=True,
            undecodable=exc.undecodable,
            row=exc.row,
            column=exc.column,
            detail_zh=exc.detail_zh,
        ) from exc
    return ledger, leads


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector: parsing allocates many small containers and none are cyclic;
    generational collections would otherwise scan them again and again (~30 % of a big file's parse time)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def parse_report(candidate: Candidate, received: Received) -> ParsedReport:
    """Apply the file-level rules, then normalise the rows; raises FileRejected."""
    with _gc_paused():
        return _parse(candidate, received)


def _parse(candidate: Candidate, received: Received) -> ParsedReport:
    week = week_of(candidate)
    check_format(candidate)
    unit = unit_of(candidate)
    check_not_empty(received.data, candidate.path.name)
    if candidate.file_format == "csv":
        inspect_csv(received.data, candidate.path.name)
        if received.leads_data is not None and candidate.leads_path is not None:
            inspect_csv(received.leads_data, candidate.leads_path.name)
        ledger_sheet, leads_sheet = _csv_sheets(candidate, received)
        warnings: list[FileWarning] = []
    else:
        ledger_sheet, leads_sheet, warnings = _workbook_sheets(received.data, candidate.path.name, unit)
    layout = ledger_layout(ledger_sheet)
    lead_layout = leads_layout(leads_sheet) if leads_sheet is not None else None
    warnings += _unknown_columns(layout)
    if lead_layout is not None:
        warnings += _unknown_columns(lead_layout)
    registered = registers.units()[unit]
    if not registered.active_on(week.end):
        active_from, active_to = registered.active_from, registered.active_to
        warnings.append(
            FileWarning(
                "inactive_unit",
                f"单位 {unit} 在 {week.label} 不在有效期内（{active_from} 至 {active_to or '今'}）",
                f"unit {unit} is not active in {week.label} (active {active_from} to {active_to or 'now'})",
            )
        )
    ledger, issues = normalise_ledger(raw_table(layout))
    leads = None
    if lead_layout is not None:
        leads, lead_issues = normalise_leads(raw_table(lead_layout), unit, week.end)
        issues += lead_issues
    return ParsedReport(unit, week, candidate.file_format, ledger, leads, issues, warnings)


__all__ = ["FileRejected", "FileWarning", "ParsedReport", "parse_report"]
