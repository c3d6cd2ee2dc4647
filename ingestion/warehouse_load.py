"""Writes to the raw tables: one DuckDB transaction per report (all its rows or none), and rejections."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from basics import journal as journal_events
from basics.warehouse_access import open_warehouse
from ingestion.columns import LEAD_FIELDS, LEDGER_FIELDS
from ingestion.outcomes import Rejection
from ingestion.parsed_report import ParsedReport
from ingestion.raw_schema import ensure_raw_schema, upgrade_raw_schema
from ingestion.row_rules import Issue, Table

# SQL types of the normalised columns (explicit casts: pandas object columns are not trusted to infer).
_TYPES: dict[str, str] = {
    "file_sha256": "varchar",
    "unit_code": "varchar",
    "week_label": "varchar",
    "version": "integer",
    "sheet": "varchar",
    "row_number": "integer",
    "is_sci_tech": "boolean",
    "contract_amount": "double",
    "funds_ytd": "double",
    "land_mu": "double",
    "signed_on": "date",
    "landed_on": "date",
    "started_on": "date",
    "producing_on": "date",
    "feedback_on": "date",
    "shared_on": "date",
}
_ISSUE_FIELDS = (
    "sheet",
    "row_number",
    "project_code",
    "column_name",
    "value",
    "rule",
    "expected_zh",
    "expected_en",
)


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Open the warehouse file (migrated first when an older release made it) and make sure the raw tables
    exist."""
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    upgrade_raw_schema(warehouse)
    con = open_warehouse(warehouse)
    ensure_raw_schema(con)
    return con


def ingested_keys(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """(source_path, sha256) of every file already accepted or rejected (reports and committee entries)."""
    rows = con.execute(
        "select source_path, file_sha256 from raw.report_files "
        "union select source_path, file_sha256 from raw.entry_rows "
        "union select source_path, file_sha256 from raw.rejected_files where file_sha256 is not null"
    ).fetchall()
    return {(path, sha) for path, sha in rows}


@dataclass(frozen=True)
class Lineage:
    """Where a report came from: checksum, inbox path, archived copy, arrival time."""

    sha256: str
    source_path: str
    archive_path: str
    received_at: datetime


FRAME_MIN_ROWS = 2_000  # below this, list parameters beat registering a DataFrame (measured)


def _insert(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: dict[str, list[Any]],
    types: dict[str, str] | None = None,
) -> None:
    """Bulk insert, never row by row: whole columns as typed list parameters (small tables) or through a
    registered DataFrame (large ones). `types` adds or overrides SQL types by column name."""
    typed = {**_TYPES, **(types or {})}
    names = list(columns)
    if len(columns[names[0]]) < FRAME_MIN_ROWS:
        select = ", ".join(f"unnest(?::{typed.get(name, 'varchar')}[]) as {name}" for name in names)
        con.execute(f"insert into {table} by name select {select}", [columns[name] for name in names])
        return
    select = ", ".join(f"{name}::{typed.get(name, 'varchar')} as {name}" for name in names)
    con.register("_ingest_frame", pd.DataFrame(columns))
    try:
        con.execute(f"insert into {table} by name select {select} from _ingest_frame")
    finally:
        con.unregister("_ingest_frame")


def insert_columns(
    con: duckdb.DuckDBPyConnection, table: str, columns: dict[str, list[Any]], types: dict[str, str]
) -> None:
    """Bulk insert of whole columns (as the reports' rows are inserted), with these SQL types."""
    _insert(con, table, columns, types)


def _key_columns(
    n: int, lineage: Lineage, report: ParsedReport, version: int, table: Table
) -> dict[str, list[Any]]:
    return {
        "file_sha256": [lineage.sha256] * n,
        "unit_code": [report.unit_code] * n,
        "week_label": [report.week.label] * n,
        "version": [version] * n,
        "sheet": [table.sheet] * n,
        "row_number": table.row_numbers,
    }


def load_report(
    con: duckdb.DuckDBPyConnection,
    report: ParsedReport,
    lineage: Lineage,
    *,
    journal: Path | None = None,
    version: int | None = None,
) -> int:
    """Insert the report file row, its ledger, leads and issues in one transaction; return its version.

    The event is appended to `journal` before the commit; `version` is given only by a replay of it."""
    con.execute("begin transaction")
    try:
        version = _insert_file_row(con, report, lineage, version)
        ledger = report.ledger
        if len(ledger):
            columns = _key_columns(len(ledger), lineage, report, version, ledger)
            columns.update({f: ledger.columns[f] for f in LEDGER_FIELDS})
            columns["name_key"] = ledger.columns["name_key"]
            _insert(con, "raw.ledger_rows", columns)
        leads = report.leads
        if leads is not None and len(leads):
            columns = _key_columns(len(leads), lineage, report, version, leads)
            columns.update({f: leads.columns[f] for f in LEAD_FIELDS})
            _insert(con, "raw.lead_rows", columns)
        if report.issues:
            _insert(con, "raw.row_issues", _issue_columns(report, lineage, version))
        if journal is not None:
            journal_events.append(
                journal,
                journal_events.REPORT_ACCEPTED,
                at=lineage.received_at,
                source_path=lineage.source_path,
                sha256=lineage.sha256,
                archive_path=lineage.archive_path,
                unit_code=report.unit_code,
                week_label=report.week.label,
                version=version,
                superseded_version=version - 1 if version > 1 else None,
                ledger_rows=len(report.ledger),
                lead_rows=len(report.leads) if report.leads is not None else 0,
                row_issues=len(report.issues),
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return version


def _insert_file_row(
    con: duckdb.DuckDBPyConnection, report: ParsedReport, lineage: Lineage, version: int | None = None
) -> int:
    """The raw.report_files row; its version is 1 + the highest stored for the unit-week (same statement),
    or the one given (a replay of the journal)."""
    week = report.week
    warnings = json.dumps([w.as_dict() for w in report.warnings], ensure_ascii=False)
    row = con.execute(
        "insert into raw.report_files (file_sha256, source_path, archive_path, unit_code, iso_year, "
        "iso_week, week_label, week_start, week_end, file_format, version, received_at, ledger_rows, "
        "lead_rows, warnings) select ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
        "coalesce(?, (select coalesce(max(version), 0) + 1 from raw.report_files "
        "where unit_code = ? and week_label = ?)), "
        "?, ?, ?, ? returning version",
        [
            lineage.sha256,
            lineage.source_path,
            lineage.archive_path,
            report.unit_code,
            week.iso_year,
            week.iso_week,
            week.label,
            week.start,
            week.end,
            report.file_format,
            version,
            report.unit_code,
            week.label,
            lineage.received_at,
            len(report.ledger),
            len(report.leads) if report.leads is not None else 0,
            warnings,
        ],
    ).fetchone()
    assert row is not None
    return int(row[0])


def _issue_columns(report: ParsedReport, lineage: Lineage, version: int) -> dict[str, list[Any]]:
    n = len(report.issues)
    columns: dict[str, list[Any]] = {
        "file_sha256": [lineage.sha256] * n,
        "unit_code": [report.unit_code] * n,
        "week_label": [report.week.label] * n,
        "version": [version] * n,
    }
    for name in _ISSUE_FIELDS:
        columns[name] = [getattr(issue, name) for issue in report.issues]
    return columns


def record_rejection(
    con: duckdb.DuckDBPyConnection,
    rejection: Rejection,
    rejected_at: datetime,
    journal: Path | None = None,
) -> None:
    """One raw.rejected_files row (and its journal event, when a journal is given: the caller commits)."""
    if journal is not None:
        journal_events.append(
            journal,
            journal_events.FILE_REJECTED,
            at=rejected_at,
            source_path=rejection.file,
            sha256=rejection.sha256,
            quarantine_path=rejection.quarantine_path or "",
            sheet=rejection.sheet,
            row=rejection.row,
            column=rejection.column,
            value=rejection.value,
            reason_code=rejection.reason_code,
            reason_zh=rejection.reason_zh,
            reason_en=rejection.reason_en,
        )
    con.execute(
        "insert into raw.rejected_files (file_sha256, source_path, quarantine_path, rejected_at, sheet, "
        "row_number, column_name, value, reason_code, reason_zh, reason_en) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            rejection.sha256,
            rejection.file,
            rejection.quarantine_path or "",
            rejected_at,
            rejection.sheet,
            rejection.row,
            rejection.column,
            rejection.value,
            rejection.reason_code,
            rejection.reason_zh,
            rejection.reason_en,
        ],
    )


__all__ = [
    "Issue",
    "Lineage",
    "connect",
    "ingested_keys",
    "insert_columns",
    "load_report",
    "record_rejection",
]
