"""Chinese headers of the report fields (from `ingestion.columns`), for messages and to match row issues."""

from __future__ import annotations

from typing import Any

from ingestion.columns import LEAD_COLUMNS, LEDGER_COLUMNS
from ingestion.vocabulary import match_header

LEDGER_FIELDS_ZH: dict[str, str] = {c.field: c.header for c in LEDGER_COLUMNS}
LEAD_FIELDS_ZH: dict[str, str] = {c.field: c.header for c in LEAD_COLUMNS}
OTHER_FIELDS_ZH: dict[str, str] = {
    "week_end": "报告周末日",
    "unit_code": "单位编号",
    "week_label": "周次",
    "indicator": "指标",
    "value": "数值",
}


def field_zh(field: str) -> str:
    """The Chinese header of a field (the field name itself when unknown)."""
    return LEDGER_FIELDS_ZH.get(field) or LEAD_FIELDS_ZH.get(field) or OTHER_FIELDS_ZH.get(field, field)


def field_of_header(header: str | None) -> str | None:
    """Map a header as the unit wrote it (spaces, brackets, Traditional characters) to the field name."""
    if not header:
        return None
    if header in LEDGER_FIELDS_ZH or header in LEAD_FIELDS_ZH:
        return header  # already a field name
    match = match_header(header, LEDGER_COLUMNS) or match_header(header, LEAD_COLUMNS)
    return match.column.field if match else None


def is_missing(value: Any) -> bool:
    """None, NaN, NaT or pandas NA (scalars only)."""
    if value is None:
        return True
    import pandas as pd

    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # list-like
        return False
