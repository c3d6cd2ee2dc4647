"""Neutralise report text before it lands in a spreadsheet cell (CSV/formula injection)."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these may be read as a formula by Excel/WPS/LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """Prefix `'` to text that a spreadsheet could take for a formula; other values pass unchanged.

    Used by every export (xlsx, csv, failure lists). Numbers stay numbers: only `str` values are touched.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value
