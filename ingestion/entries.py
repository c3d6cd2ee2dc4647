"""Committee entries and outside figures (考核录入): workbooks in `<inbox>/entries/<YYYY-MM>/`.

One sheet (`考核录入`, else the workbook's only sheet; or a CSV) with a header row:
单位编号 (unit), 录入项 (the item code a method names with `entry:`), 数值 (value), 目标 (target, optional),
录入人 (who entered it), 理由 (why). Every row must be valid, or the whole file is quarantined with the reason
(`quarantine/entries/<YYYY-MM>/`), like a weekly report. A file sent again under the same name is a new
version and supersedes the earlier one; an identical file changes nothing. The entries count for the scored
month the folder names.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from basics.home import Home
from basics.registers import units
from ingestion.outcomes import Rejection
from ingestion.readers import ReadError, read_csv, read_workbook
from ingestion.warehouse_load import record_rejection

ENTRIES_FOLDER = "entries"
SHEET = "考核录入"
COLUMNS = {  # header -> (field, required)
    "单位编号": ("unit_code", True),
    "录入项": ("entry_code", True),
    "数值": ("value", True),
    "目标": ("target", False),
    "录入人": ("entered_by", True),
    "理由": ("reason", True),
}
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class EntriesOutcome:
    file: str
    version: int
    rows: int


class EntriesRejected(Exception):
    def __init__(self, code: str, zh: str, en: str, expected_zh: str, expected_en: str, **where: Any) -> None:
        super().__init__(en)
        self.code, self.zh, self.en = code, zh, en
        self.expected_zh, self.expected_en = expected_zh, expected_en
        self.where = where


def entry_files(inbox: Path) -> list[Path]:
    """Every file under `<inbox>/entries/`, oldest first."""
    folder = inbox / ENTRIES_FOLDER
    if not folder.is_dir():
        return []
    files = [  # symbolic links are never followed: nothing outside the inbox is read or moved
        p
        for p in folder.rglob("*")
        if not p.is_symlink()
        and p.is_file()
        and not p.name.startswith((".", "~$"))
        and not p.name.endswith(".reason.txt")
    ]
    return sorted(files, key=lambda p: (p.stat().st_mtime, p.as_posix()))


def _number(value: Any, row: int, header: str, sheet: str, required: bool) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise EntriesRejected(
                "required",
                f"第{row}行“{header}”为空",
                f"row {row}, column {header} is empty",
                "一个数字",
                "a number",
                sheet=sheet,
                row=row,
                column=header,
            )
        return None
    try:
        return float(str(value).replace(",", "").strip())
    except ValueError:
        raise EntriesRejected(
            "number",
            f"第{row}行“{header}”的值“{value}”不是数字",
            f"row {row}, column {header}: '{value}' is not a number",
            "一个数字",
            "a number",
            sheet=sheet,
            row=row,
            column=header,
            value=str(value),
        ) from None


def parse_entries(path: Path, data: bytes, month_folder: str) -> tuple[int, int, str, list[dict[str, Any]]]:
    """(year, month, sheet, rows) of an entries file; raises EntriesRejected."""
    found = _MONTH.match(month_folder)
    if not found or not 1 <= int(found[2]) <= 12:
        raise EntriesRejected(
            "no_month_folder",
            f"录入文件不在月份文件夹中（“{month_folder}”）",
            f"the entries file is not in a month folder ('{month_folder}')",
            "entries/YYYY-MM/文件名.xlsx",
            "entries/YYYY-MM/<name>.xlsx",
        )
    year, month = int(found[1]), int(found[2])
    try:
        if path.suffix.lower() == ".csv":
            sheet = read_csv(data, path.name)
        elif path.suffix.lower() in (".xlsx", ".xlsm"):
            book = read_workbook(data)
            name = SHEET if SHEET in book.sheet_names else book.sheet_names[0]
            sheet = book.sheet(name)
        else:
            raise ReadError(f"unsupported file type {path.suffix}")
    except ReadError as err:
        raise EntriesRejected(
            "unreadable",
            f"无法读取文件（{err.detail}）",
            f"the file cannot be read ({err.detail})",
            ".xlsx 或 .csv 文件",
            "an .xlsx or .csv file",
        ) from None
    rows = [[("" if c is None else c) for c in r] for r in sheet.rows]
    if not rows:
        raise EntriesRejected("empty", "文件为空", "the file is empty", "表头和数据行", "a header and rows")
    header = [re.sub(r"[\s*（）()]", "", str(c)) for c in rows[0]]
    positions: dict[str, int] = {}
    for name, (_, required) in COLUMNS.items():
        if name in header:
            positions[name] = header.index(name)
        elif required:
            raise EntriesRejected(
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

        def cell(name: str, cells: list = cells) -> Any:
            at = positions.get(name)
            return cells[at] if at is not None and at < len(cells) else None

        record: dict[str, Any] = {"row_number": number}
        for name, (field, required) in COLUMNS.items():
            if field in ("value", "target"):
                record[field] = _number(cell(name), number, name, sheet.name, required)
                continue
            text = str(cell(name) or "").strip()
            if required and not text:
                raise EntriesRejected(
                    "required",
                    f"第{number}行“{name}”为空",
                    f"row {number}, column {name} is empty",
                    "填写" + name,
                    f"a value for {name}",
                    sheet=sheet.name,
                    row=number,
                    column=name,
                )
            record[field] = text or None
        if record["unit_code"] not in units():
            raise EntriesRejected(
                "unknown_unit",
                f"第{number}行的单位“{record['unit_code']}”不在单位名录中",
                f"row {number}: unit '{record['unit_code']}' is not in the unit register",
                "单位名录中的单位编号",
                "a unit code of the register",
                sheet=sheet.name,
                row=number,
                column="单位编号",
                value=record["unit_code"],
            )
        key = (record["unit_code"], record["entry_code"])
        if key in seen:
            raise EntriesRejected(
                "unique",
                f"第{number}行与第{seen[key]}行重复录入 {key[0]} 的“{key[1]}”",
                f"row {number} repeats {key[0]} / {key[1]} of row {seen[key]}",
                "每个单位每个录入项一行",
                "one row per unit and item",
                sheet=sheet.name,
                row=number,
            )
        seen[key] = number
        out.append(record)
    return year, month, sheet.name, out


def ingest_entries(home: Home, con: duckdb.DuckDBPyConnection, inbox: Path) -> tuple[list, list[Rejection]]:
    """Load every new or changed entries file of the inbox; quarantine bad ones."""
    accepted: list[EntriesOutcome] = []
    rejected: list[Rejection] = []
    stored = {
        (p, s)
        for p, s in con.execute(
            "select distinct source_path, file_sha256 from raw.entry_rows "
            "union select source_path, file_sha256 from raw.rejected_files where file_sha256 is not null"
        ).fetchall()
    }
    for path in entry_files(inbox):
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        source = path.relative_to(inbox).as_posix()
        if (source, sha) in stored:
            continue
        archive = home.archive / sha[:2] / f"{sha}{path.suffix.lower()}"
        if not archive.exists():
            archive.parent.mkdir(parents=True, exist_ok=True)
            archive.write_bytes(data)
        archive_path = archive.relative_to(home.root).as_posix()
        now = datetime.now()
        try:
            year, month, sheet, rows = parse_entries(path, data, path.parent.name)
        except EntriesRejected as err:
            rejected.append(_quarantine(home, con, inbox, path, source, sha, err, now))
            continue
        con.execute("begin transaction")
        try:
            version = con.execute(
                "select coalesce(max(version), 0) + 1 from raw.entry_rows where source_path = ?", [source]
            ).fetchone()[0]
            for r in rows:
                con.execute(
                    "insert into raw.entry_rows values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [sha, source, archive_path, version, now, year, month, sheet, r["row_number"]]
                    + [
                        r["unit_code"],
                        r["entry_code"],
                        r["value"],
                        r["target"],
                        r["entered_by"],
                        r["reason"],
                    ],
                )
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise
        accepted.append(EntriesOutcome(source, version, len(rows)))
    return accepted, rejected


def _quarantine(
    home: Home,
    con: duckdb.DuckDBPyConnection,
    inbox: Path,
    path: Path,
    source: str,
    sha: str,
    err: EntriesRejected,
    now: datetime,
) -> Rejection:
    folder = home.quarantine / ENTRIES_FOLDER / path.parent.name
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / path.name
    n = 2
    while target.exists():
        target = folder / f"{path.stem}.{n}{path.suffix}"
        n += 1
    rejection = Rejection(
        file=source,
        reason_code=err.code,
        reason_zh=f"{source}：{err.zh}",
        reason_en=f"{source}: {err.en}",
        expected_zh=err.expected_zh,
        expected_en=err.expected_en,
        sheet=err.where.get("sheet"),
        row=err.where.get("row"),
        column=err.where.get("column"),
        value=err.where.get("value"),
        sha256=sha,
        quarantine_path=target.relative_to(home.root).as_posix(),
    )
    con.execute("begin transaction")
    try:
        record_rejection(con, rejection, now)
        Path(str(target) + ".reason.txt").write_text(
            f"拒收原因：{rejection.reason_zh}\nReason: {rejection.reason_en}\n"
            f"应为 / Expected: {rejection.expected}\n",
            encoding="utf-8",
        )
        shutil.move(path, target)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return rejection
