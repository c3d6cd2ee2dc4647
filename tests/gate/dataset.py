"""A small clean dataset for the gate and submission tests: February 2021 plus the week before.

Rows use the Simplified Chinese labels of the report template (as a unit would type them), so the same data
can be written as workbooks (tests.helpers.workbooks) or loaded as raw rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from basics.registers import units
from basics.weeks import week_end
from tests.helpers.workbooks import ledger_row

YEAR, MONTH = 2021, 2
MONTH_WEEKS = ["2021-W05", "2021-W06", "2021-W07", "2021-W08"]  # Sundays 7, 14, 21, 28 Feb 2021
WEEKS = ["2021-W04", *MONTH_WEEKS]  # W04 (ends 31 Jan) is the week before, for week-over-week checks
LEAD_ID = "P01-L1"


@dataclass
class Report:
    ledger: list[dict[str, Any]]
    leads: list[dict[str, Any]] = field(default_factory=list)


def active_units(week: str) -> list[str]:
    sunday = week_end(week)
    return [code for code, unit in units().items() if unit.active_on(sunday)]


def unit_ledger(unit: str, k: int) -> list[dict[str, Any]]:
    """Two projects per unit: one landed industrial project (funds growing weekly) and one in talks."""
    return [
        ledger_row(
            project_code=f"{unit}-01",
            project_name=f"{unit}智能装备项目",
            investor=f"{unit}投资集团",
            investor_type="世界500强" if unit.startswith("P") else "其他",
            industry="装备制造",
            origin="长三角",
            is_sci_tech="是",
            stage="落地",
            contract_amount=60.0,
            funds_ytd=float(1 + k),
            signed_on=date(2021, 1, 10),
            landed_on=date(2021, 1, 20),
        ),
        ledger_row(
            project_code=f"{unit}-02",
            project_name=f"{unit}消费品项目",
            investor=f"{unit}商贸公司",
            investor_type="其他",
            industry="消费品",
            origin="市内",
            is_sci_tech="否",
            stage="在谈",
        ),
    ]


def base_reports() -> dict[tuple[str, str], Report]:
    """(week, unit) -> clean report. P01 shares a lead with P02, which signs it in February."""
    out: dict[tuple[str, str], Report] = {}
    for k, week in enumerate(WEEKS):
        for unit in active_units(week):
            report = Report(ledger=unit_ledger(unit, k))
            if unit == "P01":
                report.leads.append(
                    {
                        "lead_id": LEAD_ID,
                        "project_name": "共享线索项目",
                        "investor": "线索投资公司",
                        "to_unit": "P02",
                        "shared_on": date(2021, 1, 25),
                    }
                )
            if unit == "P02" and week != "2021-W04":
                report.ledger.append(
                    ledger_row(
                        project_code="P02-03",
                        project_name="共享线索项目",
                        investor="线索投资公司",
                        investor_type="上市公司",
                        industry="智能产业",
                        origin="粤港澳",
                        is_sci_tech="是",
                        stage="签约",
                        contract_amount=20.0,
                        funds_ytd=0.0,
                        signed_on=date(2021, 2, 3),
                        lead_id=LEAD_ID,
                        feedback_on=date(2021, 1, 27),
                    )
                )
            out[(week, unit)] = report
    return out
