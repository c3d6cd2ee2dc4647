"""What the warehouse already holds of an inbox: (path, size, mtime_ns, sha256) of every file ingested.

A file whose size and mtime are those last seen is recognised without being read again (no checksum); one
whose size or mtime changed is read and hashed as before, and is new only if its checksum is. The command
line and the inbox sensor ask `nothing_new` before they start a run.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path

import duckdb

from basics.home import Home
from ingestion.discover import Candidate, discover

Seen = dict[str, tuple[int, int, str]]  # relative path -> (size, mtime_ns, sha256)

# files ingested, still backed by an accepted report or entries file (or a recorded rejection)
SEEN_SQL = """
select f.source_path, f.size, f.mtime_ns, f.file_sha256
from raw.inbox_files f
where f.inbox = ?
  and f.file_sha256 in (
      select file_sha256 from raw.report_files
      union all select file_sha256 from raw.entry_rows
      union all select file_sha256 from raw.rejected_files where file_sha256 is not null
  )
"""


def inbox_key(home: Home, inbox: Path) -> str:
    """`inbox` for the home's own inbox (a copied home keeps its record), else the folder's absolute path."""
    folder = inbox.resolve()
    return "inbox" if folder == home.inbox.resolve() else str(folder)


def stat_of(path: Path) -> tuple[int, int] | None:
    """(size, mtime_ns) of a regular file (never following a link), None otherwise."""
    try:
        st = path.lstat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns) if os.path.isfile(path) and not path.is_symlink() else None


def seen_files(con: duckdb.DuckDBPyConnection, home: Home, inbox: Path) -> Seen:
    exists = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'inbox_files'"
    ).fetchone()[0]
    if not exists:
        return {}
    return {
        p: (size, mtime, sha)
        for p, size, mtime, sha in con.execute(SEEN_SQL, [inbox_key(home, inbox)]).fetchall()
    }


def _relative(inbox: Path, path: Path) -> str:
    return path.relative_to(inbox).as_posix()


def known_sha(inbox: Path, paths: Iterable[Path], seen: Seen) -> str | None:
    """The checksum of a report whose every file is unchanged since it was ingested, else None."""
    shas = set()
    for path in paths:
        now, was = stat_of(path), seen.get(_relative(inbox, path))
        if now is None or was is None or now != was[:2]:
            return None
        shas.add(was[2])
    return shas.pop() if len(shas) == 1 else None


def remember(
    con: duckdb.DuckDBPyConnection, home: Home, inbox: Path, paths: Iterable[Path], sha256: str
) -> None:
    """Record the files of an ingested report (or entries file) as seen, with their current size and mtime."""
    now = datetime.now()
    for path in paths:
        stat = stat_of(path)
        if stat is not None:
            con.execute(
                "insert or replace into raw.inbox_files values (?, ?, ?, ?, ?, ?)",
                [inbox_key(home, inbox), _relative(inbox, path), *stat, sha256, now],
            )


def entry_files(inbox: Path) -> list[Path]:
    """Every entry below `<inbox>/entries/` (links and other non-files included: they make the inbox not
    "unchanged", so a real run handles them)."""
    folder = inbox / "entries"
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        return [folder]
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.rglob("*")
        if not (p.is_dir() and not p.is_symlink())
        and not p.name.startswith((".", "~$"))
        and not p.name.endswith(".reason.txt")
    )


def _candidate_known(inbox: Path, candidate: Candidate, seen: Seen) -> bool:
    return candidate.kind == "file" and known_sha(inbox, candidate.paths, seen) is not None


def nothing_new(con: duckdb.DuckDBPyConnection, home: Home, inbox: Path) -> tuple[bool, int]:
    """(True, files) when every report and entries file of the inbox is unchanged since it was ingested."""
    seen = seen_files(con, home, inbox)
    if not seen:
        return False, 0
    candidates = discover(inbox)
    entries = entry_files(inbox)
    known = all(_candidate_known(inbox, c, seen) for c in candidates) and all(
        known_sha(inbox, [p], seen) is not None for p in entries
    )
    return known, len(candidates) + len(entries)


def already_ingested(
    con: duckdb.DuckDBPyConnection, home: Home, inbox: Path, relative_paths: Iterable[str]
) -> list[str]:
    """Those of `relative_paths` whose size and mtime are as ingested (the sensor's question)."""
    seen = seen_files(con, home, inbox)
    out = []
    for rel in relative_paths:
        was = seen.get(rel)
        if was is not None and stat_of(inbox / rel) == was[:2]:
            out.append(rel)
    return out
