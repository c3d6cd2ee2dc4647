"""Plan each unit's projects for the year so that the totals land near the district targets."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta

from basics.registers import Unit, read_seed
from zhaoshang.sample_data.project import Project

INDUSTRY_PROFILES: dict[str, dict[str, int]] = {
    "P01": {"智能产业": 3, "装备制造": 2, "现代服务业": 2, "材料": 1},
    "P02": {"消费品": 3, "材料": 2, "装备制造": 1, "现代服务业": 1},
    "P03": {"汽摩": 3, "装备制造": 3, "智能产业": 1},
    "P04": {"材料": 3, "装备制造": 2, "现代服务业": 2},
    "P05": {"消费品": 3, "装备制造": 1, "材料": 1},
    "P06": {"智能产业": 5, "现代服务业": 1},
    "P07": {"智能产业": 3, "装备制造": 2, "现代服务业": 1},
    "D01": {"装备制造": 1, "材料": 1, "现代服务业": 1, "智能产业": 1},
    "D02": {"装备制造": 2, "汽摩": 2, "材料": 1, "智能产业": 1},
    "D03": {"现代服务业": 3, "消费品": 1},
    "D04": {"智能产业": 3, "装备制造": 1},
    "D05": {"现代农业": 4, "消费品": 1},
    "D06": {"现代服务业": 2},
}
DEFAULT_PROFILE = {"装备制造": 2, "汽摩": 1, "材料": 1, "智能产业": 2, "消费品": 1, "现代服务业": 1}
INVESTOR_WEIGHTS = {
    "世界500强": 4,
    "中国500强": 6,
    "民营500强": 6,
    "上市公司": 9,
    "央企": 7,
    "国企": 15,
    "其他": 45,
}
MAJOR_INVESTOR_WEIGHTS = {"世界500强": 3, "中国500强": 3, "央企": 2, "民营500强": 2}
ORIGIN_WEIGHTS = {"粤港澳": 18, "长三角": 22, "京津冀": 10, "市内": 25, "其他市外": 18, "境外": 7}
SCI_TECH_SHARE = {"智能产业": 0.7, "装备制造": 0.35, "汽摩": 0.3, "材料": 0.2}
NON_INDUSTRIAL_UNITS = ("D06", "D03", "B01", "B02", "B03")


@dataclass(frozen=True)
class Horizon:
    """The dates that bound a generated year."""

    year: int
    first_monday: date
    last_sunday: date

    @property
    def jan1(self) -> date:
        return date(self.year, 1, 1)

    @property
    def dec31(self) -> date:
        return date(self.year, 12, 31)

    @property
    def funds_start(self) -> date:
        """Funds count from 1 January; the first tranche lands after the first full week."""
        return max(self.jan1, self.first_monday + timedelta(days=7))


def targets_c(year: int) -> dict[str, tuple[float, int]]:
    """(target_C, target_M) per unit for `year`, else for the latest year the seed holds."""
    rows = read_seed("targets")
    years = sorted({int(r["year"]) for r in rows})
    use = year if year in years else max(y for y in years if y <= year) if years[0] <= year else years[0]
    return {
        r["unit_code"]: (_target(r.get("target_C"), 10.0), int(_target(r.get("target_M"), 0.0)))
        for r in rows
        if int(r["year"]) == use
    }


def _target(value: object, default: float) -> float:
    """A target cell: blank or absent (an indicator the method does not use) plans as `default`."""
    text = "" if value is None else str(value).strip()
    return float(text) if text else default


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def day_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randint(0, max(0, (end - start).days)))


def normal_amount(rng: random.Random) -> float:
    """Mostly 0.5–30 亿元, median about 8."""
    return round(min(30.0, max(0.5, rng.lognormvariate(math.log(8), 0.8))), 2)


class UnitPlanner:
    """Plans one unit's projects: carried over from last year, signing this year, pipeline."""

    def __init__(self, unit: Unit, horizon: Horizon, rng: random.Random) -> None:
        self.unit = unit
        self.h = horizon
        self.rng = rng
        self.start = max(horizon.first_monday, unit.active_from)
        self.profile = INDUSTRY_PROFILES.get(unit.unit_code, DEFAULT_PROFILE)

    def plan(self, target_c: float, target_m: int) -> list[Project]:
        rng = self.rng
        budget = target_c * rng.uniform(1.03, 1.22)
        amounts: list[tuple[float, bool]] = []
        if target_m >= 1:
            amounts.append((round(rng.uniform(50, min(90, max(55, budget * 0.55))), 2), True))
        rest = budget - sum(a for a, _ in amounts)
        while rest >= 0.5:
            amount = normal_amount(rng)
            if amount >= rest - 0.5 and rest <= 30:
                amount = round(rest, 2)
            amounts.append((amount, False))
            rest -= amount
        projects = [self.signing(a, major) for a, major in amounts]
        if self.unit.active_from <= self.h.jan1:
            projects += [self.carried() for _ in range(max(1, round(target_c / 30)))]
        projects += [self.pipeline() for _ in range(2 + round(target_c / 30))]
        return projects

    def _attributes(self, p: Project, industries: dict[str, int], major: bool = False) -> Project:
        rng = self.rng
        p.industry = pick(rng, industries)
        p.investor_type = pick(rng, MAJOR_INVESTOR_WEIGHTS if major else INVESTOR_WEIGHTS)
        p.origin = "京津冀" if p.investor_type == "央企" and rng.random() < 0.7 else pick(rng, ORIGIN_WEIGHTS)
        p.sci_tech = rng.random() < SCI_TECH_SHARE.get(p.industry, 0.1)
        p.major = major
        if major:
            p.note = "重大项目"
        elif rng.random() < 0.1:
            p.note = "市级重点项目"
        return p

    def _after_signing(self, p: Project, land_p: float, max_lag: int) -> None:
        rng = self.rng
        assert p.signed_on is not None and p.amount is not None
        if rng.random() < land_p:
            p.landed_on = p.signed_on + timedelta(days=rng.randint(15, max_lag))
            if rng.random() < 0.6:
                p.started_on = p.landed_on + timedelta(days=rng.randint(10, 80))
                if rng.random() < 0.3:
                    p.producing_on = p.started_on + timedelta(days=rng.randint(45, 200))
        elif rng.random() < 0.06:
            p.terminated_on = p.signed_on + timedelta(days=rng.randint(30, 100))
        if rng.random() < 0.75:
            p.land_mu = float(round(p.amount * rng.uniform(3, 10) + rng.uniform(5, 30)))

    def signing(self, amount: float, major: bool) -> Project:
        """A project that signs this year (industrial unless assigned 其他 later)."""
        rng = self.rng
        h = self.h
        signed = day_between(
            rng, max(h.funds_start, self.start + timedelta(days=14)), h.last_sunday - timedelta(3)
        )
        listed = max(self.start, signed - timedelta(days=rng.randint(14, 160)))
        p = Project(self.unit.unit_code, "signed", listed, signed_on=signed, amount=amount)
        industries = {k: v for k, v in self.profile.items() if k != "消费品"} or DEFAULT_PROFILE
        self._attributes(p, industries, major)
        gap = (signed - listed).days
        if gap > 45 and rng.random() < 0.5:
            p.first_stage = "线索"
            p.negotiating_on = listed + timedelta(days=int(gap * rng.uniform(0.3, 0.6)))
        if rng.random() < 0.5:
            p.estimate = round(amount * rng.uniform(0.85, 1.15), 2)
        self._after_signing(p, 0.5, 120)
        return p

    def carried(self) -> Project:
        """A project signed last year, still on the ledger and moving on."""
        rng = self.rng
        y0 = self.h.year - 1
        signed = day_between(rng, date(y0, 2, 1), date(y0, 12, 20))
        p = Project(
            self.unit.unit_code,
            "carry",
            self.start,
            first_stage="签约",
            signed_on=signed,
            amount=normal_amount(rng),
        )
        self._attributes(p, self.profile)
        self._after_signing(p, 0.8, 200)
        if p.terminated_on is not None and p.terminated_on < self.h.funds_start:
            p.terminated_on = None
        return p

    def pipeline(self) -> Project:
        """A lead or negotiation that does not sign this year (a few are terminated)."""
        rng = self.rng
        h = self.h
        if self.unit.active_from <= h.jan1 and rng.random() < 0.3:
            listed = self.start
        else:
            listed = day_between(rng, self.start + timedelta(days=7), h.last_sunday - timedelta(days=7))
        p = Project(
            self.unit.unit_code, "pipeline", listed, first_stage="线索" if rng.random() < 0.6 else "在谈"
        )
        self._attributes(p, self.profile)
        if p.first_stage == "线索" and rng.random() < 0.5:
            p.negotiating_on = listed + timedelta(days=rng.randint(14, 90))
        if rng.random() < 0.5:
            p.estimate = normal_amount(rng)
        if rng.random() < 0.2:
            p.terminated_on = listed + timedelta(days=rng.randint(30, 160))
            if p.negotiating_on is not None and p.negotiating_on >= p.terminated_on:
                p.negotiating_on = None
        return p
