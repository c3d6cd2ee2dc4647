"""A planned project: its whole life in the year, from which every weekly snapshot row is read."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

STAGE_ORDER = {"线索": 1, "在谈": 2, "签约": 3, "落地": 4, "开工": 5, "达产": 6, "终止": 99}
QUALITY_TYPES = frozenset({"世界500强", "中国500强", "民营500强", "上市公司"})


@dataclass
class Project:
    """Transition dates are planned once; a snapshot shows only what happened by the report Sunday."""

    unit: str
    kind: str  # carry (signed last year) | signed (signs this year) | pipeline (never signs)
    listed_on: date
    first_stage: str = "在谈"
    negotiating_on: date | None = None
    signed_on: date | None = None
    landed_on: date | None = None
    started_on: date | None = None
    producing_on: date | None = None
    terminated_on: date | None = None
    amount: float | None = None
    estimate: float | None = None
    industry: str = "装备制造"
    investor_type: str = "其他"
    origin: str = "市内"
    sci_tech: bool = False
    land_mu: float | None = None
    tranches: list[tuple[date, float]] = field(default_factory=list)
    code: str = ""
    name: str = ""
    investor: str = ""
    lead_id: str | None = None
    feedback_on: date | None = None
    note: str = ""
    major: bool = False

    def transitions(self) -> list[tuple[date, str]]:
        steps = [
            (self.listed_on, self.first_stage),
            (self.negotiating_on, "在谈"),
            (self.signed_on, "签约"),
            (self.landed_on, "落地"),
            (self.started_on, "开工"),
            (self.producing_on, "达产"),
            (self.terminated_on, "终止"),
        ]
        return [(d, s) for d, s in steps if d is not None]

    def stage_on(self, day: date) -> str:
        reached = [s for d, s in self.transitions() if d <= day]
        return max(reached, key=STAGE_ORDER.__getitem__)

    def funds_on(self, day: date) -> float:
        return round(sum(a for d, a in self.tranches if d <= day), 2)

    def row_on(self, day: date) -> dict[str, Any] | None:
        """The ledger row of the weekly report whose Sunday is `day` (None when not listed yet)."""
        if self.listed_on > day:
            return None
        stage = self.stage_on(day)
        signed = self.signed_on is not None and self.signed_on <= day
        negotiating_since = self.negotiating_on or (self.listed_on if self.first_stage == "在谈" else None)
        if signed:
            amount = self.amount
        elif self.estimate is not None and negotiating_since is not None and negotiating_since <= day:
            amount = self.estimate
        else:
            amount = None

        def shown(d: date | None) -> date | None:
            return d if d is not None and d <= day else None

        return {
            "project_code": self.code,
            "project_name": self.name,
            "investor": self.investor,
            "investor_type": self.investor_type,
            "industry": self.industry,
            "origin": self.origin,
            "is_sci_tech": self.sci_tech,
            "stage": stage,
            "contract_amount": amount,
            "funds_ytd": self.funds_on(day) if signed else None,
            "land_mu": self.land_mu if signed else None,
            "signed_on": shown(self.signed_on),
            "landed_on": shown(self.landed_on),
            "started_on": shown(self.started_on),
            "producing_on": shown(self.producing_on),
            "lead_id": self.lead_id,
            "feedback_on": self.feedback_on,
            "note": self.note if stage != "终止" else "投资方战略调整，项目终止",
        }
