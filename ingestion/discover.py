"""Find the report files of an inbox: week folder, unit, format, CSV ledger/leads pairs and checksums.

A report is one workbook `<week>/<unit>.xlsx`, or one CSV ledger `<week>/<unit>.csv` together with the
optional `<week>/<unit>.leads.csv` beside it. The pair is one report version: its checksum is the sha256 of
the two files' sha256 digests (ledger, then leads); a lone file's checksum is its own sha256. So adding,
changing or removing the leads file makes a new version of the report, and re-sending both unchanged does not.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ingestion.limits import first_week, last_week

log = logging.getLogger(__name__)

WORKBOOK_SUFFIXES = frozenset({".xlsx", ".xlsm"})
LEADS_SUFFIX = ".leads.csv"
IGNORED_NAMES = frozenset({"thumbs.db", "desktop.ini"})
NO_WEEK = "_no_week"

_WEEK_FOLDER = re.compile(r"^(\d{4})-[Ww](\d{1,2})$")


@dataclass(frozen=True)
class Week:
    """An ISO week: label 2021-W05, Monday start, Sunday end."""

    iso_year: int
    iso_week: int

    @property
    def label(self) -> str:
        return f"{self.iso_year}-W{self.iso_week:02d}"

    @property
    def start(self) -> date:
        return date.fromisocalendar(self.iso_year, self.iso_week, 1)

    @property
    def end(self) -> date:
        return date.fromisocalendar(self.iso_year, self.iso_week, 7)


def parse_week_folder(name: str) -> Week | None:
    """Week of a folder named `YYYY-Www` (also `-w5`); None when the name is not a valid ISO week."""
    found = _WEEK_FOLDER.match(name)
    if not found:
        return None
    try:
        date.fromisocalendar(int(found[1]), int(found[2]), 1)
    except ValueError:
        return None
    return Week(int(found[1]), int(found[2]))


def looks_like_week(name: str) -> bool:
    """True for `YYYY-Www`-shaped names, valid or not (2021-W54 is shaped like a week but is none)."""
    return bool(_WEEK_FOLDER.match(name))


@dataclass(frozen=True)
class Candidate:
    """One report as found in the inbox (nothing read yet)."""

    source_path: str  # main file, relative to the inbox, posix: 2021-W05/P01.xlsx
    path: Path  # main file
    leads_path: Path | None  # <unit>.leads.csv beside a CSV ledger
    folder: str | None  # name of the parent folder, None for the inbox itself
    week: Week | None
    unit_text: str  # unit as written in the file name
    suffix: str  # .xlsx, .csv, .leads.csv (an orphan leads file), or anything else (unsupported)
    mtime: float
    kind: str = "file"  # file | symlink | special (a FIFO, socket or device: never opened)
    size: int = 0  # bytes of the main file (lstat)

    @property
    def week_in_range(self) -> bool:
        """The week is within the register's years and no later than next week (limits.py)."""
        return self.week is None or first_week() <= self.week.label <= last_week()

    @property
    def file_format(self) -> str:
        return "csv" if self.suffix in (".csv", LEADS_SUFFIX) else self.suffix.lstrip(".").lower()

    @property
    def quarantine_folder(self) -> str:
        return self.week.label if self.week else NO_WEEK

    @property
    def paths(self) -> list[Path]:
        return [self.path] + ([self.leads_path] if self.leads_path else [])

    @property
    def display_name(self) -> str:
        """The source path, with `+ <unit>.leads.csv` for a CSV pair."""
        return self.source_path + (f" + {self.leads_path.name}" if self.leads_path else "")


def _ignored(name: str) -> bool:
    return name.startswith((".", "~$")) or name.lower() in IGNORED_NAMES or name.endswith(".reason.txt")


def _files(folder: Path) -> Iterator[tuple[Path, str, os.stat_result]]:
    """(path, kind, lstat) of every entry below `folder`; symbolic links are listed, never followed, so
    nothing outside the inbox is read or moved and a link loop adds nothing."""
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda e: e.name)
    except OSError as exc:  # an unreadable folder is that folder's problem: the rest of the inbox loads
        log.warning("cannot list %s: %s", folder, exc)
        return
    for entry in entries:
        if _ignored(entry.name):
            continue
        try:
            info = entry.stat(follow_symlinks=False)
        except OSError as exc:
            log.warning("cannot stat %s: %s", entry.path, exc)
            continue
        path = Path(entry.path)
        if entry.is_symlink():
            yield path, "symlink", info
        elif entry.is_dir(follow_symlinks=False):
            yield from _files(path)
        elif entry.is_file(follow_symlinks=False):
            yield path, "file", info
        else:
            yield path, "special", info


def _suffix(name: str) -> str:
    lower = name.lower()
    if lower.endswith(LEADS_SUFFIX):
        return LEADS_SUFFIX
    return Path(lower).suffix


def discover(inbox: Path, weeks: set[str] | None = None) -> list[Candidate]:
    """Every report of the inbox, oldest first (mtime, then path).

    `weeks` restricts to those week folders; files outside any valid week folder are always returned (they
    belong to no week and are rejected by whichever run sees them first).
    """
    if not inbox.is_dir():
        return []
    # committee entries (ingestion/entries.py) are not weekly reports
    found = {
        path: (kind, info)
        for path, kind, info in _files(inbox)
        if path.relative_to(inbox).parts[0] != "entries"
    }
    files = list(found)
    regular = [path for path, (kind, _) in found.items() if kind == "file"]
    csv_ledgers = {(p.parent, p.name[:-4].lower()): p for p in regular if _suffix(p.name) == ".csv"}
    paired: dict[Path, Path] = {}
    for path in regular:
        if _suffix(path.name) == LEADS_SUFFIX:
            ledger = csv_ledgers.get((path.parent, path.name[: -len(LEADS_SUFFIX)].lower()))
            if ledger is not None:
                paired[ledger] = path
    leads_in_pairs = set(paired.values())
    out: list[Candidate] = []
    for path in files:
        if path in leads_in_pairs:
            continue
        relative = path.relative_to(inbox)
        folder = relative.parent.name if relative.parent != Path(".") else None
        week = parse_week_folder(folder) if folder else None
        kind, info = found[path]
        suffix = _suffix(path.name)
        leads = paired.get(path)
        unit_text = path.name[: len(path.name) - len(suffix)] if suffix else path.name
        mtime = max(found[p][1].st_mtime for p in ([path, leads] if leads else [path]))
        candidate = Candidate(
            relative.as_posix(), path, leads, folder, week, unit_text, suffix, mtime, kind, info.st_size
        )
        # a week outside the window belongs to no partition: always returned, and rejected (file_rules)
        if weeks is not None and week is not None and candidate.week_in_range and week.label not in weeks:
            continue
        out.append(candidate)
    out.sort(key=lambda c: (c.mtime, c.source_path))
    return out


@dataclass(frozen=True)
class Received:
    """The bytes of a report's files and its checksum (see the module docstring for CSV pairs)."""

    data: bytes
    leads_data: bytes | None
    sha256: str


def receive(candidate: Candidate) -> Received:
    """Read the report's files once and compute its checksum."""
    data = candidate.path.read_bytes()
    if candidate.leads_path is None:
        return Received(data, None, hashlib.sha256(data).hexdigest())
    leads = candidate.leads_path.read_bytes()
    digest = hashlib.sha256(hashlib.sha256(data).digest() + hashlib.sha256(leads).digest()).hexdigest()
    return Received(data, leads, digest)
