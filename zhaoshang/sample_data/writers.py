"""Byte-reproducible workbook and CSV writers."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

Sheet = tuple[str, list[str], list[list[Any]]]  # name, header row, data rows


def write_xlsx(path: Path, sheets: list[Sheet], created: datetime) -> None:
    """Write sheets (header in row 1); `date` values become real Excel dates. Fixed document timestamps."""
    wb = xlsxwriter.Workbook(
        str(path),
        {
            "in_memory": True,
            "strings_to_numbers": False,
            "strings_to_formulas": False,
            "strings_to_urls": False,
        },
    )
    wb.set_properties({"created": created, "author": "zhaoshang sample data"})
    date_fmt = wb.add_format({"num_format": "yyyy-mm-dd"})
    bold = wb.add_format({"bold": True})
    for name, header, rows in sheets:
        ws = wb.add_worksheet(name)
        ws.write_row(0, 0, header, bold)
        write_rows(ws, rows, date_fmt)
    wb.close()


def write_rows(ws: Any, rows: list[list[Any]], date_fmt: Any) -> None:
    """Data rows from row 2 on: `date` values as real Excel dates, text as text (never a formula), numbers."""
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, date):
                ws.write_datetime(r, c, datetime(value.year, value.month, value.day), date_fmt)
            elif isinstance(value, str):
                ws.write_string(r, c, value)
            else:
                ws.write_number(r, c, value)


def write_csv(path: Path, header: list[str], rows: list[list[Any]], encoding: str = "gb18030") -> None:
    """A CSV with text dates as given; numbers without trailing zeros."""
    with open(path, "w", encoding=encoding, newline="") as fh:
        out = csv.writer(fh)
        out.writerow(header)
        for row in rows:
            out.writerow(["" if v is None else _text(v) for v in row])


def _text(value: Any) -> str:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)
