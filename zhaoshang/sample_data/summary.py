"""What a generated inbox holds, with year totals computed from the rows written (SPEC 3/4 definitions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from zhaoshang.sample_data.project import QUALITY_TYPES


@dataclass
class SampleSummary:
    """Counts, variants and expected year totals of one generated sample inbox."""

    out: Path
    year: int
    seed: int
    files_written: int = 0
    ledger_rows: int = 0
    lead_rows: int = 0
    weeks: list[str] = field(default_factory=list)
    missed: list[tuple[str, str]] = field(default_factory=list)  # (unit, week label)
    resend_unit: str | None = None
    resend_week: str | None = None
    traditional_units: list[str] = field(default_factory=list)
    wan_units: list[str] = field(default_factory=list)
    csv_units: list[str] = field(default_factory=list)
    leads_shared: int = 0
    leads_ignored: int = 0  # the receiver never lists the lead
    leads_late: int = 0  # answered more than 7 days after sharing
    totals: dict[str, float] = field(default_factory=dict)  # district indicator code -> value for the year
    unit_contract_amount: dict[str, float] = field(default_factory=dict)  # C per unit for the year

    @property
    def resend_path(self) -> Path | None:
        """The file `apply_sample_resend` overwrites (a plain workbook)."""
        if self.resend_unit is None or self.resend_week is None:
            return None
        return self.out / self.resend_week / f"{self.resend_unit}.xlsx"


def year_totals(
    final_rows: dict[str, list[dict[str, Any]]], year: int
) -> tuple[dict[str, float], dict[str, float]]:
    """District totals and C per unit from each unit's last report of the year (rows in 亿元, Simplified)."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    c_total = consumer = funds = 0.0
    quality = major = signed_n = landed_n = 0
    per_unit: dict[str, float] = {}
    for unit, rows in final_rows.items():
        per_unit[unit] = 0.0
        for r in rows:
            industrial = r["industry"] != "其他"
            if industrial:
                funds += r["funds_ytd"] or 0.0
            in_year = r["signed_on"] is not None and start <= r["signed_on"] <= end
            if not in_year or r["stage"] in ("线索", "在谈"):
                continue
            signed_n += 1
            landed_n += r["landed_on"] is not None and r["landed_on"] <= end
            quality += r["investor_type"] in QUALITY_TYPES
            if industrial:
                c_total += r["contract_amount"]
                per_unit[unit] += r["contract_amount"]
                consumer += r["contract_amount"] if r["industry"] == "消费品" else 0.0
                major += r["contract_amount"] >= 50
    totals = {
        "contract_amount_industrial": round(c_total, 2),
        "contract_amount_consumer_goods": round(consumer, 2),
        "quality_projects": quality,
        "major_projects": major,
        "landing_conversion_rate": round(landed_n / signed_n, 4) if signed_n else 0.0,
        "funds_in_place_industrial": round(funds, 2),
    }
    return totals, {u: round(v, 2) for u, v in per_unit.items()}
