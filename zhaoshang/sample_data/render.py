"""Turn the plan into one unit's weekly report files."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from zhaoshang.sample_data.calendar import Week
from zhaoshang.sample_data.plan import Plan
from zhaoshang.sample_data.variants import (
    COVER_SHEET,
    LEAD_SHEET,
    LEDGER_SHEET,
    label,
    lead_headers,
    lead_table,
    ledger_headers,
    ledger_table,
    profile,
    traditional,
)
from zhaoshang.sample_data.writers import Sheet, write_csv, write_xlsx


def report_rows(
    plan: Plan, unit: str, week: Week, first_version: bool = True
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Ledger and lead rows (Simplified labels, 亿元, `date`s) of the unit's report for `week`.

    `first_version` gives the file as first sent; for the resent week it differs from the correction.
    """
    rows = [row for p in plan.projects[unit] if (row := p.row_on(week.sunday)) is not None]
    rs = plan.resend
    if first_version and rs is not None and (rs.unit, rs.week) == (unit, week):
        rows = [row for row in rows if row["project_code"] != rs.omitted_code]
        for row in rows:
            if row["project_code"] == rs.wrong_code:
                row["contract_amount"] = rs.wrong_amount
    leads = [
        {
            "lead_id": lead.lead_id,
            "project_name": lead.project_name,
            "investor": lead.investor,
            "to_unit": lead.to_unit,
            "shared_on": lead.shared_on,
        }
        for lead in plan.leads_in(unit, week)
    ]
    return rows, leads


def report_path(out: Path, unit: str, week: Week, csv: bool) -> Path:
    return out / week.label / f"{unit}.{'csv' if csv else 'xlsx'}"


def write_report(
    out: Path, plan: Plan, unit: str, week: Week, first_version: bool = True
) -> tuple[Path, int, int]:
    """Write the unit's report for `week`; returns (ledger file, ledger rows, lead rows)."""
    prof = profile(unit)
    rows, leads = report_rows(plan, unit, week, first_version)
    path = report_path(out, unit, week, prof.csv)
    path.parent.mkdir(parents=True, exist_ok=True)
    if prof.csv:
        write_csv(path, ledger_headers(prof), ledger_table(rows, prof))
        if leads:
            write_csv(path.with_suffix(".leads.csv"), lead_headers(prof), lead_table(leads, prof))
        return path, len(rows), len(leads)
    sheets: list[Sheet] = []
    if prof.cover:
        u = plan.units[unit]
        name = traditional(u.name_zh) if prof.traditional else u.name_zh
        sheets.append(
            (
                COVER_SHEET,
                [label("单位编号", prof), unit],
                [[label("单位名称", prof), name], [label("报告周", prof), week.label]],
            )
        )
    sheets.append((label(LEDGER_SHEET, prof), ledger_headers(prof), ledger_table(rows, prof)))
    if leads or prof.empty_lead_sheet:
        sheets.append((label(LEAD_SHEET, prof), lead_headers(prof), lead_table(leads, prof)))
    sent = datetime.combine(week.sunday, time(17, 30))
    if not first_version:
        sent += timedelta(days=15)
    write_xlsx(path, sheets, sent)
    return path, len(rows), len(leads)
