"""Render raw-table rows back into weekly report files (xlsx, or CSV + .leads.csv), as a unit would send them.

Used for the new week's files of the synthetic sizes and for the 20,000-row parsing workbook.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import xlsxwriter

from basics.registers import read_seed
from ingestion.columns import LEAD_COLUMNS, LEADS_SHEET, LEDGER_COLUMNS, LEDGER_SHEET
from zhaoshang.sample_data.writers import write_rows

LEDGER_FIELDS = [c.field for c in LEDGER_COLUMNS]
LEAD_FIELDS = [c.field for c in LEAD_COLUMNS]
ENUM_SEEDS = {
    "investor_type": "investor_types",
    "industry": "industries",
    "origin": "origins",
    "stage": "stages",
}


@cache
def _labels(seed: str) -> dict[str, str]:
    rows = read_seed(seed)
    code_col = next(c for c in rows[0] if c.endswith("_code"))
    return {r[code_col]: r["label_zh"] for r in rows}


def _cell(field: str, value: Any) -> Any:
    if value is None:
        return None
    if field in ENUM_SEEDS:
        return _labels(ENUM_SEEDS[field]).get(value, value)
    if field == "is_sci_tech":
        return "是" if value else "否"
    return value


def ledger_cells(rows: Iterable[Sequence[Any]]) -> list[list[Any]]:
    """Rows in LEDGER_FIELDS order → cells as a unit writes them (Chinese labels, 是/否)."""
    return [[_cell(f, v) for f, v in zip(LEDGER_FIELDS, row, strict=True)] for row in rows]


def write_xlsx(path: Path, ledger: list[list[Any]], leads: list[list[Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "constant_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    for name, header, rows in (
        (LEDGER_SHEET, [c.display for c in LEDGER_COLUMNS], ledger),
        (LEADS_SHEET, [c.display for c in LEAD_COLUMNS], leads),
    ):
        if name == LEADS_SHEET and not rows:
            continue
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, header)
        write_rows(ws, rows, date_fmt)
    wb.close()


def write_csv(path: Path, ledger: list[list[Any]], leads: list[list[Any]]) -> None:
    """`<unit>.csv` (UTF-8 with BOM) and, when there are leads, `<unit>.leads.csv` beside it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    for target, header, rows in (
        (path, [c.display for c in LEDGER_COLUMNS], ledger),
        (path.with_suffix(".leads.csv"), [c.display for c in LEAD_COLUMNS], leads),
    ):
        if target != path and not rows:
            continue
        with open(target, "w", encoding="utf-8-sig", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(header)
            out.writerows(
                [
                    ["" if v is None else v.isoformat() if isinstance(v, date) else v for v in row]
                    for row in rows
                ]
            )


def render_week(con: duckdb.DuckDBPyConnection, week_label: str, inbox: Path) -> tuple[int, int]:
    """Write one file per unit report of `week_label` (latest version) from the raw tables into `inbox`.

    Returns (files, ledger rows). The file format (xlsx/csv) is the one recorded in raw.report_files.
    """
    reports = con.execute(
        """
        select unit_code, version, file_format from raw.report_files
        where week_label = ? qualify row_number() over (partition by unit_code order by version desc) = 1
        order by unit_code
    """,
        [week_label],
    ).fetchall()
    latest = """(select unit_code, max(version) as version from raw.report_files where week_label = ?
                  group by unit_code)"""
    ledger_sql = f"""select l.unit_code, {", ".join("l." + f for f in LEDGER_FIELDS)} from raw.ledger_rows l
                     semi join {latest} v on v.unit_code = l.unit_code and v.version = l.version
                     where l.week_label = ? order by l.unit_code, l.row_number"""
    lead_sql = f"""select l.unit_code, {", ".join("l." + f for f in LEAD_FIELDS)} from raw.lead_rows l
                   semi join {latest} v on v.unit_code = l.unit_code and v.version = l.version
                   where l.week_label = ? order by l.unit_code, l.row_number"""
    ledger: dict[str, list[list[Any]]] = {}
    leads: dict[str, list[list[Any]]] = {}
    for sql, out in ((ledger_sql, ledger), (lead_sql, leads)):
        for unit, *values in con.execute(sql, [week_label, week_label]).fetchall():
            out.setdefault(unit, []).append(values)
    rows = 0
    for unit, _, fmt in reports:
        cells = ledger_cells(ledger.get(unit, []))
        rows += len(cells)
        target = inbox / week_label / f"{unit}.{fmt}"
        (write_csv if fmt == "csv" else write_xlsx)(target, cells, leads.get(unit, []))
    return len(reports), rows


def render_resend(con: duckdb.DuckDBPyConnection, week_label: str, units: list[str], inbox: Path) -> int:
    """Write a corrected version of `units`' reports of an earlier week into `inbox` (overwriting the file).

    The correction raises the contract amount of signed projects by 20 % and drops the last ledger row (a
    project leaving the ledger), so scores that read this week as a snapshot change. Returns files written.
    """
    written = 0
    for unit in units:
        found = con.execute(
            """
            select version, file_format from raw.report_files where week_label = ? and unit_code = ?
            order by version desc limit 1
        """,
            [week_label, unit],
        ).fetchall()
        if not found:
            continue
        version, fmt = found[0]
        rows = con.execute(
            f"""select {", ".join(LEDGER_FIELDS)} from raw.ledger_rows
                               where week_label = ? and unit_code = ? and version = ? order by row_number""",
            [week_label, unit, version],
        ).fetchall()
        leads = con.execute(
            f"""select {", ".join(LEAD_FIELDS)} from raw.lead_rows
                                where week_label = ? and unit_code = ? and version = ? order by row_number""",
            [week_label, unit, version],
        ).fetchall()
        amount = LEDGER_FIELDS.index("contract_amount")
        signed = LEDGER_FIELDS.index("signed_on")
        fixed = [list(r) for r in rows[:-1]]
        for r in fixed:
            if r[amount] is not None and r[signed] is not None:
                r[amount] = round(r[amount] * 1.2, 2)
        target = inbox / week_label / f"{unit}.{fmt}"
        for stale in target.parent.glob(f"{unit}.*"):
            stale.unlink()
        (write_csv if fmt == "csv" else write_xlsx)(target, ledger_cells(fixed), [list(r) for r in leads])
        written += 1
    return written
