"""Write small hand-made weekly reports (real .xlsx / .csv files) for tests.

Rows are given with English field names; this module writes them under the Chinese headers of SPEC 2.1/2.2.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

from openpyxl import Workbook

from ingestion.columns import LEAD_COLUMNS, LEDGER_COLUMNS

LEDGER_HEADERS: dict[str, str] = {c.field: c.display for c in LEDGER_COLUMNS}  # 协议引资额(亿元), ...
LEAD_HEADERS: dict[str, str] = {c.field: c.display for c in LEAD_COLUMNS}
# Defaults that make a valid row; tests override what they need (labels in Simplified Chinese).
LEDGER_DEFAULTS: dict[str, Any] = {
    "investor": "测试投资有限公司",
    "investor_type": "其他",
    "industry": "装备制造",
    "origin": "市内",
    "is_sci_tech": "否",
    "stage": "在谈",
}


def week_path(inbox: Path, week: str, unit: str, ext: str = "xlsx") -> Path:
    """`<inbox>/<YYYY-Www>/<unit>.<ext>`, folder created."""
    folder = inbox / week
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{unit}.{ext}"


def ledger_row(**fields: Any) -> dict[str, Any]:
    """A ledger row with defaults filled in; `project_name` defaults to the project code."""
    row = {**LEDGER_DEFAULTS, **fields}
    row.setdefault("project_name", f"项目{row['project_code']}")
    return row


def write_report(
    path: Path,
    ledger: list[dict[str, Any]],
    leads: list[dict[str, Any]] | None = None,
    *,
    cover_unit: str | None = None,
    headers: dict[str, str] | None = None,
    ledger_sheet: str = "项目台账",
    lead_sheet: str = "线索共享",
) -> Path:
    """Write a workbook; `headers` overrides labels (万元, Traditional); dates stay Excel dates."""
    hdr = {**LEDGER_HEADERS, **(headers or {})}
    wb = Workbook()
    ws = wb.active
    ws.title = ledger_sheet
    cols = [c for c in LEDGER_HEADERS if any(c in r for r in ledger)] or list(LEDGER_HEADERS)[:8]
    ws.append([hdr[c] for c in cols])
    for row in ledger:
        ws.append([row.get(c) for c in cols])
    if leads is not None:
        ls = wb.create_sheet(lead_sheet)
        ls.append(list(LEAD_HEADERS.values()))
        for lead in leads:
            ls.append([lead.get(c) for c in LEAD_HEADERS])
    if cover_unit is not None:
        cover = wb.create_sheet("封面", 0)
        cover["A1"] = "单位编号"
        cover["B1"] = cover_unit
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_csv_report(
    path: Path,
    ledger: list[dict[str, Any]],
    *,
    encoding: str = "utf-8",
    headers: dict[str, str] | None = None,
) -> Path:
    """Write a ledger CSV (`utf-8`, `utf-8-sig` or `gb18030`)."""
    hdr = {**LEDGER_HEADERS, **(headers or {})}
    cols = [c for c in LEDGER_HEADERS if any(c in r for r in ledger)]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow([hdr[c] for c in cols])
        for row in ledger:
            writer.writerow(["" if row.get(c) is None else _text(row.get(c)) for c in cols])
    return path


def _text(value: Any) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)
