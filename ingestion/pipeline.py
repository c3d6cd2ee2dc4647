"""Ingestion entry point: new or changed reports → archive → rules → raw tables or quarantine.

Committee entries files (`entries/YYYY-MM/*`, ingestion/entries.py) go through the same steps: the same
walk, size limit and read (`_receive`), archive, inspection, per-file rejection and quarantine (`_reject`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import duckdb

from basics.home import Home
from ingestion import entries
from ingestion.archive import archive_report
from ingestion.discover import Candidate, Received, discover, receive
from ingestion.file_rules import FileRejected, check_entry
from ingestion.inbox_state import Seen, known_sha, remember, seen_files
from ingestion.inspection import check_file_size
from ingestion.outcomes import FileOutcome, IngestReport, Rejection
from ingestion.parsed_report import parse_report
from ingestion.quarantine import WEEK_FOLDER, quarantine_report
from ingestion.warehouse_load import Lineage, connect, ingested_keys, load_report, record_rejection

log = logging.getLogger(__name__)


def ingest_inbox(
    home: Home,
    inbox: Path | None = None,
    weeks: set[str] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Ingest every report of the inbox whose (relative path, sha256) is not stored yet, oldest first.

    `weeks` restricts to those week folders (files outside any valid week folder are always handled).
    Accepted files stay in the inbox; rejected ones are moved to quarantine. Both are archived. A failure
    while loading a report rolls its transaction back and is raised (the file stays in the inbox).
    """
    home.ensure()
    folder = inbox if inbox is not None else home.inbox
    candidates = discover(folder, weeks)
    report = IngestReport()
    con = connect(home.warehouse)
    try:
        stored = ingested_keys(con)
        seen = seen_files(con, home, folder)
        for done, candidate in enumerate(candidates, start=1):
            _ingest_one(home, con, folder, candidate, stored, seen, report)
            if progress is not None:
                progress(done, len(candidates))
        for candidate in entries.entry_candidates(folder):
            _ingest_entries(home, con, candidate, stored, report)
    finally:
        con.close()
    for line in report.summary_lines():
        log.info(line)
    return report


def _ingest_one(
    home: Home,
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    candidate: Candidate,
    stored: set[tuple[str, str]],
    seen: Seen,
    report: IngestReport,
) -> None:
    if candidate.kind == "file":  # unchanged size and mtime since it was ingested: not read again
        sha = known_sha(inbox, candidate.paths, seen)
        if sha is not None and (candidate.source_path, sha) in stored:
            report.skipped.append(candidate.source_path)
            return
    try:
        received = _receive(candidate)
    except FileRejected as rejected:  # never read: a link, a pipe, too large or unreadable
        report.rejected.append(_reject(home, con, candidate, None, rejected, None, datetime.now()))
        return
    key = (candidate.source_path, received.sha256)
    if key in stored:
        report.skipped.append(candidate.source_path)
        remember(con, home, inbox, candidate.paths, received.sha256)
        return
    archive_path = archive_report(home, candidate, received)
    now = datetime.now()
    try:
        parsed = parse_report(candidate, received)
    except FileRejected as rejected:
        report.rejected.append(_reject(home, con, candidate, received.sha256, rejected, archive_path, now))
        stored.add(key)
        return
    lineage = Lineage(received.sha256, candidate.source_path, archive_path, now)
    version = load_report(con, parsed, lineage, journal=home.journal)
    stored.add(key)
    remember(con, home, inbox, candidate.paths, received.sha256)
    report.add_accepted(
        FileOutcome(
            file=candidate.source_path,
            sha256=received.sha256,
            unit_code=parsed.unit_code,
            week_label=parsed.week.label,
            version=version,
            ledger_rows=len(parsed.ledger),
            lead_rows=len(parsed.leads) if parsed.leads is not None else 0,
            row_issues=len(parsed.issues),
            warnings=tuple(w.message() for w in parsed.warnings),
        )
    )


def _ingest_entries(
    home: Home,
    con: duckdb.DuckDBPyConnection,
    candidate: Candidate,
    stored: set[tuple[str, str]],
    report: IngestReport,
) -> None:
    """One committee entries file: read, archive, validate and load as its next version, or quarantine."""
    folder, put_back = entries.quarantine_folder(candidate), entries.PUT_BACK
    try:
        received = _receive(candidate)
    except FileRejected as rejected:
        report.rejected.append(
            _reject(home, con, candidate, None, rejected, None, datetime.now(), folder, put_back)
        )
        return
    key = (candidate.source_path, received.sha256)
    if key in stored:
        return
    archive_path = archive_report(home, candidate, received)
    now = datetime.now()
    try:
        parsed = entries.parse_entries(candidate, received)
        lineage = Lineage(received.sha256, candidate.source_path, archive_path, now)
        version = entries.load_entries(con, parsed, lineage, home.journal)
    except FileRejected as rejected:
        report.rejected.append(
            _reject(home, con, candidate, received.sha256, rejected, archive_path, now, folder, put_back)
        )
        stored.add(key)
        return
    stored.add(key)
    report.entries.append(entries.EntriesOutcome(candidate.source_path, version, len(parsed.rows)))


def _receive(candidate: Candidate) -> Received:
    """The report's bytes, once the entry is known to be a regular file within the size limit."""
    check_entry(candidate)
    for path in candidate.paths:
        size = candidate.size if path == candidate.path else path.lstat().st_size
        check_file_size(size, path.name)
    try:
        return receive(candidate)
    except OSError as exc:
        raise FileRejected(
            "unreadable_file",
            f"无法读取文件（{exc.strerror or exc}）",
            f"the file cannot be read ({exc.strerror or exc})",
            "数据员有读取权限的普通文件",
            "a regular file the data officer's account may read",
            value=candidate.path.name,
        ) from exc


def _reject(
    home: Home,
    con: duckdb.DuckDBPyConnection,
    candidate: Candidate,
    sha256: str | None,
    rejected: FileRejected,
    archive_path: str | None,
    now: datetime,
    folder: str | None = None,
    put_back: tuple[str, str] = WEEK_FOLDER,
) -> Rejection:
    """Record the rejection and move the file(s) to quarantine/<folder> (default: the week's; the DB row
    commits once they are moved; a file the file system refuses to move stays in the inbox, and the reason
    says so)."""
    reason_zh, reason_en = rejected.reasons(candidate.display_name)
    rejection = Rejection(
        file=candidate.source_path,
        reason_code=rejected.code,
        reason_zh=reason_zh,
        reason_en=reason_en,
        expected_zh=rejected.expected_zh,
        expected_en=rejected.expected_en,
        sheet=rejected.sheet,
        row=rejected.row,
        column=rejected.column,
        value=rejected.value,
        sha256=sha256,
    )
    target = home.quarantine / (folder or candidate.quarantine_folder)
    con.execute("begin transaction")
    try:
        moved = quarantine_report(home, target, candidate, rejection, archive_path, now, put_back)
        rejection = replace(rejection, quarantine_path=moved or f"(not moved) {candidate.source_path}")
        record_rejection(con, rejection, now, home.journal)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    log.warning(rejection.message())
    return rejection
