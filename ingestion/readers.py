"""Read a report file's bytes into sheets of cell rows: workbooks with python-calamine, CSV with `csv`.

Row i of `Sheet.rows` is sheet row i + 1, as the unit counts in Excel. Nothing here knows the report contract.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import python_calamine

CSV_ENCODINGS: tuple[str, ...] = ("utf-8-sig", "gb18030")  # utf-8-sig also reads UTF-8 without BOM


class ReadError(Exception):
    """The bytes cannot be read as a workbook / CSV; `detail` says why (English, from the library)."""

    def __init__(self, detail: str, *, undecodable: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.undecodable = undecodable


@dataclass
class Sheet:
    """Cell rows of one sheet (or one CSV file); `spreadsheet` says whether columns have letters A, B, ..."""

    name: str
    rows: list[list[Any]]
    spreadsheet: bool = True


@dataclass
class Workbook:
    """Sheet names, loaded on demand (only the sheets the contract needs are parsed)."""

    sheet_names: list[str]
    _load: Callable[[str], list[list[Any]]] = field(repr=False)
    _cache: dict[str, Sheet] = field(default_factory=dict, repr=False)

    def sheet(self, name: str) -> Sheet:
        if name not in self._cache:
            try:
                rows = self._load(name)
            except Exception as exc:  # calamine raises its own error types for broken sheet XML
                raise ReadError(f"sheet {name}: {exc}") from exc
            self._cache[name] = Sheet(name, rows)
        return self._cache[name]


def read_workbook(data: bytes) -> Workbook:
    """Open .xlsx/.xlsm bytes; ReadError when they are not a readable workbook."""
    try:
        book = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(book.sheet_names)
    except Exception as exc:  # CalamineError, ZipError, XmlError, PasswordError, ...
        raise ReadError(f"{type(exc).__name__}: {exc}") from exc

    def load(name: str) -> list[list[Any]]:
        sheet = book.get_sheet_by_name(name)
        rows: list[list[Any]] = sheet.to_python(skip_empty_area=False)
        fill_merged(rows, sheet.merged_cell_ranges or [])
        return rows

    return Workbook(names, load)


def fill_merged(rows: list[list[Any]], ranges: list[tuple[tuple[int, int], tuple[int, int]]]) -> None:
    """Give every cell of a merged range the value of its top-left cell, as the unit sees it on screen
    (e.g. one investor merged over the rows of its three projects)."""
    for (top, left), (bottom, right) in ranges:
        if top >= len(rows) or left >= len(rows[top]):
            continue
        value = rows[top][left]
        for r in range(top, min(bottom, len(rows) - 1) + 1):
            row = rows[r]
            for c in range(left, min(right, len(row) - 1) + 1):
                row[c] = value


def decode_csv(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM (Excel 'Unicode text'), then GB18030."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings: tuple[str, ...] = ("utf-16",)
    else:
        encodings = CSV_ENCODINGS
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReadError(f"not decodable as {' / '.join(encodings)}", undecodable=True)


def read_csv(data: bytes, name: str) -> Sheet:
    """Parse CSV bytes (comma, tab or semicolon separated) into a sheet named after the file."""
    text = decode_csv(data)
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    try:
        rows: list[list[Any]] = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:
        raise ReadError(f"CSV: {exc}") from exc
    return Sheet(name, rows, spreadsheet=False)
