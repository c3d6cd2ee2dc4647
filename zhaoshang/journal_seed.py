"""Start the journal of a home made before it existed: one event per row the warehouse already holds.

Run (once) by the commands that write, while holding the warehouse (no writer appends meanwhile); the journal
is written whole to a temporary file and renamed into place, so it is either complete or absent.
"""

from __future__ import annotations

import json
import os
from datetime import datetime
from typing import Any

import duckdb

from basics import journal
from basics.home import Home
from basics.warehouse_access import open_warehouse

_REPORTS = """
select f.received_at, f.source_path, f.file_sha256, f.archive_path, f.unit_code, f.week_label, f.version,
       f.ledger_rows, f.lead_rows,
       (select count(*) from raw.row_issues i
        where i.unit_code = f.unit_code and i.week_label = f.week_label and i.version = f.version)
from raw.report_files f
"""
_REJECTED = """
select rejected_at, source_path, file_sha256, quarantine_path, sheet, row_number, column_name, value,
       reason_code, reason_zh, reason_en
from raw.rejected_files
"""


def _has(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def _events(con: duckdb.DuckDBPyConnection) -> list[tuple[datetime, dict[str, Any]]]:
    events: list[tuple[datetime, dict[str, Any]]] = []
    if _has(con, "raw", "report_files"):
        for at, source, sha, archive, unit, week, version, ledger, leads, issues in con.execute(
            _REPORTS
        ).fetchall():
            events.append(
                (
                    at,
                    {
                        "event": journal.REPORT_ACCEPTED,
                        "at": at,
                        "source_path": source,
                        "sha256": sha,
                        "archive_path": archive,
                        "unit_code": unit,
                        "week_label": week,
                        "version": version,
                        "superseded_version": version - 1 if version > 1 else None,
                        "ledger_rows": ledger,
                        "lead_rows": leads,
                        "row_issues": issues,
                    },
                )
            )
    if _has(con, "raw", "rejected_files"):
        for row in con.execute(_REJECTED).fetchall():
            at, source, sha, quarantine, sheet, number, column, value, code, zh, en = row
            events.append(
                (
                    at,
                    {
                        "event": journal.FILE_REJECTED,
                        "at": at,
                        "source_path": source,
                        "sha256": sha,
                        "quarantine_path": quarantine,
                        "sheet": sheet,
                        "row": number,
                        "column": column,
                        "value": value,
                        "reason_code": code,
                        "reason_zh": zh,
                        "reason_en": en,
                    },
                )
            )
    if _has(con, "raw", "entry_rows"):
        from ingestion.entries import ENTRY_FIELDS  # here: ingestion's readers import pandas (a second)

        files = con.execute(
            "select source_path, version, any_value(file_sha256), any_value(archive_path), "
            "any_value(received_at), any_value(year), any_value(month), any_value(sheet) "
            "from raw.entry_rows group by source_path, version"
        ).fetchall()
        for source, version, sha, archive, at, year, month, sheet in files:
            rows = con.execute(
                f"select {', '.join(ENTRY_FIELDS)} from raw.entry_rows "
                "where source_path = ? and version = ? order by sheet, row_number",
                [source, version],
            ).fetchall()
            events.append(
                (
                    at,
                    {
                        "event": journal.ENTRIES_ACCEPTED,
                        "at": at,
                        "source_path": source,
                        "sha256": sha,
                        "archive_path": archive,
                        "version": version,
                        "year": year,
                        "month": month,
                        "sheet": sheet,
                        "rows": [list(r) for r in rows],
                    },
                )
            )
    if _has(con, "submissions", "frozen_files"):
        versions: dict[tuple[str, int], dict[str, Any]] = {}
        for month, version, name, sha, size, reasons, created in con.execute(
            "select month, version, file_name, sha256, bytes, reasons, created_at "
            "from submissions.frozen_files"
        ).fetchall():
            entry = versions.setdefault(
                (month, version),
                {
                    "event": journal.SUBMISSION_RECORDED,
                    "month": month,
                    "version": version,
                    "files": {},
                    "reasons": json.loads(reasons) if reasons else {},
                    "created_at": created,
                },
            )
            entry["files"][name] = [sha, size]
        events += [(e["created_at"], e) for e in versions.values()]
    events.sort(key=lambda item: item[0])
    return events


def seed_journal(home: Home) -> int:
    """Write the journal from the warehouse when the home has a warehouse and no journal; events written."""
    if home.journal.exists() or not home.warehouse.exists():
        return 0
    con = open_warehouse(home.warehouse)  # writers (who append to the journal) wait meanwhile
    try:
        if home.journal.exists():
            return 0
        events = _events(con)
        if not events:
            return 0
        partial = home.journal.with_name(f".{home.journal.name}.{os.getpid()}.tmp")
        partial.unlink(missing_ok=True)
        journal.write(partial, b"".join(journal.encode(**event) for _, event in events))
        os.replace(partial, home.journal)
        folder = os.open(home.journal.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)
    finally:
        con.close()
    return len(events)
