"""The home's journal (流水日志): `<home>/journal/ingest.jsonl`, one JSON object per line, append-only.

Every ingestion event (a weekly report accepted or superseding an earlier version, a file rejected, a
committee entries file accepted) and every submission record is appended here, fsync'd, inside the same
transaction that writes it to the warehouse (before its commit). With the archive, the journal is enough to
recreate the raw tables and `submissions.frozen_files` (`zhaoshang rebuild`): a line whose commit then failed
is journaled again when the same file is ingested again, and the replay keeps the last event of each key.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any

SCHEMA = 1
REPORT_ACCEPTED = "report_accepted"
FILE_REJECTED = "file_rejected"
ENTRIES_ACCEPTED = "entries_accepted"
SUBMISSION_RECORDED = "submission_recorded"


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def encode(event: str, **fields: Any) -> bytes:
    """One journal line."""
    record = {"event": event, "schema": SCHEMA, **fields}
    return (json.dumps(record, ensure_ascii=False, sort_keys=True, default=_plain) + "\n").encode("utf-8")


def append(journal: Path, event: str, **fields: Any) -> None:
    """Append one event and fsync it (the folder too, when the journal is new)."""
    write(journal, encode(event, **fields))


def write(journal: Path, line: bytes) -> None:
    """Append bytes (whole lines) and fsync them."""
    created = not journal.exists()
    journal.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(journal, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    size = os.fstat(fd).st_size
    try:
        view = memoryview(line)
        while view:
            view = view[os.write(fd, view) :]
        os.fsync(fd)
    except BaseException:  # a full disk: no half line may stay for the next event to be glued to
        os.ftruncate(fd, size)
        raise
    finally:
        os.close(fd)
    if created:
        folder = os.open(journal.parent, os.O_RDONLY)
        try:
            os.fsync(folder)
        finally:
            os.close(folder)


def read(journal: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, event) of every complete line; a last line cut short by a crash is skipped, a broken
    line elsewhere raises ValueError naming it."""
    if not journal.exists():
        return
    lines = journal.read_bytes().split(b"\n")
    last = len(lines) - 1  # the part after the final newline: empty, or a line a crash cut short
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            record = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            if number - 1 == last:
                return
            raise ValueError(f"{journal}:{number} is not a JSON line") from None
        if not isinstance(record, dict) or "event" not in record:
            raise ValueError(f"{journal}:{number} is not a journal event")
        yield number, record


def timestamp(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
