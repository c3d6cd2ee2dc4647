"""The whole sample year: projects of every unit, shared leads, missed weeks and the resent week."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from basics.registers import Unit
from zhaoshang.sample_data.calendar import Week, report_weeks, week_of
from zhaoshang.sample_data.names import NameBook
from zhaoshang.sample_data.project import Project
from zhaoshang.sample_data.units_plan import (
    DEFAULT_PROFILE,
    INDUSTRY_PROFILES,
    NON_INDUSTRIAL_UNITS,
    Horizon,
    UnitPlanner,
    day_between,
    pick,
    targets_c,
)
from zhaoshang.sample_data.variants import PROFILES


@dataclass(frozen=True)
class Lead:
    lead_id: str
    sharer: str
    to_unit: str
    shared_on: date
    project_name: str
    investor: str
    repeat: bool  # listed again, unchanged, in the sharer's next report


@dataclass(frozen=True)
class Resend:
    """The week a unit resends: its first version has a wrong amount and lacks one new project."""

    unit: str
    week: Week
    wrong_code: str
    wrong_amount: float
    omitted_code: str | None


@dataclass
class Plan:
    year: int
    seed: int
    horizon: Horizon
    units: dict[str, Unit]
    projects: dict[str, list[Project]]
    leads: list[Lead] = field(default_factory=list)
    missed: set[tuple[str, str]] = field(default_factory=set)
    resend: Resend | None = None

    def expected_weeks(self, unit: str) -> list[Week]:
        """Weeks whose Sunday falls in the unit's active dates."""
        u = self.units[unit]
        return [w for w in report_weeks(self.year) if u.active_on(w.sunday)]

    def reported_weeks(self, unit: str) -> list[Week]:
        return [w for w in self.expected_weeks(unit) if (unit, w.label) not in self.missed]

    def leads_in(self, unit: str, week: Week) -> list[Lead]:
        """Leads the unit lists in its report of `week` (first shared there, or repeated)."""
        reported = self.reported_weeks(unit)
        out = []
        for lead in self.leads:
            if lead.sharer != unit:
                continue
            first = week_of(lead.shared_on)
            later = [w for w in reported if w > first]
            if first == week or (lead.repeat and later and later[0] == week):
                out.append(lead)
        return out


def build_plan(units: dict[str, Unit], year: int, seed: int) -> Plan:
    """Plan the year deterministically from (year, seed); nothing is written here."""
    weeks = report_weeks(year)
    horizon = Horizon(year, weeks[0].monday, weeks[-1].sunday)
    targets = targets_c(year)
    planners = {
        code: UnitPlanner(u, horizon, random.Random(f"{year}:{seed}:{code}"))
        for code, u in units.items()
        if u.active_on(horizon.last_sunday)
    }
    projects = {code: pl.plan(*targets.get(code, (10.0, 0))) for code, pl in planners.items()}
    rng = random.Random(f"{year}:{seed}:district")
    for _ in range(6):
        code = rng.choice([c for c in NON_INDUSTRIAL_UNITS if c in planners])
        p = planners[code].signing(round(rng.uniform(1, 20), 2), major=False)
        p.industry, p.sci_tech = "其他", False
        projects[code].append(p)
    _assign_consumer_goods(projects, rng)
    book = NameBook(random.Random(f"{year}:{seed}:names"))
    for code, items in projects.items():
        for p in items:
            p.name, p.investor = book.draw(p.industry, p.investor_type, p.origin)
        _number(code, items, year)
    plan = Plan(year, seed, horizon, dict(units), projects)
    _plan_funds(plan, rng)
    _plan_missed(plan, rng)
    _plan_leads(plan, rng, book)
    _plan_resend(plan, rng)
    return plan


def _assign_consumer_goods(projects: dict[str, list[Project]], rng: random.Random) -> None:
    """Relabel signing projects of consumer-goods units until the district total is about 112–138 亿."""
    pool = [
        p
        for code, items in projects.items()
        if "消费品" in INDUSTRY_PROFILES.get(code, DEFAULT_PROFILE)
        for p in items
        if p.kind == "signed" and not p.major and p.industry != "其他"
    ]
    rng.shuffle(pool)
    remaining = rng.uniform(112, 138)
    for p in pool:
        assert p.amount is not None
        if remaining < 0.5:
            break
        if p.amount <= remaining + 2:
            p.industry, remaining = "消费品", remaining - p.amount
            p.sci_tech = False


def _number(unit: str, items: list[Project], year: int) -> None:
    """Stable codes `<unit>-<year first listed>-<nnn>`, in listing order; sorts the list by code. Projects
    carried from the year before are numbered from 901, so a sample of the next year never reuses a code
    the previous year's sample gave to another project."""
    items.sort(key=lambda p: (p.listed_on, p.kind != "carry", p.name))
    seq: dict[int, int] = {}
    for p in items:
        y = year - 1 if p.listed_on.year < year or p.kind == "carry" else year
        seq[y] = seq.get(y, 900 if y < year else 0) + 1
        p.code = f"{unit}-{y}-{seq[y]:03d}"
    items.sort(key=lambda p: p.code)


def _plan_funds(plan: Plan, rng: random.Random) -> None:
    """Funds arrive in tranches after signing; scaled so industrial funds end the year near 330–370 亿."""
    h = plan.horizon
    funded = [
        p
        for items in plan.projects.values()
        for p in items
        if p.signed_on is not None and p.terminated_on is None
    ]
    totals: dict[str, float] = {}
    for p in funded:
        assert p.amount is not None and p.signed_on is not None
        if p.kind == "carry":
            early = p.landed_on is not None and p.landed_on <= date(h.year, 6, 30)
            share = rng.uniform(0.25, 0.55) if early else rng.uniform(0.05, 0.2)
            start = h.funds_start
        else:
            share = rng.uniform(0.15, 0.45) * (h.dec31 - p.signed_on).days / 365
            start = p.signed_on + timedelta(days=7)
        n = rng.randint(1, 4) if start <= h.last_sunday else 0
        days = sorted(day_between(rng, start, h.last_sunday) for _ in range(n))
        weights = [rng.uniform(0.5, 1.5) for _ in days]
        p.tranches = [(d, p.amount * share * w / sum(weights)) for d, w in zip(days, weights, strict=True)]
        totals[p.code] = p.amount * share
    goal = rng.uniform(330, 370)
    industrial = [p for p in funded if p.industry != "其他"]
    for _ in range(4):
        reached = sum(a for p in industrial for d, a in p.tranches if d <= h.last_sunday)
        factor = goal / reached if reached else 1.0
        for p in funded:
            assert p.amount is not None
            total = sum(a for _, a in p.tranches)
            scaled = min(total * factor, 0.9 * p.amount)
            p.tranches = [(d, a * scaled / total) for d, a in p.tranches] if total else []


def _plan_missed(plan: Plan, rng: random.Random) -> None:
    """2–4 (unit, week) pairs without a report, all in the first half of the year."""
    h = plan.horizon
    codes = sorted(plan.projects)
    rng.shuffle(codes)
    for code in codes[: rng.randint(2, 4)]:
        unit = plan.units[code]
        weeks = [
            w
            for w in plan.expected_weeks(code)
            if date(h.year, 2, 1) <= w.sunday <= date(h.year, 6, 30)
            and w.sunday >= unit.active_from + timedelta(days=14)
        ]
        plan.missed.add((code, rng.choice(weeks).label))


def _can_share(plan: Plan, unit: str, day: date) -> bool:
    h = plan.horizon
    week = week_of(day)
    return (
        h.funds_start <= day <= h.last_sunday
        and plan.units[unit].active_on(day)
        and week in plan.reported_weeks(unit)
    )


def _plan_leads(plan: Plan, rng: random.Random, book: NameBook) -> None:
    """Leads picked up by the receiver (mostly answered within 7 days) and a few ignored ones."""
    h = plan.horizon
    drafts: list[tuple[str, str, date, str, str, Project | None]] = []
    count: dict[str, int] = {}
    codes = sorted(plan.projects)
    for code in codes:
        for p in plan.projects[code]:
            if p.kind == "carry" or p.major or p.code.split("-")[1] != str(h.year) or rng.random() > 0.3:
                continue
            lag = rng.randint(8, 21) if rng.random() < 0.12 else rng.randint(0, 6)
            shared = p.listed_on - timedelta(days=lag)
            sharers = [c for c in codes if c != code and count.get(c, 0) < 4 and _can_share(plan, c, shared)]
            if not sharers:
                continue
            sharer = rng.choice(sharers)
            count[sharer] = count.get(sharer, 0) + 1
            drafts.append((sharer, code, shared, p.name, p.investor, p))
    for _ in range(rng.randint(4, 6)):
        sharer = rng.choice(codes)
        shared = day_between(rng, h.funds_start, date(h.year, 11, 30))
        if not _can_share(plan, sharer, shared):
            continue
        receivers = [c for c in codes if c != sharer and plan.units[c].active_on(shared)]
        name, investor = book.draw(pick(rng, {"装备制造": 1, "智能产业": 1, "材料": 1}), "其他", "其他市外")
        drafts.append((sharer, rng.choice(receivers), shared, name, investor, None))
    drafts.sort(key=lambda d: (d[0], d[2], d[3]))
    seq: dict[str, int] = {}
    for sharer, to_unit, shared, name, investor, project in drafts:
        seq[sharer] = seq.get(sharer, 0) + 1
        lead_id = f"{sharer}-L{h.year % 100:02d}{seq[sharer]:03d}"  # globally unique (SPEC 2.2): year in it
        plan.leads.append(Lead(lead_id, sharer, to_unit, shared, name, investor, rng.random() < 0.25))
        if project is not None:
            project.lead_id, project.feedback_on = lead_id, project.listed_on
            project.note = project.note or f"{plan.units[sharer].name_zh}共享线索"
    plan.leads.sort(key=lambda lead: (lead.shared_on, lead.lead_id))


def _plan_resend(plan: Plan, rng: random.Random) -> None:
    """Pick a March week of a plain-workbook unit to be resent with a corrected amount and a new project."""
    options: list[Resend] = []
    for code in sorted(plan.projects):
        prof = PROFILES.get(code)
        if prof is not None and (prof.traditional or prof.wan or prof.csv):
            continue
        expected = plan.expected_weeks(code)
        for i, week in enumerate(expected[1:-1], start=1):
            if week.sunday.month != 3 or any((code, w.label) in plan.missed for w in expected[i - 1 : i + 2]):
                continue
            prev = expected[i - 1].sunday
            signed = [
                p
                for p in plan.projects[code]
                if p.signed_on is not None and p.signed_on <= prev and p.terminated_on is None
            ]
            new = [p for p in plan.projects[code] if prev < p.listed_on <= week.sunday and p.lead_id is None]
            if signed:
                wrong = rng.choice(signed)
                assert wrong.amount is not None
                options.append(
                    Resend(
                        code, week, wrong.code, round(wrong.amount * 1.25, 2), new[0].code if new else None
                    )
                )
    with_new = [o for o in options if o.omitted_code is not None]
    plan.resend = rng.choice(with_new or options) if options else None
