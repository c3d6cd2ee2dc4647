"""Deterministic sample inbox: a year of weekly reports from every unit of the register.

`write_sample_inbox` writes `<out>/<YYYY>-W<ww>/<unit>.xlsx` (one unit sends GB18030 CSVs) for every ISO
week whose Sunday falls in the year, except a few missed weeks in the first half; `apply_sample_resend`
then overwrites one March week of one unit with its corrected version. Same (year, seed) → same bytes.
"""

from __future__ import annotations

from pathlib import Path

from basics.registers import Unit
from basics.registers import units as register_units
from zhaoshang.sample_data.calendar import report_weeks
from zhaoshang.sample_data.plan import Plan, build_plan
from zhaoshang.sample_data.render import report_rows, write_report
from zhaoshang.sample_data.summary import SampleSummary, year_totals
from zhaoshang.sample_data.variants import profile

__all__ = ["SampleSummary", "apply_sample_resend", "build_plan", "write_sample_inbox"]


def write_sample_inbox(
    out: Path, year: int = 2021, seed: int = 7, units: list[str] | None = None
) -> SampleSummary:
    """Write the sample inbox for `year` under `out` and return what was written.

    The year is always planned for the whole register; `units` only limits which units' files are written
    (leads shared by a unit left out then point to reports that are not there).
    """
    out = Path(out)
    register = register_units()
    selected = _select(register, units)
    plan = build_plan(register, year, seed)
    summary = SampleSummary(out=out, year=year, seed=seed, weeks=[w.label for w in report_weeks(year)])
    final_rows = {}
    for code in selected:
        if code not in plan.projects:
            continue
        reported = plan.reported_weeks(code)
        for week in reported:
            _, n_rows, n_leads = write_report(out, plan, code, week)
            summary.files_written += 1 + (profile(code).csv and n_leads > 0)
            summary.ledger_rows += n_rows
            summary.lead_rows += n_leads
        if reported:
            final_rows[code] = report_rows(plan, code, reported[-1])[0]
    _describe(summary, plan, selected)
    summary.totals, summary.unit_contract_amount = year_totals(final_rows, year)
    return summary


def apply_sample_resend(out: Path, year: int = 2021, seed: int = 7) -> Path:
    """Overwrite the resent week's file with its corrected version (fixed amount, one project added)."""
    plan = build_plan(register_units(), year, seed)
    if plan.resend is None:  # pragma: no cover - every seed tried has March candidates
        raise RuntimeError(f"no week to resend for year {year}, seed {seed}")
    path, _, _ = write_report(Path(out), plan, plan.resend.unit, plan.resend.week, first_version=False)
    return path


def _select(register: dict[str, Unit], units: list[str] | None) -> list[str]:
    if units is None:
        return list(register)
    unknown = sorted(set(units) - set(register))
    if unknown:
        raise ValueError(f"units not in the register: {', '.join(unknown)}")
    return [code for code in register if code in units]


def _describe(summary: SampleSummary, plan: Plan, selected: list[str]) -> None:
    chosen = set(selected)
    summary.missed = sorted(m for m in plan.missed if m[0] in chosen)
    if plan.resend is not None:
        summary.resend_unit, summary.resend_week = plan.resend.unit, plan.resend.week.label
    summary.traditional_units = [c for c in selected if profile(c).traditional]
    summary.wan_units = [c for c in selected if profile(c).wan]
    summary.csv_units = [c for c in selected if profile(c).csv]
    feedback = {p.lead_id: p.feedback_on for items in plan.projects.values() for p in items if p.lead_id}
    leads = [lead for lead in plan.leads if lead.sharer in chosen]
    summary.leads_shared = len(leads)
    summary.leads_ignored = sum(lead.lead_id not in feedback for lead in leads)
    summary.leads_late = sum(
        lead.lead_id in feedback and (feedback[lead.lead_id] - lead.shared_on).days > 7 for lead in leads
    )
