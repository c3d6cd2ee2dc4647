"""Hand-made projects that evolve week by week, written as the ledger a unit would report in a given week.

A `Project` knows when it appears on the unit's ledger, when it signs, lands, terminates and leaves;
`ledger_at` gives the rows of the report whose ISO week ends on a given Sunday (later dates are unknown).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from tests.helpers.workbooks import ledger_row


def sunday(week: str) -> date:
    """Sunday of an ISO week label such as 2021-W05."""
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 7)


def weeks(first: str, last: str) -> list[str]:
    """ISO week labels from `first` to `last` inclusive."""
    out: list[str] = []
    day = sunday(first)
    end = sunday(last)
    while day <= end:
        iso = day.isocalendar()
        out.append(f"{iso.year}-W{iso.week:02d}")
        day = date.fromordinal(day.toordinal() + 7)
    return out


@dataclass(frozen=True)
class Project:
    code: str
    industry: str = "装备制造"
    investor_type: str = "其他"
    amount: float | None = None  # 协议引资额, reported from signing on
    funds: float | None = None  # 本年实际到位资金
    signed_on: date | None = None
    landed_on: date | None = None
    terminated_on: date | None = None
    lead_id: str | None = None
    feedback_on: date | None = None
    appears_on: date = date(
        2020, 12, 28
    )  # first day it is on the ledger (a report ending on/after it lists it)
    leaves_on: date | None = None  # reports ending on/after this day no longer list it
    name: str | None = None
    investor: str | None = None
    origin: str = "市内"
    sci_tech: str = "否"

    def row_at(self, week_end: date) -> dict[str, Any] | None:
        if week_end < self.appears_on or (self.leaves_on is not None and week_end >= self.leaves_on):
            return None
        known = lambda d: d if d is not None and d <= week_end else None  # noqa: E731
        signed, landed = known(self.signed_on), known(self.landed_on)
        stage = "在谈"
        if signed:
            stage = "签约"
        if signed and landed:
            stage = "落地"
        if known(self.terminated_on):
            stage = "终止"
        fields: dict[str, Any] = {
            "project_code": self.code,
            "industry": self.industry,
            "investor_type": self.investor_type,
            "origin": self.origin,
            "is_sci_tech": self.sci_tech,
            "stage": stage,
            "contract_amount": self.amount if signed else None,
            "funds_ytd": self.funds,
            "signed_on": signed,
            "landed_on": landed if signed else None,
            "lead_id": self.lead_id,
            "feedback_on": known(self.feedback_on),
        }
        if self.name:
            fields["project_name"] = self.name
        if self.investor:
            fields["investor"] = self.investor
        return ledger_row(**fields)


def ledger_at(projects: list[Project], week_end: date) -> list[dict[str, Any]]:
    return [row for p in projects if (row := p.row_at(week_end)) is not None]
