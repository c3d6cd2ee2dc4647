"""Where a sheet's header is, which column holds which field, and the data rows under it as raw columns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ingestion.columns import Column
from ingestion.readers import Sheet
from ingestion.values import raw_text
from ingestion.vocabulary import HeaderMatch, match_header

HEADER_SCAN_ROWS = 10  # the header is expected in row 1; a title row or two above it is tolerated


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


@dataclass(frozen=True)
class ColumnAt:
    """A matched header cell: its 0-based index, its text as the unit wrote it, and what it matched."""

    index: int
    text: str
    match: HeaderMatch


@dataclass
class Layout:
    """The header row (1-based) of a sheet and its columns."""

    sheet: Sheet
    header_row: int
    fields: dict[str, ColumnAt] = field(default_factory=dict)
    duplicates: list[ColumnAt] = field(default_factory=list)  # a second header for an already matched field
    unknown: list[tuple[int, str]] = field(default_factory=list)

    def where(self, index: int) -> str:
        """'I列' style position for messages (CSV: the column number)."""
        return f"{column_letter(index)}列" if self.sheet.spreadsheet else f"第{index + 1}列"

    def header_text(self, column: Column) -> str:
        """The header as written in the file, or the template's header when the column is absent."""
        found = self.fields.get(column.field)
        return found.text if found else column.display


def _match_row(row: list[Any], columns: tuple[Column, ...]) -> list[tuple[int, str, HeaderMatch]]:
    out = []
    for index, cell in enumerate(row):
        text = raw_text(cell)
        if text and (found := match_header(text, columns)):
            out.append((index, text.strip(), found))
    return out


def find_layout(sheet: Sheet, columns: tuple[Column, ...]) -> Layout | None:
    """The first of the first rows that holds at least one known header; None when there is none."""
    for number, row in enumerate(sheet.rows[:HEADER_SCAN_ROWS], start=1):
        matched = _match_row(row, columns)
        if not matched:
            continue
        layout = Layout(sheet, number)
        known = {index for index, _, _ in matched}
        for index, text, found in matched:
            at = ColumnAt(index, text, found)
            if found.column.field in layout.fields:
                layout.duplicates.append(at)
            else:
                layout.fields[found.column.field] = at
        layout.unknown = [
            (index, text)
            for index, cell in enumerate(row)
            if index not in known and (text := raw_text(cell)) and text.strip()
        ]
        return layout
    return None


def has_content(row: list[Any]) -> bool:
    """False for a row of empty or whitespace-only cells."""
    for cell in row:
        if type(cell) is str:
            if cell and not cell.isspace():
                return True
        elif cell is not None:
            return True
    return False


@dataclass
class RawTable:
    """The data rows under a header: sheet row numbers and, per field present, the raw cells."""

    sheet: str
    row_numbers: list[int]
    cells: dict[str, list[Any]]
    layout: Layout

    def __len__(self) -> int:
        return len(self.row_numbers)


def raw_table(layout: Layout) -> RawTable:
    """Non-empty rows below the header (row numbers as in the sheet)."""
    numbers: list[int] = []
    rows: list[list[Any]] = []
    for number, row in enumerate(layout.sheet.rows[layout.header_row :], start=layout.header_row + 1):
        if has_content(row):
            numbers.append(number)
            rows.append(row)
    width = max((len(row) for row in rows), default=0)
    if any(len(row) < width for row in rows):  # CSV rows may be ragged; calamine's never are
        rows = [row + [None] * (width - len(row)) for row in rows]
    by_index = list(zip(*rows, strict=True)) if rows else []
    cells: dict[str, list[Any]] = {
        name: list(by_index[at.index]) if at.index < width else [None] * len(rows)
        for name, at in layout.fields.items()
    }
    return RawTable(layout.sheet.name, numbers, cells, layout)
