"""The method register (<home>/config/考核办法/register.yml: which method scores which year) and the rows it
compiles to.

`zhaoshang build` validates every method file and loads the rows the dbt engine reads into the raw tables
`raw.config_method_*` of the warehouse it builds (assessment.config_load; the dbt models of the same names
read them). A bad file raises `MethodErrors` and nothing is built. The register names files inside the methods
folder only (`method_path`); each is read within the limits of assessment.method_file.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

from assessment.method_file import (
    NUMBERS,
    Method,
    MethodErrors,
    Problem,
    load_method,
    parse_number,
    read_yaml,
    shown,
)
from assessment.yaml_lines import Node, Seq
from basics.home import DEFAULTS_DIR
from basics.registers import canonical_text

METHODS_DIR = DEFAULTS_DIR / "methods"  # the bundled methods `zhaoshang init` copies into a home

# table name -> columns (in order); their types in SEED_TYPES (raw.config_<name>, read by models/registers/)
SEED_COLUMNS: dict[str, list[str]] = {
    "method_register": ["method_code", "year_from", "year_to"],
    "methods": ["method_code", "title_zh", "period", "missing_target", "total_points", "rounding", "file"],
    "method_parameters": ["method_code", "parameter", "value"],
    "method_groups": ["method_code", "group_code", "label_zh", "sort_order", "unit_type", "unit_code"],
    "method_measures": [
        "method_code",
        "measure_code",
        "label_zh",
        "source",
        "aggregate",
        "expression_sql",
        "filter_sql",
        "filter_zh",
        "ref_sql",
        "numerator",
        "denominator",
        "when_zero",
        "base_measure",
        "entry_code",
        "value_kind",
    ],
    "method_items": [
        "method_code",
        "item_code",
        "kind",
        "label_zh",
        "group_code",
        "sort_order",
        "formula",
        "points",
        "cap",
        "floor",
        "points_each",
        "beyond_target",
        "cap_group",
    ],
    "method_components": [
        "method_code",
        "item_code",
        "component",
        "measure_code",
        "weight",
        "scale",
        "cap",
        "target_source",
        "target_ref",
        "target_value",
    ],
    "method_tiers": ["method_code", "item_code", "tier", "points", "component", "min_ratio"],
    "method_caps": ["method_code", "cap_code", "label_zh", "cap"],
    "method_grades": ["method_code", "grade_order", "grade_zh", "at_least", "quota", "quota_rounding"],
    "method_vetoes": ["method_code", "measure_code"],
}


SEED_TYPES: dict[str, str] = {  # column -> DuckDB type (columns not named here are varchar)
    "year_from": "integer",
    "year_to": "integer",
    "total_points": "double",
    "rounding": "integer",
    "sort_order": "integer",
    "when_zero": "double",
    "points": "double",
    "cap": "double",
    "floor": "double",
    "points_each": "double",
    "beyond_target": "boolean",
    "weight": "double",
    "target_value": "double",
    "tier": "integer",
    "min_ratio": "double",
    "grade_order": "integer",
    "at_least": "double",
    "quota": "double",
    "value": "double",  # method_parameters
}


def _display(path: Path, methods_dir: Path) -> str:
    """A method file as the officer finds it: relative to the folder holding the methods folder."""
    try:
        return path.relative_to(methods_dir.parent).as_posix()
    except ValueError:
        return str(path)


# a file the register names: one or two folder levels inside the methods folder, a plain name ending .yml
FILE_PART = re.compile(r"[A-Za-z0-9_\u4e00-\u9fff][A-Za-z0-9_.\u4e00-\u9fff-]{0,99}\Z")
REGISTER_KEYS = ("file", "from_year", "to_year")
MAX_ENTRIES = 100


def method_path(methods_dir: Path, name: Any) -> Path | tuple[str, str]:
    """The file `name` names inside `methods_dir` (symlinks resolved), else why not (zh, en).

    Only plain relative names are allowed (no `..`, no absolute path, no hidden file), and the resolved file
    must still be inside the methods folder: a symlink leading outside is refused like `../../etc/passwd`.
    """
    parts = name.split("/") if isinstance(name, str) else []
    if (
        not parts
        or len(parts) > 2
        or not all(FILE_PART.match(part) for part in parts)
        or not name.endswith((".yml", ".yaml"))
    ):
        return (
            f"“{shown(name)}”不可用：只能写 methods 文件夹内的 .yml 文件名，如 2022.yml"
            "（不能有 ..、/ 开头或特殊符号）",
            f"'{shown(name)}' is not allowed: name a .yml file inside the methods folder, such as 2022.yml "
            "(no .., no leading /, no special characters)",
        )
    try:
        resolved = (methods_dir / name).resolve(strict=True)
    except (OSError, RuntimeError):  # missing, or a symlink loop
        return f"文件“{name}”不存在", f"the file '{name}' does not exist"
    if not resolved.is_relative_to(methods_dir.resolve()):
        return (
            f"“{name}”指向 methods 文件夹以外的文件，不可用",
            f"'{name}' leads outside the methods folder",
        )
    if not resolved.is_file():
        return f"“{name}”不是文件", f"'{name}' is not a file"
    return resolved


def load_register(methods_dir: Path = METHODS_DIR) -> list[Method]:
    """Every method of the register, validated; its years in `rows['method_register']`."""
    path = methods_dir / "register.yml"
    file = _display(path, methods_dir)
    problems: list[Problem] = []

    def problem(line: int, key: str, zh: str, en: str) -> None:
        problems.append(Problem(file, line, key, zh, en))

    if path.exists() and not path.resolve().is_relative_to(methods_dir.resolve()):
        problem(
            1, "-", "登记表指向 methods 文件夹以外的文件", "the register leads outside the methods folder"
        )
        raise MethodErrors(problems)
    doc = read_yaml(path, problem)
    if doc is None:
        raise MethodErrors(problems)
    entries = doc.get("methods") if isinstance(doc, Node) else None
    if not isinstance(entries, Seq) or not entries:
        raise MethodErrors([Problem(file, 1, "methods", "应列出考核办法", "expected a list of methods")])
    if len(entries) > MAX_ENTRIES:
        raise MethodErrors(
            [
                Problem(
                    file,
                    entries.line,
                    "methods",
                    f"办法过多（{len(entries)} 项，最多 {MAX_ENTRIES} 项）",
                    f"too many methods ({len(entries)}, at most {MAX_ENTRIES})",
                )
            ]
        )
    methods: list[Method] = []
    spans: list[tuple[int, int, str]] = []
    for number, entry in enumerate(entries, start=1):
        key = f"methods[{number}]"
        line = getattr(entry, "line", entries.line)
        if not isinstance(entry, Node) or "file" not in entry or "from_year" not in entry:
            problem(line, key, "每项须写 file 和 from_year", "each entry needs file and from_year")
            continue
        unknown = [k for k in entry if k not in REGISTER_KEYS]
        if unknown:
            problem(
                entry.key_lines[unknown[0]],
                f"{key}.{unknown[0]}",
                f"未知的键“{shown(unknown[0])}”，可用的键：{', '.join(REGISTER_KEYS)}",
                f"unknown key '{shown(unknown[0])}' (known keys: {', '.join(REGISTER_KEYS)})",
            )
            continue
        start = parse_number(entry["from_year"], "year")
        end = None if entry.get("to_year") is None else parse_number(entry["to_year"], "year")
        if isinstance(start, tuple) or isinstance(end, tuple) or (end is not None and end < start):
            low, high, _ = NUMBERS["year"]
            problem(
                line,
                key,
                f"年份应为 {low:.0f} 至 {high:.0f} 的整数，to_year 不早于 from_year",
                f"years must be whole numbers from {low:.0f} to {high:.0f}, to_year >= from_year",
            )
            continue
        start, end = int(start), None if end is None else int(end)
        found = method_path(methods_dir, entry["file"])
        if isinstance(found, tuple):
            problem(entry.key_lines["file"], f"{key}.file", *found)
            continue
        upper = end if end is not None else 9999
        for other_start, other_end, other_file in spans:
            if start <= other_end and other_start <= upper:
                problem(
                    line,
                    key,
                    f"年份与 {other_file} 重叠",
                    f"its years overlap those of {other_file}",
                )
        spans.append((start, upper, entry["file"]))
        try:
            method = load_method(found, _display(methods_dir / entry["file"], methods_dir))
        except MethodErrors as err:
            problems += err.problems
            continue
        if any(m.code == method.code for m in methods):
            problem(
                line,
                f"{key}.file",
                f"办法编号“{method.code}”重复",
                f"method code '{method.code}' is used twice",
            )
            continue
        method.rows["method_register"] = [{"method_code": method.code, "year_from": start, "year_to": end}]
        methods.append(method)
    if problems:
        raise MethodErrors(problems)
    return methods


def seed_rows(methods: list[Method]) -> dict[str, list[dict[str, Any]]]:
    out: dict[str, list[dict[str, Any]]] = {name: [] for name in SEED_COLUMNS}
    for method in methods:
        for name in SEED_COLUMNS:
            out[name] += method.rows.get(name, [])
    return out


def render_seeds(methods: list[Method]) -> dict[str, str]:
    """CSV text of each method seed."""
    out = {}
    for name, rows in seed_rows(methods).items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(SEED_COLUMNS[name])
        for row in rows:
            writer.writerow([canonical_text(row.get(column)) for column in SEED_COLUMNS[name]])
        out[name] = buffer.getvalue()
    return out
