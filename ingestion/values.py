"""Cell values → Python values: text, dates, decimals and the normalised project key.

Cells come from python-calamine (str, float, int, bool, date, datetime, '' for empty) or from CSV (str).
Parsers return None for blanks and raise nothing: `UNPARSEABLE` marks a value that is present but invalid.
"""

from __future__ import annotations

import math
import re
import unicodedata
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import Any, Final

from zhconv.zhconv import getdict

UNPARSEABLE: Final = object()

# What units write in a cell they mean to leave empty.
PLACEHOLDERS = frozenset({"-", "--", "—", "——", "－", "/", "／", "无", "N/A", "n/a", "NA", "null", "NULL"})

_EXCEL_EPOCH = date(1899, 12, 30)
_SERIAL_RANGE = (20_000, 80_000)  # 1954-10-03 .. 2119-01-11: numbers outside are not taken for dates
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
)
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_NUMBER = re.compile(r"^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$")
_KEY_DROP = re.compile(r"(?:[^\w\n]|_)+")  # whitespace, punctuation and symbols (not the newline separator)


def is_blank(value: Any) -> bool:
    """Empty cell, whitespace or a placeholder such as '-', '/', '无'."""
    if value is None or value == "":
        return True
    if isinstance(value, str):
        text = value.strip()
        return not text or text in PLACEHOLDERS
    return False


def raw_text(value: Any) -> str | None:
    """The cell as the unit sees it, for messages and row issues (numbers without a spurious '.0')."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def clean_text(value: Any) -> str | None:
    """Trimmed text; None for blanks. Whole numbers lose their '.0' (project code 1001 stays '1001')."""
    if type(value) is str:
        text = value.strip()
        return None if not text or text in PLACEHOLDERS else text
    return None if value is None else raw_text(value)


def parse_date(value: Any) -> date | None | object:
    """Excel date/datetime, serial number, 'YYYY-MM-DD', 'YYYY/M/D', 'YYYY年M月D日', 'YYYYMMDD'."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return UNPARSEABLE
    if isinstance(value, int | float):
        return _date_from_number(value)
    if not isinstance(value, str):
        return UNPARSEABLE
    text = unicodedata.normalize("NFKC", value).strip()
    found = _DATE.match(text) or _COMPACT_DATE.match(text)
    return _ymd(*found.groups()) if found else UNPARSEABLE


def _date_from_number(value: float) -> date | object:
    """An Excel serial (a date cell that lost its format) or a compact 20210203."""
    if _SERIAL_RANGE[0] <= value < _SERIAL_RANGE[1] + 1:
        return _EXCEL_EPOCH + timedelta(days=int(value))
    found = _COMPACT_DATE.match(str(int(value))) if float(value).is_integer() else None
    return _ymd(*found.groups()) if found else UNPARSEABLE


def _ymd(year: str, month: str, day: str) -> date | object:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return UNPARSEABLE


def parse_decimal(value: Any) -> float | None | object:
    """A number, or text such as '1,234.5' / '１２.５'; None for blanks, UNPARSEABLE otherwise."""
    kind = type(value)
    if kind is float or kind is int:
        return float(value) if math.isfinite(value) else UNPARSEABLE
    if is_blank(value):
        return None
    if kind is not str:
        return UNPARSEABLE
    text = unicodedata.normalize("NFKC", value).strip().replace(" ", "")
    if _GROUPED.match(text):
        text = text.replace(",", "")
    if not _NUMBER.match(text):
        return UNPARSEABLE
    number = float(text)
    return number if math.isfinite(number) else UNPARSEABLE


def _in_gb2312(char: str) -> bool:
    try:
        char.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


@cache
def _to_simplified() -> dict[int, str]:
    """Character-level Traditional → Simplified table from zhconv's zh-cn dictionary. Phrases and characters
    that are already standard Simplified (in GB2312) are left out: the key only has to spell a name alike
    whichever script it came in, and str.translate is ~5x faster than zhconv.convert."""
    return str.maketrans(
        {k: v for k, v in getdict("zh-cn").items() if len(k) == 1 == len(v) and not _in_gb2312(k)}
    )


def _simplified(text: str) -> str:
    try:
        text.encode("gb2312")  # fast C check: nothing to translate (the table has no GB2312 character)
    except UnicodeEncodeError:
        return text.translate(_to_simplified())
    return text


def key_parts(texts: list[str | None]) -> list[str]:
    """Each text folded for matching (NFKC, Simplified, no whitespace/punctuation, lower case), in bulk:
    one pass over the texts joined by newlines instead of one call per cell."""
    if not texts:
        return []
    joined = "\n".join(t.replace("\n", " ") if t else "" for t in texts)
    folded = _simplified(unicodedata.normalize("NFKC", joined))
    return _KEY_DROP.sub("", folded).lower().split("\n")


def name_keys(project_names: list[str | None], investors: list[str | None]) -> list[str | None]:
    """'name|investor' keys for cross-unit duplicate detection; None where either is missing."""
    names, owners = key_parts(project_names), key_parts(investors)
    return [
        f"{n}|{o}" if p and i else None
        for n, o, p, i in zip(names, owners, project_names, investors, strict=True)
    ]
