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

    def __init__(
        self,
        detail: str,
        *,
        undecodable: bool = False,
        row: int | None = None,
        column: str | None = None,
        detail_zh: str | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.undecodable = undecodable
        self.row, self.column = row, column  # where in a CSV (line number, header of the field)
        self.detail_zh = detail_zh


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
    """Parse CSV bytes (comma, tab or semicolon separated) into a sheet named after the file.

    A NUL character or a broken quote (one that swallows the lines after it) is a ReadError naming the line
    and the field: such a file is rejected, never loaded with merged or poisoned cells.
    """
    text = decode_csv(data)
    if (nul := text.find("\x00")) >= 0:
        line = text.count("\n", 0, nul) + 1
        raise ReadError(
            f"NUL character at line {line}",
            row=line,
            detail_zh=f"第{line}行含有 NUL 空字符（文件可能已损坏或不是文本）",
        )
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", "\t", ";"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: list[list[Any]] = []
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise _broken_quote(start, reader.line_num, None, str(exc)) from exc
        for index, cell in enumerate(row):
            if "\n" in cell and any(line.count(delimiter) >= 2 for line in cell.split("\n")[1:]):
                header = rows[0][index] if rows and index < len(rows[0]) else f"#{index + 1}"
                raise _broken_quote(start, reader.line_num, str(header), "a quoted field swallows lines")
        rows.append(row)
    return Sheet(name, rows, spreadsheet=False)


def _broken_quote(start: int, end: int, column: str | None, detail: str) -> ReadError:
    field_zh = f"“{column}”列" if column else ""
    field_en = f" in column {column}" if column else ""
    return ReadError(
        f"a quote opened at line {start}{field_en} is not closed where the field ends "
        f"(lines {start}-{end} run together; {detail})",
        row=start,
        column=column,
        detail_zh=f"第{start}行{field_zh}的引号没有正确闭合（第{start}至{end}行被并成一个单元格）",
    )
