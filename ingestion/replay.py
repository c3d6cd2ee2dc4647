"""Replay the journal's ingestion events into empty raw tables (`zhaoshang rebuild`).

An accepted report is parsed again from its archived bytes by the same reader and rules, and loaded with the
journal's checksum, paths, version and received time; its row counts are compared with the journal's. A
rejection is the journal's row itself; a committee entries file's rows are in its event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import duckdb

from basics.home import Home
from basics.journal import ENTRIES_ACCEPTED, FILE_REJECTED, REPORT_ACCEPTED, timestamp
from ingestion.discover import LEADS_SUFFIX, Candidate, Received, parse_week_folder
from ingestion.entries import ENTRY_FIELDS
from ingestion.file_rules import FileRejected
from ingestion.outcomes import Rejection
from ingestion.parsed_report import parse_report
from ingestion.warehouse_load import Lineage, load_report, record_rejection


@dataclass
class Replayed:
    """What a replay loaded, and the events it could not (one line each)."""

    reports: int = 0
    rejections: int = 0
    entries: int = 0
    problems: list[str] = field(default_factory=list)


def latest_events(events: list[tuple[int, dict[str, Any]]]) -> list[tuple[int, dict[str, Any]]]:
    """The last event of each key, in journal order (an event whose commit failed was journaled again when
    the file was ingested again)."""
    keyed: dict[tuple, tuple[int, dict[str, Any]]] = {}
    for line, event in events:
        kind = event["event"]
        if kind in (REPORT_ACCEPTED, ENTRIES_ACCEPTED) or (kind == FILE_REJECTED and event.get("sha256")):
            key: tuple = (kind, event["source_path"], event["sha256"])
        else:
            key = (kind, line)
        keyed[key] = (line, event)
    return sorted(keyed.values(), key=lambda item: item[0])


def _candidate(home: Home, event: dict[str, Any]) -> tuple[Candidate, Received]:
    source = PurePosixPath(event["source_path"])
    archived = home.root / event["archive_path"]
    data = archived.read_bytes()
    leads_file = archived.with_name(f"{event['sha256']}{LEADS_SUFFIX}")
    leads = leads_file.read_bytes() if leads_file.exists() else None
    suffix = LEADS_SUFFIX if source.name.lower().endswith(LEADS_SUFFIX) else source.suffix.lower()
    folder = source.parent.name or None
    path = home.inbox / Path(*source.parts)
    leads_path = path.with_name(source.name[: -len(suffix)] + LEADS_SUFFIX) if leads is not None else None
    candidate = Candidate(
        source_path=event["source_path"],
        path=path,
        leads_path=leads_path,
        folder=folder,
        week=parse_week_folder(folder) if folder else None,
        unit_text=source.name[: len(source.name) - len(suffix)] if suffix else source.name,
        suffix=suffix,
        mtime=0.0,
        size=len(data),
    )
    return candidate, Received(data, leads, event["sha256"])


def replay_report(con: duckdb.DuckDBPyConnection, home: Home, event: dict[str, Any], done: Replayed) -> None:
    where = f"{event['source_path']} v{event['version']}"
    try:
        candidate, received = _candidate(home, event)
        parsed = parse_report(candidate, received)
    except OSError as exc:
        done.problems.append(f"{where}: archived copy {event['archive_path']} unreadable ({exc.strerror})")
        return
    except FileRejected as exc:
        done.problems.append(f"{where}: no longer passes the file rules ({exc.code})")
        return
    lineage = Lineage(event["sha256"], event["source_path"], event["archive_path"], timestamp(event["at"]))
    load_report(con, parsed, lineage, version=int(event["version"]))
    counts = (len(parsed.ledger), len(parsed.leads) if parsed.leads is not None else 0, len(parsed.issues))
    journaled = (event.get("ledger_rows"), event.get("lead_rows"), event.get("row_issues"))
    if counts != journaled:
        done.problems.append(f"{where}: rows {counts} differ from the journal's {journaled}")
    done.reports += 1


def replay_rejection(con: duckdb.DuckDBPyConnection, event: dict[str, Any], done: Replayed) -> None:
    rejection = Rejection(
        file=event["source_path"],
        reason_code=event["reason_code"],
        reason_zh=event["reason_zh"],
        reason_en=event["reason_en"],
        expected_zh="",
        expected_en="",
        sheet=event.get("sheet"),
        row=event.get("row"),
        column=event.get("column"),
        value=event.get("value"),
        sha256=event.get("sha256"),
        quarantine_path=event.get("quarantine_path"),
    )
    record_rejection(con, rejection, timestamp(event["at"]))
    done.rejections += 1


def replay_entries(con: duckdb.DuckDBPyConnection, event: dict[str, Any], done: Replayed) -> None:
    columns = ", ".join(
        ["file_sha256", "source_path", "archive_path", "version", "received_at", "year", "month", "sheet"]
        + list(ENTRY_FIELDS)
    )
    marks = ", ".join("?" for _ in range(8 + len(ENTRY_FIELDS)))
    head = [
        event["sha256"],
        event["source_path"],
        event["archive_path"],
        event["version"],
        timestamp(event["at"]),
        event["year"],
        event["month"],
        event["sheet"],
    ]
    for row in event["rows"]:
        con.execute(f"insert into raw.entry_rows ({columns}) values ({marks})", head + list(row))
    done.entries += 1


def replay(con: duckdb.DuckDBPyConnection, home: Home, events: list[tuple[int, dict[str, Any]]]) -> Replayed:
    """Load every ingestion event (the latest of each key, in journal order) into `con`'s raw tables."""
    done = Replayed()
    for _, event in latest_events(events):
        kind = event["event"]
        if kind == REPORT_ACCEPTED:
            replay_report(con, home, event, done)
        elif kind == FILE_REJECTED:
            replay_rejection(con, event, done)
        elif kind == ENTRIES_ACCEPTED:
            replay_entries(con, event, done)
    return done
