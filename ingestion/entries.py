"""Committee entries and outside figures (考核录入): workbooks in `<inbox>/entries/<YYYY-MM>/`.

One sheet (`考核录入`, else the workbook's first sheet; or a CSV) with a header row:
单位编号 (unit), 录入项 (the item code a method names with `entry:`), 数值 (value), 目标 (target, optional),
录入人 (who entered it), 理由 (why). Every row must be valid, or the whole file is quarantined with the reason
(`quarantine/entries/<YYYY-MM>/`), like a weekly report. A file sent again under the same name is a new
version and supersedes the earlier one; an identical file changes nothing. The entries count for the scored
month the folder names.

An entries file is a received file like a weekly report: the same walk (links, pipes and devices are never
followed or opened, `inbox/entries` or a month folder that is a link included), the same size limit and
inspection (ingestion/inspection.py) before any reader sees it, the same per-file rejection and quarantine
(ingestion/pipeline.py). Values must be finite numbers within ±ENTRY_VALUE_LIMIT; the month folder within
the register's years and no later than next month (ingestion/limits.py). One unit's entry for one item and
month lives in one file: an entries file repeating an entry another file of the month already holds is
rejected (a correction is the same file sent again, which supersedes it).
"""

from __future__ import annotations

import math
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb

from basics import journal as journal_events
from basics.terms import month_key
from ingestion.discover import Candidate, Received, walk
from ingestion.file_rules import FileRejected, check_format, unreadable
from ingestion.inspection import inspect_csv, inspect_workbook
from ingestion.limits import ENTRY_VALUE_LIMIT, first_month, last_month
from ingestion.readers import ReadError, Sheet, read_csv, read_workbook
from ingestion.values import UNPARSEABLE, clean_text, parse_decimal, raw_text
from ingestion.vocabulary import unit_code
from ingestion.warehouse_load import Lineage, insert_columns

ENTRIES_FOLDER = "entries"
NO_MONTH = "_no_month"
SHEET = "考核录入"
COLUMNS = {  # header -> (field, required)
    "单位编号": ("unit_code", True),
    "录入项": ("entry_code", True),
    "数值": ("value", True),
    "目标": ("target", False),
    "录入人": ("entered_by", True),
    "理由": ("reason", True),
}
PUT_BACK = ("月份文件夹（entries/YYYY-MM/）", "month folder (entries/YYYY-MM/)")
ENTRY_FIELDS = ("row_number", "unit_code", "entry_code", "value", "target", "entered_by", "reason")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)
_LIMIT_TEXT = f"{ENTRY_VALUE_LIMIT:,.0f}"
_TYPES = {
    "version": "integer",
    "received_at": "timestamp",
    "year": "integer",
    "month": "integer",
    "row_number": "integer",
    "value": "double",
    "target": "double",
}


@dataclass(frozen=True)
class EntriesOutcome:
    file: str
    version: int
    rows: int


@dataclass(frozen=True)
class EntriesFile:
    """An entries file that passed every rule: its month, sheet and rows (field -> value, row_number)."""

    year: int
    month: int
    sheet: str
    rows: list[dict[str, Any]]


def _kind(info: os.stat_result) -> str:
    if stat.S_ISLNK(info.st_mode):
        return "symlink"
    return "file" if stat.S_ISREG(info.st_mode) else "special"


def entry_candidates(inbox: Path) -> list[Candidate]:
    """Every file below `<inbox>/entries/`, oldest first, listed by the weekly reports' walk: links, pipes
    and devices are listed, never followed or opened. `entries` itself being a link (or no folder at all) is
    one candidate: the link is quarantined, nothing it points to is read or moved."""
    folder = inbox / ENTRIES_FOLDER
    try:
        info = folder.lstat()
    except OSError:
        return []
    if stat.S_ISDIR(info.st_mode):
        found = list(walk(folder))
    else:
        found = [(folder, _kind(info), info)]
    out = []
    for path, kind, info in found:
        relative = path.relative_to(inbox)
        parts = relative.parts
        month_folder = parts[1] if len(parts) == 3 else None  # entries/<month>/<file>
        out.append(
            Candidate(
                source_path=relative.as_posix(),
                path=path,
                leads_path=None,
                folder=month_folder,
                week=None,
                unit_text=path.stem,
                suffix=path.suffix.lower(),
                mtime=info.st_mtime,
                kind=kind,
                size=info.st_size,
            )
        )
    return sorted(out, key=lambda c: (c.mtime, c.source_path))


def quarantine_folder(candidate: Candidate) -> str:
    """`entries/<the month folder>` (the first folder below entries/), else `entries/_no_month`."""
    parts = Path(candidate.source_path).parts
    return f"{ENTRIES_FOLDER}/{parts[1] if len(parts) > 2 else NO_MONTH}"


def month_of(candidate: Candidate) -> tuple[int, int]:
    """(year, month) the file's folder names, within the register's years and no later than next month."""
    name = candidate.folder
    found = _MONTH.fullmatch(name) if name is not None else None
    if found is None or not 1 <= int(found[2]) <= 12:
        parent = Path(candidate.source_path).parent.as_posix()
        shown = name if name is not None else (parent if parent != "." else candidate.source_path)
        raise FileRejected(
            "no_month_folder",
            f"录入文件不在月份文件夹中（“{shown}”）",
            f"the entries file is not in a month folder ('{shown}')",
            "entries/YYYY-MM/文件名.xlsx",
            "entries/YYYY-MM/<name>.xlsx",
            value=shown,
        )
    year, month = int(found[1]), int(found[2])
    label = month_key(year, month)
    first, last = first_month(), last_month()
    if not first <= label <= last:
        raise FileRejected(
            "month_out_of_range",
            f"月份文件夹“{name}”不在 {first} 至 {last} 之间",
            f"month folder {name} is not between {first} and {last}",
            f"{first} 至 {last} 之间的月份文件夹（单位名册的起始年至下月）",
            f"a month folder from {first} to {last} (the register's first year to next month)",
            value=name,
        )
    return year, month


def _read_sheet(candidate: Candidate, data: bytes) -> Sheet:
    """The entries sheet, after the weekly reports' inspection (limits, encryption, DOCTYPE) of the bytes."""
    name = candidate.path.name
    csv = candidate.suffix == ".csv"
    try:
        if csv:
            inspect_csv(data, name)
            return read_csv(data, name)
        inspect_workbook(data, name)
        book = read_workbook(data)
        if not book.sheet_names:
            raise FileRejected(
                "no_sheet",
                f"工作簿中没有工作表（应有“{SHEET}”）",
                f"the workbook has no sheet (expected {SHEET})",
                f"名为“{SHEET}”的工作表",
                f"a sheet named {SHEET}",
                value=name,
            )
        return book.sheet(SHEET if SHEET in book.sheet_names else book.sheet_names[0])
    except ReadError as err:
        raise unreadable(
            err.detail,
            name,
            csv=csv,
            undecodable=err.undecodable,
            row=err.row,
            column=err.column,
            detail_zh=err.detail_zh,
        ) from None


def _number(value: Any, row: int, header: str, sheet: str, required: bool) -> float | None:
    """A finite decimal within ±ENTRY_VALUE_LIMIT (the weekly reports' decimal parser), or None when empty."""
    number = parse_decimal(value)
    where = {"sheet": sheet, "row": row, "column": header}
    if number is None:
        if required:
            raise FileRejected(
                "required", f"“{header}”为空", f"column {header} is empty", "一个数字", "a number", **where
            )
        return None
    big = isinstance(value, float) and math.isfinite(value) and abs(value) >= 1e15
    shown = repr(value) if big else (raw_text(value) or "")  # 1e+308, not its 309 digits
    expected_zh = f"-{_LIMIT_TEXT} 至 {_LIMIT_TEXT} 之间的有限数字"
    expected_en = f"a finite number from -{_LIMIT_TEXT} to {_LIMIT_TEXT}"
    if number is UNPARSEABLE:
        try:
            infinite = not math.isfinite(float(str(value).strip()))
        except (TypeError, ValueError):
            infinite = False
        if infinite:
            raise FileRejected(
                "not_finite",
                f"“{header}”的值“{shown}”不是有限的数字（NaN 或无穷大）",
                f"column {header}: '{shown}' is not a finite number (NaN or infinity)",
                expected_zh,
                expected_en,
                value=shown,
                **where,
            )
        raise FileRejected(
            "number",
            f"“{header}”的值“{shown}”不是数字",
            f"column {header}: '{shown}' is not a number",
            expected_zh,
            expected_en,
            value=shown,
            **where,
        )
    assert isinstance(number, float)
    if abs(number) > ENTRY_VALUE_LIMIT:
        raise FileRejected(
            "out_of_range",
            f"“{header}”的值“{shown}”超出范围",
            f"column {header}: '{shown}' is out of range",
            expected_zh,
            expected_en,
            value=shown,
            **where,
        )
    return number


def parse_entries(candidate: Candidate, received: Received) -> EntriesFile:
    """The month, sheet and rows of an entries file; raises FileRejected (pure: no warehouse, no moves)."""
    year, month = month_of(candidate)
    check_format(candidate)
    sheet = _read_sheet(candidate, received.data)
    rows = [[("" if c is None else c) for c in r] for r in sheet.rows]
    if not any(str(c).strip() for r in rows for c in r):
        raise FileRejected("empty", "文件为空", "the file is empty", "表头和数据行", "a header and rows")
    header = [re.sub(r"[\s*（）()]", "", str(c)) for c in rows[0]]
    positions: dict[str, int] = {}
    for name, (_, required) in COLUMNS.items():
        if name in header:
            positions[name] = header.index(name)
        elif required:
            raise FileRejected(
                "missing_column",
                f"缺少必填列“{name}”",
                f"the required column {name} is missing",
                "、".join(COLUMNS),
                ", ".join(COLUMNS),
                sheet=sheet.name,
                row=1,
                column=name,
            )
    out: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], int] = {}
    for number, cells in enumerate(rows[1:], start=2):
        if not any(str(c).strip() for c in cells):
            continue
        record: dict[str, Any] = {"row_number": number}
        for name, (field, required) in COLUMNS.items():
            at = positions.get(name)
            cell = cells[at] if at is not None and at < len(cells) else None
            if field in ("value", "target"):
                record[field] = _number(cell, number, name, sheet.name, required)
                continue
            text = clean_text(cell)
            if required and not text:
                raise FileRejected(
                    "required",
                    f"“{name}”为空",
                    f"column {name} is empty",
                    "填写" + name,
                    f"a value for {name}",
                    sheet=sheet.name,
                    row=number,
                    column=name,
                )
            record[field] = text
        code = unit_code(record["unit_code"])
        if code is None:
            raise FileRejected(
                "unknown_unit",
                f"的单位“{record['unit_code']}”不在单位名录中",
                f"unit '{record['unit_code']}' is not in the unit register",
                "单位名录中的单位编号",
                "a unit code of the register",
                sheet=sheet.name,
                row=number,
                column="单位编号",
                value=record["unit_code"],
            )
        record["unit_code"] = code
        key = (code, record["entry_code"])
        if key in seen:
            raise FileRejected(
                "unique",
                f"与第{seen[key]}行重复录入 {key[0]} 的“{key[1]}”",
                f"repeats {key[0]} / {key[1]} of row {seen[key]}",
                "每个单位每个录入项一行",
                "one row per unit and item",
                sheet=sheet.name,
                row=number,
                column="录入项",
                value=key[1],
            )
        seen[key] = number
        out.append(record)
    if not out:
        raise FileRejected(
            "empty",
            "文件中没有录入行",
            "the file has no entry rows",
            "表头和数据行",
            "a header and rows",
            sheet=sheet.name,
        )
    return EntriesFile(year, month, sheet.name, out)


def _check_other_files(con: duckdb.DuckDBPyConnection, parsed: EntriesFile, source: str) -> None:
    """Reject an entry (unit, item) that another file's current version already holds for the month."""
    held = {
        (unit, code): (path, row)
        for unit, code, path, row in con.execute(
            "select unit_code, entry_code, source_path, row_number from raw.entry_rows r "
            "where year = ? and month = ? and source_path <> ? and version = "
            "(select max(version) from raw.entry_rows v where v.source_path = r.source_path)",
            [parsed.year, parsed.month, source],
        ).fetchall()
    }
    for record in parsed.rows:
        clash = held.get((record["unit_code"], record["entry_code"]))
        if clash is None:
            continue
        other, row = clash
        month = month_key(parsed.year, parsed.month)
        raise FileRejected(
            "duplicate_entry",
            f"{record['unit_code']} 的录入项“{record['entry_code']}”已在同月的文件 {other} 第{row}行录入，"
            "不重复计入",
            f"the entry {record['unit_code']} / {record['entry_code']} for {month} is already in {other}, "
            f"row {row}; it is not counted twice",
            f"每月每个单位每个录入项只在一个文件中：更正请修改 {other} 后重新放入（同名文件即取代旧版），"
            "或删去本行",
            f"each unit's item once per month, in one file: to correct it, send {other} again (a file of the "
            "same name supersedes it), or delete this row",
            sheet=parsed.sheet,
            row=record["row_number"],
            column="录入项",
            value=record["entry_code"],
        )


def load_entries(
    con: duckdb.DuckDBPyConnection, parsed: EntriesFile, lineage: Lineage, journal: Path | None = None
) -> int:
    """Insert the file's rows as its next version in one transaction; return the version. Raises
    FileRejected (nothing inserted) when another file of the month already holds one of its entries. The
    event (with its rows) is appended to `journal` before the commit."""
    con.execute("begin transaction")
    try:
        _check_other_files(con, parsed, lineage.source_path)
        version = con.execute(
            "select coalesce(max(version), 0) + 1 from raw.entry_rows where source_path = ?",
            [lineage.source_path],
        ).fetchone()[0]
        n = len(parsed.rows)
        if n:
            columns: dict[str, list[Any]] = {
                "file_sha256": [lineage.sha256] * n,
                "source_path": [lineage.source_path] * n,
                "archive_path": [lineage.archive_path] * n,
                "version": [version] * n,
                "received_at": [lineage.received_at] * n,
                "year": [parsed.year] * n,
                "month": [parsed.month] * n,
                "sheet": [parsed.sheet] * n,
            }
            for field in ENTRY_FIELDS:
                columns[field] = [r[field] for r in parsed.rows]
            insert_columns(con, "raw.entry_rows", columns, _TYPES)
        if journal is not None:
            journal_events.append(
                journal,
                journal_events.ENTRIES_ACCEPTED,
                at=lineage.received_at,
                source_path=lineage.source_path,
                sha256=lineage.sha256,
                archive_path=lineage.archive_path,
                version=version,
                year=parsed.year,
                month=parsed.month,
                sheet=parsed.sheet,
                rows=[[r[k] for k in ENTRY_FIELDS] for r in parsed.rows],
            )
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return int(version)
