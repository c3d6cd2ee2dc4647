"""The bureau's configuration folder (`<home>/config/`): its registers as plain CSV files an officer edits.

`zhaoshang init` (and `demo`) copy the bundled defaults (zhaoshang/defaults/) into a new home; after that only
the home's copy is read. Each file is untrusted input: read within limits (size, rows, columns, cell length),
as UTF-8 (with or without BOM) or else GB18030 (what WPS/Excel save), every cell checked against its column's
kind. A mistake is one `ConfigProblem` naming file, line and column, Chinese first.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from basics.home import DEFAULTS_DIR, Home

MAX_BYTES = 1024 * 1024
MAX_ROWS = 10_000
MAX_COLUMNS = 60
MAX_CELL = 500

METHODS_FOLDER = "考核办法"  # the method files and their register (register.yml), docs/METHOD_FILES.md


@dataclass(frozen=True)
class Register:
    """One CSV of the folder: its table name (the dbt model and `raw.config_<name>`), file and columns."""

    name: str
    file: str  # the name in the home (Chinese: the officer opens it)
    title_zh: str
    columns: dict[str, str]  # column -> kind (text, code, integer, number, boolean, date)
    required: tuple[str, ...]
    extra: str | None = None  # a regular expression further columns may match (their kind: number)


CODE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,39}\Z")
EXTRA_TARGET = r"target_[A-Za-z][A-Za-z0-9_]{0,30}\Z"

REGISTERS: dict[str, Register] = {
    r.name: r
    for r in (
        Register(
            "units",
            "单位名册.csv",
            "单位名册",
            {
                "unit_code": "code",
                "name_zh": "text",
                "unit_type": "code",
                "active_from": "date",
                "active_to": "date",
            },
            ("unit_code", "name_zh", "unit_type", "active_from"),
        ),
        Register(
            "targets",
            "单位年度目标.csv",
            "单位年度目标",
            {"year": "integer", "unit_code": "code"},
            ("year", "unit_code"),
            EXTRA_TARGET,
        ),
        Register(
            "district_targets",
            "全区年度目标.csv",
            "全区年度目标",
            {"year": "integer", "indicator": "code", "target": "number", "unit": "text", "source": "text"},
            ("year", "indicator", "target"),
        ),
        Register(
            "industries",
            "产业类别.csv",
            "产业类别",
            {
                "industry_code": "code",
                "label_zh": "text",
                "is_industrial": "boolean",
                "sort_order": "integer",
            },
            ("industry_code", "label_zh", "is_industrial"),
        ),
        Register(
            "investor_types",
            "企业类型.csv",
            "企业类型",
            {
                "investor_type_code": "code",
                "label_zh": "text",
                "is_quality": "boolean",
                "sort_order": "integer",
            },
            ("investor_type_code", "label_zh", "is_quality"),
        ),
        Register(
            "origins",
            "来源地.csv",
            "来源地",
            {"origin_code": "code", "label_zh": "text", "is_out_of_city": "boolean", "sort_order": "integer"},
            ("origin_code", "label_zh", "is_out_of_city"),
        ),
        Register(
            "stages",
            "项目阶段.csv",
            "项目阶段",
            {
                "stage_code": "code",
                "label_zh": "text",
                "stage_order": "integer",
                "is_signed": "boolean",
                "requires_signed_on": "boolean",
                "requires_landed_on": "boolean",
                "requires_started_on": "boolean",
                "requires_producing_on": "boolean",
            },
            ("stage_code", "label_zh", "stage_order", "is_signed"),
        ),
        Register(
            "scoring_parameters",
            "预警与评分参数.csv",
            "预警与评分参数",
            {"parameter": "code", "value": "number", "description": "text"},
            ("parameter", "value"),
        ),
    )
}

# the DuckDB type of each kind (raw.config_<name>); a value is always bound, never written into SQL
SQL_TYPES = {
    "text": "varchar",
    "code": "varchar",
    "integer": "integer",
    "number": "double",
    "boolean": "boolean",
    "date": "date",
}
KIND_ZH = {
    "text": "文字",
    "code": "字母开头的编号（字母、数字、下划线）",
    "integer": "整数",
    "number": "数字",
    "boolean": "true 或 false（是/否）",
    "date": "日期，如 2021-01-01",
}
TRUE, FALSE = {"true", "是", "1", "yes", "y"}, {"false", "否", "0", "no", "n"}


@dataclass
class ConfigProblem:
    """One mistake in the configuration folder: file, line, column (or key), Chinese then English."""

    file: str
    line: int
    key: str
    zh: str
    en: str

    def sentence(self) -> str:
        where = f"{self.file}, line {self.line}, {self.key}"
        return f"{self.file} 第{self.line}行 {self.key}：{self.zh} / {where}: {self.en}"


class ConfigErrors(Exception):
    """Every mistake found in the configuration folder."""

    def __init__(self, problems: list) -> None:
        super().__init__("\n".join(p.sentence() for p in problems))
        self.problems = problems


@dataclass
class Table:
    """A register as read: typed rows (None for an empty cell), the line of each row, the file's bytes."""

    register: Register
    path: Path
    columns: list[str]
    rows: list[dict[str, object]]
    lines: list[int]
    sha256: str
    size: int

    def kinds(self) -> dict[str, str]:
        return {c: self.register.columns.get(c, "number") for c in self.columns}


def shown(value: object, limit: int = 60) -> str:
    """A value from the file as it may be printed: control characters dropped, cut to `limit`."""
    text = "".join(ch for ch in str(value) if ch.isprintable())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def decode(data: bytes) -> str | None:
    """UTF-8 (a BOM dropped), else GB18030; None when neither reads it."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def parse_cell(text: str, kind: str) -> object:
    """The typed value of a cell, or raise ValueError."""
    if kind == "text":
        return text
    if kind == "code":
        if not CODE.match(text):
            raise ValueError
        return text
    if kind == "integer":
        if not re.fullmatch(r"[+-]?\d{1,9}", text):
            raise ValueError
        return int(text)
    if kind == "number":
        number = float(text)
        if number != number or number in (float("inf"), float("-inf")) or abs(number) > 1e12:
            raise ValueError
        return number
    if kind == "boolean":
        if text.lower() in TRUE:
            return True
        if text.lower() in FALSE:
            return False
        raise ValueError
    if kind == "date":
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
            raise ValueError
        return date.fromisoformat(text)
    raise AssertionError(kind)


def read_table(register: Register, path: Path, display: str | None = None) -> tuple[Table | None, list]:
    """The register's file read and checked cell by cell; (None, problems) when it cannot be read at all."""
    file = display or path.name
    problems: list[ConfigProblem] = []

    def problem(line: int, key: str, zh: str, en: str) -> None:
        problems.append(ConfigProblem(file, line, key, zh, en))

    if not path.is_file():
        problem(1, "-", f"缺少文件（{register.title_zh}）", "the file is missing")
        return None, problems
    size = path.stat().st_size
    if size > MAX_BYTES:
        problem(
            1, "-", f"文件过大（{size} 字节，最多 {MAX_BYTES} 字节）", f"the file is too large ({size} bytes)"
        )
        return None, problems
    data = path.read_bytes()
    text = decode(data)
    if text is None:
        problem(
            1,
            "-",
            "文件编码无法识别：请存为 UTF-8 或 GB18030 的 CSV",
            "the file is neither UTF-8 nor GB18030",
        )
        return None, problems
    try:
        records = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        problem(1, "-", f"不是有效的 CSV 文件（{shown(exc)}）", f"not a valid CSV file ({shown(exc)})")
        return None, problems
    if not records or not any(cell.strip() for cell in records[0]):
        problem(1, "-", "文件为空，第一行应为列名", "the file is empty; the first line must name the columns")
        return None, problems
    header = [cell.strip() for cell in records[0]]
    if len(header) > MAX_COLUMNS:
        problem(
            1, "-", f"列过多（{len(header)} 列，最多 {MAX_COLUMNS} 列）", f"too many columns ({len(header)})"
        )
        return None, problems
    known = list(register.columns)
    for number, column in enumerate(header, start=1):
        if column in known or (register.extra and re.match(register.extra, column)):
            if header.index(column) != number - 1:
                problem(1, shown(column), "列名重复", "the column is named twice")
            continue
        names = ", ".join(known)
        problem(
            1,
            shown(column) or f"第{number}列",
            f"未知的列名“{shown(column)}”，可用的列：{names}"
            + ("，以及 target_ 加指标编号（如 target_K）" if register.extra else ""),
            f"unknown column '{shown(column)}' (expected: {names}"
            + (", or target_ followed by an item code, e.g. target_K)" if register.extra else ")"),
        )
    for column in register.required:
        if column not in header:
            problem(1, column, f"缺少必填列“{column}”", f"the required column '{column}' is missing")
    if problems:
        return None, problems
    body = [
        (number, record)
        for number, record in enumerate(records[1:], start=2)
        if any(c.strip() for c in record)
    ]
    if len(body) > MAX_ROWS:
        problem(1, "-", f"行数过多（{len(body)} 行，最多 {MAX_ROWS} 行）", f"too many rows ({len(body)})")
        return None, problems
    kinds = {c: register.columns.get(c, "number") for c in header}
    rows: list[dict[str, object]] = []
    lines: list[int] = []
    for line, record in body:
        if len(record) > len(header):
            problem(
                line, "-", f"本行有 {len(record)} 格，多于列名的 {len(header)} 列", "more cells than columns"
            )
            continue
        row: dict[str, object] = {}
        for column, cell in zip(header, record + [""] * (len(header) - len(record)), strict=True):
            cell = cell.strip()
            if len(cell) > MAX_CELL:
                row[column] = None
                problem(
                    line,
                    column,
                    f"内容过长（最多 {MAX_CELL} 字）",
                    f"the cell is too long (at most {MAX_CELL})",
                )
                continue
            if not cell:
                if column in register.required:
                    problem(line, column, "不能为空", "must not be empty")
                row[column] = None
                continue
            try:
                row[column] = parse_cell(cell, kinds[column])
            except ValueError:
                row[column] = None
                problem(
                    line,
                    column,
                    f"“{shown(cell)}”不是{KIND_ZH[kinds[column]]}",
                    f"'{shown(cell)}' is not a valid {kinds[column]}",
                )
        rows.append(row)
        lines.append(line)
    table = Table(register, path, header, rows, lines, hashlib.sha256(data).hexdigest(), size)
    return table, problems


def defaults_dir() -> Path:
    return DEFAULTS_DIR


def write_defaults(home: Home) -> bool:
    """Copy the bundled configuration into `<home>/config/` when it has none; whether it was written.

    Written into a temporary folder first and renamed, so a half-written folder is never read.
    """
    target = home.config
    if target.exists():
        return False
    target.parent.mkdir(parents=True, exist_ok=True)
    incoming = target.with_name(f".config-{os.getpid()}")
    shutil.rmtree(incoming, ignore_errors=True)
    incoming.mkdir()
    for register in REGISTERS.values():
        shutil.copyfile(DEFAULTS_DIR / "config" / f"{register.name}.csv", incoming / register.file)
    shutil.copytree(
        DEFAULTS_DIR / "methods", incoming / METHODS_FOLDER, ignore=shutil.ignore_patterns("__pycache__")
    )
    try:
        incoming.rename(target)
    except OSError:  # another process wrote it first
        shutil.rmtree(incoming, ignore_errors=True)
        return False
    return True


def config_dir(home: Home | None = None) -> Path:
    """The configuration folder read: the home's (`$ZHAOSHANG_HOME` when no home is given), else, for a home
    that has none yet (made by an older release), the bundled defaults."""
    if home is None and os.environ.get("ZHAOSHANG_HOME"):
        home = Home.resolve()
    if home is not None and home.config.is_dir():
        return home.config
    return DEFAULTS_DIR / "config"


def register_path(folder: Path, name: str) -> Path:
    """The file of register `name` in a configuration folder: its Chinese name, else (the bundled defaults, a
    benchmark's folder) `<name>.csv`."""
    chinese = folder / REGISTERS[name].file
    english = folder / f"{name}.csv"
    return english if not chinese.exists() and english.exists() else chinese


def methods_dir(folder: Path) -> Path:
    """The methods folder of a configuration folder (考核办法/, else methods/ beside or inside it)."""
    for candidate in (folder / METHODS_FOLDER, folder / "methods", folder.parent / "methods"):
        if candidate.is_dir():
            return candidate
    return folder / METHODS_FOLDER
