"""Row-level normalisation and rules (SPEC 2.1 ledger, 2.2 shared leads): values to English codes, 亿元 and
dates; each violated rule becomes an `Issue` while the row is still loaded (NULL where unparseable).

Rule codes: required, enum, number, not_negative, date, unique, required_for_stage, date_order (ledger);
required, unknown_unit, self_share, date, after_week, unique (leads). Rules across rows and files (a lead id
reused or its receiver changed, duplicates across units, week-over-week changes) are the gate's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from basics import registers
from ingestion.columns import LEAD_COLUMNS, LEDGER_COLUMNS, STAGE_DATES, Column
from ingestion.layout import RawTable
from ingestion.values import UNPARSEABLE, clean_text, is_blank, name_keys, parse_date, parse_decimal, raw_text
from ingestion.vocabulary import enum_code, enum_labels, unit_code, yes_no


@dataclass(frozen=True)
class Issue:
    """One violated row-level rule; `column_name` is the header as the unit wrote it."""

    sheet: str
    row_number: int
    project_code: str | None
    column_name: str
    value: str | None
    rule: str
    expected_zh: str
    expected_en: str


@dataclass
class Table:
    """Normalised rows of one sheet: sheet row numbers and one list per field (every field of the sheet)."""

    sheet: str
    row_numbers: list[int]
    columns: dict[str, list[Any]]
    headers: dict[str, str]  # field -> header as written in the file (the template's when absent)

    def __len__(self) -> int:
        return len(self.row_numbers)


DATE_EXPECTED = (
    "日期，如 2021-02-03、2021/2/3 或 2021年2月3日",
    "a date such as 2021-02-03, 2021/2/3 or 2021年2月3日",
)
NUMBER_EXPECTED = ("数值，如 12.5", "a number such as 12.5")
NOT_NEGATIVE_EXPECTED = ("不小于 0 的数值", "a number >= 0")
YES_NO_EXPECTED = ("是 或 否（也接受 Y/N、1/0、true/false）", "是 or 否 (Y/N, 1/0, true/false also accepted)")
REQUIRED_EXPECTED = ("必填，不能为空", "a value (required)")


@dataclass(frozen=True)
class StageRule:
    """What a stage requires (from the stages seed)."""

    label: str
    needs_amount: bool
    needs_dates: tuple[str, ...]


@cache
def stage_rules() -> dict[str, StageRule]:
    out = {}
    for row in registers.read_seed("stages"):
        dates = tuple(f for f in STAGE_DATES if row[f"requires_{f}"] == "true")
        out[row["stage_code"]] = StageRule(row["label_zh"], row["is_signed"] == "true", dates)
    return out


def _memoised(cells: list[Any], convert: Callable[[Any], Any]) -> list[Any]:
    """Convert each distinct cell once (enumerations and dates repeat a lot), then map in C."""
    try:
        mapping = {cell: convert(cell) for cell in set(cells)}
    except TypeError:  # unhashable: never from calamine/csv, but stay safe
        return [convert(cell) for cell in cells]
    return list(map(mapping.__getitem__, cells))


def _convert(column: Column, cells: list[Any], divisor: float) -> list[Any]:
    """Cells -> values; UNPARSEABLE where a present value cannot be read."""
    kind = column.kind
    if kind == "text":
        return _memoised(cells, clean_text)
    if kind == "enum":
        seed = column.seed or ""
        return _memoised(cells, lambda c: None if is_blank(c) else enum_code(c, seed) or UNPARSEABLE)
    if kind == "yes_no":
        return _memoised(cells, lambda c: None if is_blank(c) else _or_bad(yes_no(c)))
    if kind == "unit":
        return _memoised(cells, lambda c: None if is_blank(c) else unit_code(c) or UNPARSEABLE)
    if kind == "date":
        return _memoised(cells, parse_date)
    values = [c if type(c) is float else parse_decimal(c) for c in cells]
    if divisor != 1.0:
        values = [v / divisor if type(v) is float else v for v in values]
    return values


def _or_bad(value: bool | None) -> bool | object:
    return UNPARSEABLE if value is None else value


def _bad_value_issue(column: Column) -> tuple[str, str, str]:
    """(rule, expected_zh, expected_en) for a present value that cannot be read."""
    if column.kind == "enum":
        labels = enum_labels(column.seed or "")
        return "enum", f"以下之一：{labels}", f"one of {labels}"
    if column.kind == "yes_no":
        return "enum", *YES_NO_EXPECTED
    if column.kind == "unit":
        return "unknown_unit", "单位名册中的单位编号", "a unit code of the register"
    if column.kind == "date":
        return "date", *DATE_EXPECTED
    return "number", *NUMBER_EXPECTED


class _Collector:
    """Builds issues for one table."""

    def __init__(self, raw: RawTable, codes: list[str | None]) -> None:
        self.raw, self.codes, self.issues = raw, codes, []

    def add(self, i: int, column: Column, cell: Any, rule: str, zh: str, en: str) -> None:
        header = self.raw.layout.header_text(column)
        row = self.raw.row_numbers[i]
        self.issues.append(Issue(self.raw.sheet, row, self.codes[i], header, raw_text(cell), rule, zh, en))


def _normalise(
    raw: RawTable, columns: tuple[Column, ...], code_field: str | None
) -> tuple[dict[str, list[Any]], _Collector]:
    """Convert every column; flag unreadable, missing-required and negative values."""
    n = len(raw)
    out: dict[str, list[Any]] = {}
    has_codes = code_field is not None and code_field in raw.cells
    codes: list[str | None] = [clean_text(c) for c in raw.cells[code_field]] if has_codes else [None] * n
    issues = _Collector(raw, codes)
    for column in columns:
        cells = raw.cells.get(column.field)
        if cells is None:
            out[column.field] = [None] * n
            if column.required:
                for i in range(n):
                    issues.add(i, column, None, "required", *REQUIRED_EXPECTED)
            continue
        at = raw.layout.fields[column.field]
        values = codes if column.field == code_field else _convert(column, cells, at.match.divisor or 1.0)
        numeric = column.kind in ("amount", "decimal")
        if not (
            (column.required and None in values)
            or UNPARSEABLE in values
            or (numeric and any(type(v) is float and v < 0 for v in values))
        ):
            out[column.field] = values  # the common case: nothing to flag
            continue
        bad_rule = None
        for i, value in enumerate(values):
            if value is None:
                if column.required:
                    issues.add(i, column, cells[i], "required", *REQUIRED_EXPECTED)
            elif value is UNPARSEABLE:
                bad_rule = bad_rule or _bad_value_issue(column)
                issues.add(i, column, cells[i], *bad_rule)
                values[i] = None
            elif numeric and value < 0:
                issues.add(i, column, cells[i], "not_negative", *NOT_NEGATIVE_EXPECTED)
        out[column.field] = values
    return out, issues


def _unique(raw: RawTable, column: Column, values: list[Any], issues: _Collector, what_zh: str) -> None:
    first: dict[Any, int] = {}
    for i, value in enumerate(values):
        if value is None:
            continue
        if value in first:
            row = raw.row_numbers[first[value]]
            issues.add(
                i,
                column,
                raw.cells[column.field][i],
                "unique",
                f"{what_zh}在本文件内唯一（与第{row}行重复）",
                f"a {column.label_en} unique within the file (same as row {row})",
            )
        else:
            first[value] = i


_BY_FIELD = {c.field: c for c in LEDGER_COLUMNS}


def normalise_ledger(raw: RawTable) -> tuple[Table, list[Issue]]:
    """Normalised ledger rows (with `name_key`) and their issues."""
    cols, issues = _normalise(raw, LEDGER_COLUMNS, "project_code")
    _unique(raw, _BY_FIELD["project_code"], cols["project_code"], issues, "项目编号")
    demanding = {code: r for code, r in stage_rules().items() if r.needs_amount or r.needs_dates}
    amounts = cols["contract_amount"]
    for i, stage in enumerate(cols["stage"]):
        rule = demanding.get(stage)
        if rule is None:
            continue
        if rule.needs_amount and amounts[i] is None:
            _stage_issue(raw, issues, i, _BY_FIELD["contract_amount"], rule, stage)
        for f in rule.needs_dates:
            if cols[f][i] is None:
                _stage_issue(raw, issues, i, _BY_FIELD[f], rule, stage)
    for i, dates in enumerate(zip(*(cols[f] for f in STAGE_DATES), strict=True)):
        if dates.count(None) < len(dates) - 1:
            _date_order(raw, issues, i, dates)
    cols["name_key"] = name_keys(cols["project_name"], cols["investor"])
    return Table(raw.sheet, raw.row_numbers, cols, _headers(raw, LEDGER_COLUMNS)), issues.issues


def _headers(raw: RawTable, columns: tuple[Column, ...]) -> dict[str, str]:
    return {c.field: raw.layout.header_text(c) for c in columns}


def _stage_issue(
    raw: RawTable, issues: _Collector, i: int, column: Column, rule: StageRule, stage: str
) -> None:
    cell = raw.cells[column.field][i] if column.field in raw.cells else None
    if not is_blank(cell):
        return  # present but unreadable: already flagged as number/date
    issues.add(
        i,
        column,
        cell,
        "required_for_stage",
        f"项目阶段为“{rule.label}”时必填",
        f"a value: required when the stage is {rule.label} ({stage})",
    )


def _date_order(raw: RawTable, issues: _Collector, i: int, dates: tuple[date | None, ...]) -> None:
    previous: tuple[str, date] | None = None
    for f, day in zip(STAGE_DATES, dates, strict=True):
        if day is None:
            continue
        if previous and day < previous[1]:
            before = raw.layout.header_text(_BY_FIELD[previous[0]])
            issues.add(
                i,
                _BY_FIELD[f],
                raw.cells[f][i],
                "date_order",
                f"不早于{before}（{previous[1].isoformat()}）",
                f"a date not before {before} ({previous[1].isoformat()})",
            )
        previous = (f, day)


_LEAD_BY_FIELD = {c.field: c for c in LEAD_COLUMNS}


def normalise_leads(raw: RawTable, sharer: str, week_end: date) -> tuple[Table, list[Issue]]:
    """Normalised shared-lead rows and their issues."""
    cols, issues = _normalise(raw, LEAD_COLUMNS, None)
    to_unit = _LEAD_BY_FIELD["to_unit"]
    for i, unit in enumerate(cols["to_unit"]):
        if unit == sharer:
            issues.add(
                i,
                to_unit,
                raw.cells["to_unit"][i],
                "self_share",
                f"其他单位的编号（不能共享给本单位 {sharer}）",
                f"another unit than the sharer {sharer}",
            )
    shared_on = _LEAD_BY_FIELD["shared_on"]
    for i, day in enumerate(cols["shared_on"]):
        if day is not None and day > week_end:
            issues.add(
                i,
                shared_on,
                raw.cells["shared_on"][i],
                "after_week",
                f"不晚于报告周的周日 {week_end.isoformat()}",
                f"a date on or before the report week's Sunday {week_end.isoformat()}",
            )
    _unique(raw, _LEAD_BY_FIELD["lead_id"], cols["lead_id"], issues, "线索编号")
    return Table(raw.sheet, raw.row_numbers, cols, _headers(raw, LEAD_COLUMNS)), issues.issues
