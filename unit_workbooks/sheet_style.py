"""Shared look of the units' workbooks (templates and receipts): xlsxwriter options, formats and widths."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from basics.sheet_print import fit_readable, text_width, wrapped_height

__all__ = ["fit_readable", "open_workbook", "printable", "text_width", "write_value", "wrapped_height"]

WORKBOOK_OPTIONS = {
    "in_memory": True,
    "strings_to_numbers": False,
    "strings_to_formulas": False,  # report text is never taken for a formula
    "strings_to_urls": False,
}
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00##"


def open_workbook(path: str, title: str) -> xlsxwriter.Workbook:
    book = xlsxwriter.Workbook(path, WORKBOOK_OPTIONS)
    book.set_properties({"title": title, "author": "区招商投资促进局 统计与考核数据仓库 (zhaoshang)"})
    return book


def write_value(ws: Worksheet, row: int, col: int, value: Any, fmt: Any = None, date_fmt: Any = None) -> None:
    """Text as text (never a formula), numbers as numbers, dates as real Excel dates, None as a blank."""
    if value is None:
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, datetime | date):
        day = value if isinstance(value, datetime) else datetime(value.year, value.month, value.day)
        ws.write_datetime(row, col, day, date_fmt or fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def printable(
    ws: Worksheet, last_row: int, last_col: int, landscape: bool = True, smallest_font_pt: float = 10.0
) -> None:
    """A4, one page wide while every text stays at 8 pt or more (else several pages wide, the first column
    repeated), gridlines printed, print area = the filled cells."""
    fit_readable(ws, last_col, landscape, smallest_font_pt)
    ws.hide_gridlines(0)
    ws.print_area(0, 0, max(last_row, 1), last_col)
