"""A scratch warehouse scored by a method file written in the test: inbox → ingestion → a real `dbt build`.

The test writes its method (YAML text) and targets into a configuration folder; it is loaded into the
warehouse exactly as `zhaoshang build` loads the home's (assessment.config_load).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from basics.config import METHODS_FOLDER
from basics.home import Home
from tests.scoring.conftest import config_folder, dbt_build, ingest, query

ENTRY_HEADERS = ["单位编号", "录入项", "数值", "目标", "录入人", "理由"]


def write_entries(inbox: Path, month: str, name: str, rows: list[tuple[Any, ...]]) -> Path:
    """`<inbox>/entries/<YYYY-MM>/<name>.xlsx`, sheet 考核录入; rows: unit, item, value, target, who, why."""
    folder = inbox / "entries" / month
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    sheet = book.active
    sheet.title = "考核录入"
    sheet.append(ENTRY_HEADERS)
    for row in rows:
        sheet.append(list(row))
    path = folder / f"{name}.xlsx"
    book.save(path)
    return path


def write_methods(folder: Path, method_yaml: str, name: str = "method.yml") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(method_yaml, encoding="utf-8")
    (folder / "register.yml").write_text(
        f"methods:\n  - file: {name}\n    from_year: 2000\n", encoding="utf-8"
    )
    return folder


def write_register(folder: Path, methods: tuple[tuple[str, str, int, int | None], ...]) -> Path:
    """Several method files and the register naming their years: (file name, YAML text, from, to)."""
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["methods:"]
    for name, text, year_from, year_to in methods:
        (folder / name).write_text(text, encoding="utf-8")
        lines += [f"  - file: {name}", f"    from_year: {year_from}"]
        lines += [f"    to_year: {year_to}"] if year_to is not None else []
    (folder / "register.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


# one build per distinct (method, targets, inbox writer) per session: a module importing another's fixture
# (tests/bulletin/test_other_method.py uses Method A's) shares its warehouse instead of building it again
_BUILT: dict[tuple[str, str, tuple[str, ...], str], Path] = {}


def build(
    root: Path,
    method_yaml: str | tuple[tuple[str, str, int, int | None], ...],
    targets_header: str,
    targets: list[str],
    write_inbox: Callable[[Path], None],
) -> Path:
    """Ingest, load the method and targets as configuration, run `dbt build`; return the warehouse.

    `method_yaml`: one method scoring every year, or several with their years (see `write_register`).

    The warehouse is built once per session for the same arguments and shared: READ it only (copy the file
    to write on it).
    """
    writer = f"{write_inbox.__module__}.{write_inbox.__qualname__}"
    key = (method_yaml, targets_header, tuple(targets), writer)
    if key not in _BUILT:
        _BUILT[key] = _build(root, method_yaml, targets_header, targets, write_inbox)
    return _BUILT[key]


def _build(
    root: Path,
    method_yaml: str | tuple[tuple[str, str, int, int | None], ...],
    targets_header: str,
    targets: list[str],
    write_inbox: Callable[[Path], None],
) -> Path:
    home = Home(root / "home").ensure()
    inbox = root / "inbox"
    write_inbox(inbox)
    ingest(home, inbox)
    config = config_folder(root, targets, targets_header)
    shutil.rmtree(config / METHODS_FOLDER)
    if isinstance(method_yaml, str):
        write_methods(config / METHODS_FOLDER, method_yaml)
    else:
        write_register(config / METHODS_FOLDER, method_yaml)
    dbt_build(config, home.warehouse)
    return home.warehouse


def totals(warehouse: Path, year: int, month: int) -> dict[str, dict]:
    rows = query(
        warehouse,
        "select * from marts.score_totals where year = ? and month = ? order by unit_code",
        [year, month],
    )
    return {r["unit_code"]: r for r in rows}


def points(warehouse: Path, unit: str, year: int, month: int) -> dict[tuple[str, str | None, str], float]:
    """(item_code, ref, line) -> points of the unit-month."""
    rows = query(
        warehouse,
        "select item_code, ref, line, points from marts.score_points "
        "where unit_code = ? and year = ? and month = ?",
        [unit, year, month],
    )
    return {(r["item_code"], r["ref"], r["line"]): r["points"] for r in rows}
