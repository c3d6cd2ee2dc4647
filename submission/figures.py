"""The figures of a monthly submission, read from the warehouse marts, with their Chinese labels."""

from __future__ import annotations

import calendar
import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

import duckdb

from basics.warehouse_access import open_warehouse

LABELS_CSV = Path(__file__).resolve().parent / "indicator_labels.csv"

Kind = Literal["amount", "count", "ratio"]

# number formats of the workbook, and the matching rounding of every export
XLSX_FORMATS: dict[str, str] = {"amount": "0.00", "count": "0", "ratio": "0.0%", "score": "0.00"}
DIGITS: dict[str, int] = {"amount": 2, "count": 0, "ratio": 3, "score": 2}


@dataclass(frozen=True)
class Label:
    label_zh: str
    unit: str
    kind: Kind
    section: str
    sort_order: int


@dataclass(frozen=True)
class IndicatorRow:
    indicator: str
    label: Label
    value: float | None
    target: float | None
    completion: float | None


@cache
def indicator_labels() -> dict[str, Label]:
    """indicator code -> Chinese label, unit, kind and place (the one place for these labels)."""
    with open(LABELS_CSV, encoding="utf-8", newline="") as fh:
        return {
            r["indicator"]: Label(r["label_zh"], r["unit"], r["kind"], r["section"], int(r["sort_order"]))  # type: ignore[arg-type]
            for r in csv.DictReader(fh)
        }


def label_of(indicator: str) -> Label:
    """The label of an indicator; an unknown code is shown as itself, last (never dropped)."""
    known = indicator_labels().get(indicator)
    if known:
        return known
    kind: Kind = (
        "ratio"
        if indicator.startswith("share_")
        else "count"
        if indicator.startswith(("projects_", "quality", "major"))
        else "amount"
    )
    unit = {"ratio": "%", "count": "个", "amount": "亿元"}[kind]
    return Label(indicator, unit, kind, "其他", 999)


def rounded(value: float | None, kind: str) -> float | int | None:
    """The exported figure: 亿元 to 2 decimals, counts whole, ratios to 0.1 % (3 decimals as a ratio)."""
    if value is None:
        return None
    if kind == "count":
        return int(round(value))
    return round(float(value), DIGITS[kind])


def as_text(value: float | None, kind: str) -> str:
    """The CSV text of a figure: '123.45', '7', '12.3%'; empty when there is no value."""
    if value is None:
        return ""
    if kind == "ratio":
        return f"{value * 100:.1f}%"
    if kind == "count":
        return f"{round(value):d}"
    return f"{value:.{DIGITS[kind]}f}"


def period_label(year: int, month: int) -> str:
    end = date(year, month, calendar.monthrange(year, month)[1])
    return f"{year}年1月1日至{end.month}月{end.day}日"


def district_rows(con: duckdb.DuckDBPyConnection, year: int, month: int) -> list[IndicatorRow]:
    """marts.district_month_indicators of the month, in the order of the labels CSV."""
    rows = con.execute(
        "select indicator, value, target, completion from marts.district_month_indicators "
        "where year = ? and month = ?",
        [year, month],
    ).fetchall()
    out = [IndicatorRow(ind, label_of(ind), _num(v), _num(t), _num(c)) for ind, v, t, c in rows]
    return sorted(out, key=lambda r: (r.label.sort_order, r.indicator))


SOURCE_COUNTS: dict[str, str] = {
    **{
        name: f"select {name} from marts.month_source_rows where year = ? and month = ?"
        for name in ("report_files", "ledger_rows", "lead_rows")
    },
    **{
        table: f"select count(*) from {table} where year = ? and month = ?"
        for table in ("marts.district_month_indicators", "marts.score_totals")
    },
}


def source_row_counts(con: duckdb.DuckDBPyConnection, year: int, month: int) -> dict[str, int | None]:
    """Rows behind the submission: the month's staged reports (weeks ending in it) and the marts."""
    out: dict[str, int | None] = {}
    for name, sql in SOURCE_COUNTS.items():
        try:
            row = con.execute(sql, [year, month]).fetchone()
        except duckdb.Error:  # before a build
            out[name] = None
            continue
        out[name] = int(row[0]) if row else 0  # no staged row of the month: 0
    return out


def connect(warehouse: Path) -> duckdb.DuckDBPyConnection:
    """Read-only when possible (falls back to the process's existing read-write configuration)."""
    if not Path(warehouse).exists():
        raise FileNotFoundError(f"warehouse not found: {warehouse}")
    try:
        return open_warehouse(Path(warehouse), read_only=True)
    except duckdb.ConnectionException:
        return open_warehouse(Path(warehouse))


def _num(value: Any) -> float | None:
    return None if value is None else float(value)
