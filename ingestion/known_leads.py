"""The leads already in the warehouse (latest version of each unit-week), to catch a lead_id re-used with
another receiver or by another sharer. Loaded once per run and kept up to date as reports are loaded."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import duckdb

from ingestion.row_rules import KnownLead, Table

_LATEST_LEADS = """
with latest as (
    select unit_code, week_label, max(version) as version from raw.report_files group by all
)
select l.unit_code, l.week_label, l.lead_id, l.to_unit
from raw.lead_rows l join latest using (unit_code, week_label, version)
where l.lead_id is not null
order by l.week_label, l.unit_code, l.row_number
"""


class LeadIndex:
    """lead_id -> {(sharer, week_label): to_unit}, over the latest version of every unit-week."""

    def __init__(self) -> None:
        self._by_lead: dict[str, dict[tuple[str, str], str | None]] = defaultdict(dict)
        self._by_report: dict[tuple[str, str], set[str]] = defaultdict(set)

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> LeadIndex:
        index = cls()
        for unit, week, lead_id, to_unit in con.execute(_LATEST_LEADS).fetchall():
            index._add(unit, week, lead_id, to_unit)
        return index

    def _add(self, unit: str, week: str, lead_id: str, to_unit: str | None) -> None:
        self._by_lead[lead_id].setdefault((unit, week), to_unit)
        self._by_report[(unit, week)].add(lead_id)

    def known_elsewhere(self, lead_ids: Iterable[str | None], unit: str, week: str) -> dict[str, KnownLead]:
        """For each of these leads already stored, its earliest listing outside the given unit-week."""
        out: dict[str, KnownLead] = {}
        for lead_id in set(lead_ids):
            listings = self._by_lead.get(lead_id) if lead_id else None
            if not listings:
                continue
            others = sorted((w, u) for (u, w) in listings if (u, w) != (unit, week))
            if others:
                first_week, first_unit = others[0]
                out[lead_id] = KnownLead(first_unit, listings[(first_unit, first_week)], first_week)
        return out

    def replace(self, unit: str, week: str, leads: Table | None) -> None:
        """A new version of (unit, week) was loaded: its leads replace the earlier version's."""
        for lead_id in self._by_report.pop((unit, week), set()):
            self._by_lead[lead_id].pop((unit, week), None)
            if not self._by_lead[lead_id]:
                del self._by_lead[lead_id]
        if leads is not None:
            for lead_id, to_unit in zip(leads.columns["lead_id"], leads.columns["to_unit"], strict=True):
                if lead_id:
                    self._add(unit, week, lead_id, to_unit)
