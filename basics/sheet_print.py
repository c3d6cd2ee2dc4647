"""How a worksheet prints (A4, LibreOffice or Excel): one page wide when that keeps text readable, else a
fixed scale that keeps every text at 8 pt or more, spread over several pages wide with the first column(s)
repeated. `fit_to_pages(1, 0)` alone shrinks a wide sheet to whatever fits: 4 pt on a ledger of 18 columns."""

from __future__ import annotations

import math
import unicodedata
from typing import Any

MIN_PRINTED_PT = 8.0
MARGIN_IN = 0.4  # left and right
PAPER_MM = {True: 297.0, False: 210.0}  # A4 width, landscape or portrait
DEFAULT_COL_PX = 64  # a column xlsxwriter leaves at Excel's default width
SAFETY = 1.3  # LibreOffice lays columns out wider than Excel's pixel widths (measured)


def text_width(text: str) -> int:
    """Columns a text needs: CJK and full-width characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def wrapped_height(text: str, width_chars: float, font_pt: float = 10.0) -> float:
    """Row height (pt) a wrapped cell of `width_chars` needs for `text` (LibreOffice does not grow the
    rows of an .xlsx file by itself: a row left at the default height cuts the text off)."""
    usable = max(width_chars - 1.5, 1.0)  # column widths count digits of the 11 pt default font
    lines = sum(max(1, math.ceil(text_width(part) * font_pt / 11 / usable)) for part in str(text).split("\n"))
    return round(lines * font_pt * 1.35 + 4, 1)


def title_height(font_pt: float) -> float:
    """Height of a one-line row in a larger font (a 14 pt title does not fit the default 15 pt row)."""
    return round(font_pt * 1.35 + 4, 1)


def sheet_width_pt(ws: Any, first_col: int, last_col: int) -> float:
    """Printed width of columns first..last at 100 % (xlsxwriter keeps each width in pixels at 96 dpi)."""
    info = getattr(ws, "col_info", {})
    px = sum(getattr(info.get(c), "width", None) or DEFAULT_COL_PX for c in range(first_col, last_col + 1))
    return px * 0.75 * SAFETY


def fit_readable(
    ws: Any,
    last_col: int,
    landscape: bool = True,
    smallest_font_pt: float = 10.0,
    repeat_cols: int = 1,
) -> bool:
    """A4, margins of 0.4 in; one page wide when the scale that needs keeps `smallest_font_pt` (the smallest
    font of the sheet, its header and footer included) at 8 pt or more, else the smallest such scale with the
    first `repeat_cols` columns on every page. Returns whether the sheet prints one page wide."""
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.set_margins(left=MARGIN_IN, right=MARGIN_IN, top=0.6, bottom=0.6)
    page_pt = PAPER_MM[landscape] / 25.4 * 72 - 2 * MARGIN_IN * 72
    fit = page_pt / max(sheet_width_pt(ws, 0, last_col), 1.0)
    floor = MIN_PRINTED_PT / smallest_font_pt
    if fit >= floor:  # LibreOffice then chooses the scale (at most 100 %)
        ws.fit_to_pages(1, 0)
        return True
    ws.set_print_scale(math.ceil(floor * 100))
    if repeat_cols:
        ws.repeat_columns(0, repeat_cols - 1)
    return False
