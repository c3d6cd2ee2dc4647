"""The limits a received file must stay within before it is parsed (SPEC 2.6, README "Limits").

One place: the inspection (ingestion/inspection.py), the discovery of the inbox and the docs quote these.
A file over a limit is quarantined with a reason naming the limit; the reader never sees it.
"""

from __future__ import annotations

from datetime import date, timedelta

from basics import registers
from basics.weeks import label_of

MiB = 1 << 20

MAX_FILE_BYTES = 32 * MiB  # a report file (workbook or CSV) on disk
MAX_ZIP_ENTRIES = 1_000  # parts inside one workbook
MAX_UNCOMPRESSED_BYTES = 256 * MiB  # all parts of a workbook together, uncompressed
MAX_COMPRESSION_RATIO = 100  # uncompressed / compressed size of one part (checked for parts over 1 MiB)
RATIO_CHECKED_FROM = 1 * MiB
MAX_ROWS = 200_000  # rows of one sheet (declared or used)
MAX_COLUMNS = 256  # columns of one sheet, A..IV
MAX_CELLS = 5_000_000  # rows x columns of one sheet's range (what the reader allocates)
MAX_TEXT_BYTES = 256 * MiB  # text of a sheet's cells once shared strings are resolved
DIMENSION_PEEK_BYTES = 1024  # the <dimension ref=...> is read from the first KB of a sheet
# a committee entry's value or target (ingestion/entries.py): no method file states a range for entered
# figures (scores, counts, 亿元/万元 amounts), so any finite number within ±10^9 is accepted
ENTRY_VALUE_LIMIT = 1e9


def first_week() -> str:
    """The earliest week a report may be for: the first ISO week of the register's first year."""
    first = min(unit.active_from for unit in registers.units().values())
    return label_of(date(first.year, 1, 4))  # 4 January is always in ISO week 1


def last_week(today: date | None = None) -> str:
    """The latest week a report may be for: next week (a unit may send on Sunday for Monday)."""
    return label_of((today or date.today()) + timedelta(days=7))


def first_month() -> str:
    """The earliest month committee entries may be for (YYYY-MM): January of the register's first year."""
    return f"{min(unit.active_from for unit in registers.units().values()).year:04d}-01"


def last_month(today: date | None = None) -> str:
    """The latest month committee entries may be for (YYYY-MM): next month."""
    day = today or date.today()
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    return f"{year:04d}-{month:02d}"


def mib(n: int) -> str:
    return f"{n / MiB:.0f} MiB" if n % MiB == 0 else f"{n / MiB:.1f} MiB"
