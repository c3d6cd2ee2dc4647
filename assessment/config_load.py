"""The whole configuration folder checked (`zhaoshang config check`, and `build` before it builds) and loaded
into the warehouse as data.

`check_folder` reads every register (basics.config) and every method (assessment.register), then checks
them against each other: unit codes unique and well formed, targets only for registered units and for years
a method scores, every unit scored by some group of the method of each year it is active in, no year of the
targets without a method. `load_folder` writes the checked folder into `raw.config_<name>` (one typed table
per register and per compiled method table, values bound, never written into SQL) and records each file's
version and checksum in `raw.config_files`; the dbt models of models/registers/ read them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from assessment.method_file import Method, MethodErrors
from assessment.register import SEED_COLUMNS, SEED_TYPES, load_register
from basics.config import (
    METHODS_FOLDER,
    REGISTERS,
    SQL_TYPES,
    ConfigErrors,
    ConfigProblem,
    Table,
    methods_dir,
    read_table,
    register_path,
)

UNIT_CODE = re.compile(r"[A-Z]{1,3}[0-9]{1,4}\Z")
UNIT_TYPES = ("platform", "department", "bureau_section")
MAX_METHOD_FILES = 200


@dataclass
class Folder:
    """A configuration folder as read: its tables, its methods, every mistake found."""

    root: Path
    tables: dict[str, Table] = field(default_factory=dict)
    methods: list[Method] = field(default_factory=list)
    problems: list[Any] = field(default_factory=list)
    notes: list[Any] = field(default_factory=list)  # not mistakes: said by `config check`, build goes on

    def file(self, name: str) -> str:
        return register_path(self.root, name).name


def _years(method: Method) -> tuple[int, int]:
    entry = method.rows["method_register"][0]
    return int(entry["year_from"]), int(entry["year_to"] or 9999)


def check_folder(root: Path) -> Folder:
    """Every register and method of the folder read and cross-checked (problems in `Folder.problems`)."""
    folder = Folder(root)
    for name, register in REGISTERS.items():
        table, problems = read_table(register, register_path(root, name))
        folder.problems += problems
        if table is not None and not problems:  # a table with a bad cell is not checked against others
            folder.tables[name] = table
    try:
        folder.methods = load_register(methods_dir(root))
    except MethodErrors as err:
        folder.problems += err.problems
    _cross_checks(folder)
    return folder


def _unique(folder: Folder, name: str, columns: tuple[str, ...], zh: str, en: str) -> None:
    table = folder.tables.get(name)
    if table is None:
        return
    seen: dict[tuple, int] = {}
    for row, line in zip(table.rows, table.lines, strict=True):
        key = tuple(row.get(c) for c in columns)
        if None in key:
            continue
        if key in seen:
            shown = "、".join(str(k) for k in key)
            folder.problems.append(
                ConfigProblem(
                    table.path.name,
                    line,
                    columns[-1],
                    f"{zh}“{shown}”重复（第{seen[key]}行已有）",
                    f"{en} '{shown}' appears twice (first on line {seen[key]})",
                )
            )
        else:
            seen[key] = line


def _cross_checks(folder: Folder) -> None:
    add = folder.problems.append
    _unique(folder, "units", ("unit_code",), "单位编号", "unit code")
    _unique(folder, "targets", ("year", "unit_code"), "年度和单位", "year and unit")
    _unique(folder, "district_targets", ("year", "indicator"), "年度和指标", "year and indicator")
    for name, code in (
        ("industries", "industry_code"),
        ("investor_types", "investor_type_code"),
        ("origins", "origin_code"),
        ("stages", "stage_code"),
    ):
        _unique(folder, name, (code,), "编号", "code")
        _unique(folder, name, ("label_zh",), "名称", "label")
    _unique(folder, "stages", ("stage_order",), "顺序", "order")
    _unique(folder, "scoring_parameters", ("parameter",), "参数", "parameter")
    units = folder.tables.get("units")
    if units is not None:
        for row, line in zip(units.rows, units.lines, strict=True):
            code = row.get("unit_code")
            if isinstance(code, str) and not UNIT_CODE.match(code):
                add(
                    ConfigProblem(
                        units.path.name,
                        line,
                        "unit_code",
                        f"单位编号“{code}”格式不对：应为 1 至 3 个大写字母加数字，如 P01",
                        f"unit code '{code}' is not well formed (1-3 capital letters, digits: P01)",
                    )
                )
            if row.get("unit_type") is not None and row["unit_type"] not in UNIT_TYPES:
                add(
                    ConfigProblem(
                        units.path.name,
                        line,
                        "unit_type",
                        f"单位类型“{row['unit_type']}”不可用，应为 {'、'.join(UNIT_TYPES)} 之一",
                        f"unit type '{row['unit_type']}' is not one of {', '.join(UNIT_TYPES)}",
                    )
                )
            start, end = row.get("active_from"), row.get("active_to")
            if isinstance(start, date) and isinstance(end, date) and end < start:
                add(
                    ConfigProblem(
                        units.path.name,
                        line,
                        "active_to",
                        f"停用日期 {end} 早于启用日期 {start}",
                        f"active_to {end} is before active_from {start}",
                    )
                )
    if not folder.methods:
        return
    covered = {m.code: _years(m) for m in folder.methods}

    def method_of(year: int) -> Method | None:
        return next((m for m in folder.methods if covered[m.code][0] <= year <= covered[m.code][1]), None)

    known = {row["unit_code"] for row in units.rows} if units is not None else None
    for name in ("targets", "district_targets"):
        table = folder.tables.get(name)
        if table is None:
            continue
        for row, line in zip(table.rows, table.lines, strict=True):
            year = row.get("year")
            if isinstance(year, int) and method_of(year) is None:
                add(
                    ConfigProblem(
                        table.path.name,
                        line,
                        "year",
                        f"{year} 年没有考核办法：请在 {METHODS_FOLDER}/register.yml 中登记该年的办法",
                        f"no method scores {year}: register one in {METHODS_FOLDER}/register.yml",
                    )
                )
            unit = row.get("unit_code")
            if name == "targets" and known is not None and unit is not None and unit not in known:
                add(
                    ConfigProblem(
                        table.path.name,
                        line,
                        "unit_code",
                        f"单位“{unit}”不在单位名册中",
                        f"unit '{unit}' is not in the unit register",
                    )
                )
    if units is None:
        return
    for method in folder.methods:
        start, end = covered[method.code]
        groups = method.rows.get("method_groups", [])
        # a method ranking units by type must score every unit; one naming its units may leave some out
        by_type = any(g.get("unit_type") for g in groups)
        for row, line in zip(units.rows, units.lines, strict=True):
            active_from, active_to = row.get("active_from"), row.get("active_to")
            if not isinstance(active_from, date):
                continue
            if active_from.year > end or (isinstance(active_to, date) and active_to.year < start):
                continue  # not active in the years the method scores
            if row["unit_type"] not in UNIT_TYPES:
                continue  # said above
            if not any(
                g.get("unit_code") == row["unit_code"]
                or (g.get("unit_type") and g["unit_type"] == row["unit_type"])
                for g in groups
            ):
                (add if by_type else folder.notes.append)(
                    ConfigProblem(
                        units.path.name,
                        line,
                        "unit_code",
                        f"单位“{row['unit_code']}”不属于考核办法“{method.title_zh}”（{method.code}）的任何考核组，"
                        "将不被评分",
                        f"unit '{row['unit_code']}' is in no group of method {method.code}: not scored",
                    )
                )


def check_or_raise(root: Path) -> Folder:
    folder = check_folder(root)
    if folder.problems:
        raise ConfigErrors(folder.problems)
    return folder


def _files(folder: Folder) -> list[tuple[str, bytes]]:
    """(name in the folder, content) of every file the build reads."""
    out = [
        (register_path(folder.root, name).name, register_path(folder.root, name).read_bytes())
        for name in REGISTERS
    ]
    methods = methods_dir(folder.root)
    for path in sorted(methods.rglob("*.y*ml"))[:MAX_METHOD_FILES]:
        if path.is_file():
            out.append((f"{METHODS_FOLDER}/{path.relative_to(methods).as_posix()}", path.read_bytes()))
    return out


def fingerprint(root: Path) -> str:
    """One checksum of the folder's files (what a build reads; zhaoshang.freshness)."""
    digest = hashlib.sha256()
    if not root.is_dir():
        return ""
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.name.startswith("."):
            digest.update(
                f"{path.relative_to(root).as_posix()}:{path.stat().st_size}:{path.stat().st_mtime_ns}\n".encode()
            )
    return digest.hexdigest()


def _quoted(name: str) -> str:
    assert re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", name), name  # checked names only
    return f'"{name}"'


def _replace_table(con: Any, table: str, columns: dict[str, str], rows: list[dict[str, Any]]) -> None:
    definition = ", ".join(f"{_quoted(c)} {t}" for c, t in columns.items())
    con.execute(f"create or replace table raw.{_quoted(table)} ({definition})")
    if rows:
        marks = ", ".join("?" for _ in columns)
        con.executemany(
            f"insert into raw.{_quoted(table)} values ({marks})", [[r.get(c) for c in columns] for r in rows]
        )


CONFIG_FILES_DDL = """
create table if not exists raw.config_files (
    file varchar not null,
    version integer not null,
    sha256 varchar not null,
    bytes bigint not null,
    loaded_at timestamp not null
)
"""


def load_folder(con: Any, root: Path) -> list[tuple[str, int, bool]]:
    """Check the folder, then write it into `raw.config_*` of the open warehouse `con` (in one transaction).

    Returns (file, version, changed) per file; raises ConfigErrors (nothing written) on any mistake."""
    folder = check_or_raise(root)
    con.execute("create schema if not exists raw")
    con.execute("begin transaction")
    try:
        for name, table in folder.tables.items():
            columns = {c: SQL_TYPES[k] for c, k in table.kinds().items()}
            for column in REGISTERS[name].columns:  # an optional column left out is still a column (NULL)
                columns.setdefault(column, SQL_TYPES[REGISTERS[name].columns[column]])
            _replace_table(con, f"config_{name}", columns, table.rows)
        compiled: dict[str, list[dict[str, Any]]] = {name: [] for name in SEED_COLUMNS}
        for method in folder.methods:
            for name in SEED_COLUMNS:
                compiled[name] += method.rows.get(name, [])
        for name, rows in compiled.items():
            columns = {c: SEED_TYPES.get(c, "varchar") for c in SEED_COLUMNS[name]}
            _replace_table(con, f"config_{name}", columns, rows)
        con.execute(CONFIG_FILES_DDL)
        versions = []
        for file, data in _files(folder):
            sha = hashlib.sha256(data).hexdigest()
            last = con.execute(
                "select version, sha256 from raw.config_files where file = ? order by version desc limit 1",
                [file],
            ).fetchone()
            changed = last is None or last[1] != sha
            version = (last[0] + 1 if last else 1) if changed else last[0]
            if changed:
                con.execute(
                    "insert into raw.config_files values (?, ?, ?, ?, current_timestamp)",
                    [file, version, sha, len(data)],
                )
            versions.append((file, version, changed))
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise
    return versions
