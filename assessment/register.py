"""The method register (methods/register.yml: which method scores which year) and the seeds it compiles to.

`zhaoshang build` calls `write_seeds()` first: every method file is validated, and the rows the dbt engine
reads are written to dbt_project/seeds/method/*.csv (committed, so a plain `dbt build` scores with them).
A bad file raises `MethodErrors` and nothing is written.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

from assessment.method_file import Method, MethodErrors, Problem, load_method
from assessment.yaml_lines import DuplicateKey, Node, Seq, load
from basics.home import PROJECT_ROOT, SEEDS_DIR

METHODS_DIR = PROJECT_ROOT / "methods"
METHOD_SEEDS_DIR = SEEDS_DIR / "method"

# seed name -> columns (in order); the dbt types are in dbt_project/seeds/method/_method_seeds.yml
SEED_COLUMNS: dict[str, list[str]] = {
    "method_register": ["method_code", "year_from", "year_to"],
    "methods": ["method_code", "title_zh", "period", "missing_target", "total_points", "rounding", "file"],
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


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)


def load_register(methods_dir: Path = METHODS_DIR) -> list[Method]:
    """Every method of the register, validated; its years in `rows['method_register']`."""
    path = methods_dir / "register.yml"
    file = _display(path)
    problems: list[Problem] = []

    def problem(line: int, key: str, zh: str, en: str) -> None:
        problems.append(Problem(file, line, key, zh, en))

    try:
        doc = load(path)
    except FileNotFoundError:
        raise MethodErrors([Problem(file, 1, "-", "登记表不存在", "the register does not exist")]) from None
    except DuplicateKey as dup:
        raise MethodErrors([Problem(file, dup.line, dup.key, "键重复", "the key appears twice")]) from None
    except Exception as err:  # yaml.YAMLError
        mark = getattr(err, "problem_mark", None)
        raise MethodErrors(
            [Problem(file, mark.line + 1 if mark else 1, "-", "YAML格式错误", f"not valid YAML ({err})")]
        ) from None
    entries = doc.get("methods") if isinstance(doc, Node) else None
    if not isinstance(entries, Seq) or not entries:
        raise MethodErrors([Problem(file, 1, "methods", "应列出考核办法", "expected a list of methods")])
    methods: list[Method] = []
    spans: list[tuple[int, int, str]] = []
    for number, entry in enumerate(entries, start=1):
        key = f"methods[{number}]"
        line = getattr(entry, "line", entries.line)
        if not isinstance(entry, Node) or "file" not in entry or "from_year" not in entry:
            problem(line, key, "每项须写 file 和 from_year", "each entry needs file and from_year")
            continue
        start, end = entry.get("from_year"), entry.get("to_year")
        if not isinstance(start, int) or (end is not None and (not isinstance(end, int) or end < start)):
            problem(
                line,
                key,
                "年份应为整数，to_year 不早于 from_year",
                "years must be integers, to_year >= from_year",
            )
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
        spans.append((start, upper, str(entry["file"])))
        method_path = methods_dir / str(entry["file"])
        if not method_path.is_file():
            problem(
                line,
                f"{key}.file",
                f"文件“{entry['file']}”不存在",
                f"the file '{entry['file']}' does not exist",
            )
            continue
        try:
            method = load_method(method_path, _display(method_path))
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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render_seeds(methods: list[Method]) -> dict[str, str]:
    """CSV text of each method seed."""
    out = {}
    for name, rows in seed_rows(methods).items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(SEED_COLUMNS[name])
        for row in rows:
            writer.writerow([_cell(row.get(column)) for column in SEED_COLUMNS[name]])
        out[name] = buffer.getvalue()
    return out


def write_seeds(methods_dir: Path = METHODS_DIR, seeds_dir: Path = METHOD_SEEDS_DIR) -> list[Method]:
    """Validate the register and its methods, then (re)write the seeds that differ. Raises MethodErrors."""
    methods = load_register(methods_dir)
    seeds_dir.mkdir(parents=True, exist_ok=True)
    for name, text in render_seeds(methods).items():
        path = seeds_dir / f"{name}.csv"
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
    return methods
