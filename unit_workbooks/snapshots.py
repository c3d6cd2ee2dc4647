"""What the warehouse holds for one unit, read from the raw tables (accepted report versions).

Read from `raw` rather than the dbt models so a template or a file's receipt needs no build: the latest version
of a unit-week is its snapshot (as `stg_report_files` keeps it), a lead's first listing names its receiver (as
`int_leads` does), and the receiver answers it with `feedback_on` on a ledger row carrying the lead_id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import duckdb

from basics import registers
from ingestion.columns import LEDGER_FIELDS

_LATEST = """
    select unit_code, week_label, max(version) as version
    from raw.report_files
    group by unit_code, week_label
"""


def has_raw(con: duckdb.DuckDBPyConnection) -> bool:
    """True when ingestion has created the raw tables."""
    row = con.execute(
        "select count(*) from information_schema.tables where table_schema = 'raw' and table_name = 'report_files'"
    ).fetchone()
    return bool(row and row[0])


@dataclass(frozen=True)
class Snapshot:
    """The ledger of one accepted report version: rows as dicts of English field names and codes."""

    unit_code: str
    week_label: str
    version: int
    rows: list[dict[str, Any]]

    def by_code(self) -> dict[str, dict[str, Any]]:
        return {row["project_code"]: row for row in self.rows if row["project_code"]}


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def snapshot(con: duckdb.DuckDBPyConnection, unit: str, week_label: str, version: int) -> Snapshot:
    """The ledger rows of one report version, in sheet order."""
    fields = ", ".join(LEDGER_FIELDS)
    cursor = con.execute(
        f"select {fields} from raw.ledger_rows where unit_code = ? and week_label = ? and version = ? "
        "order by row_number",
        [unit, week_label, version],
    )
    return Snapshot(unit, week_label, version, _rows(cursor))


def latest_snapshot(
    con: duckdb.DuckDBPyConnection, unit: str, before: str | None = None, through: str | None = None
) -> Snapshot | None:
    """The unit's latest accepted week strictly before `before` (or up to and including `through`)."""
    if not has_raw(con):
        return None
    where, params = "unit_code = ?", [unit]
    if before is not None:
        where, params = where + " and week_label < ?", [*params, before]
    if through is not None:
        where, params = where + " and week_label <= ?", [*params, through]
    row = con.execute(
        f"select week_label, version from ({_LATEST}) where {where} order by week_label desc limit 1", params
    ).fetchone()
    return snapshot(con, unit, row[0], int(row[1])) if row else None


@dataclass(frozen=True)
class AwaitedLead:
    """A lead shared with the unit that its ledger does not answer yet (no row with the lead_id and a date)."""

    lead_id: str
    project_name: str | None
    investor: str | None
    sharer_unit: str
    shared_on: date
    due_on: date


def feedback_days() -> int:
    return int(registers.scoring_parameters()["feedback_days"])


def awaiting_feedback(con: duckdb.DuckDBPyConnection, unit: str, through: str) -> list[AwaitedLead]:
    """Leads shared with `unit` on or before the end of week `through` that its latest snapshot up to that
    week leaves unanswered, oldest first; due = shared_on + feedback_days (scoring_parameters seed)."""
    if not has_raw(con):
        return []
    year, week = through.split("-W")
    week_end = date.fromisocalendar(int(year), int(week), 7)
    answered = latest_snapshot(con, unit, through=through)
    done = {r["lead_id"] for r in (answered.rows if answered else []) if r["lead_id"] and r["feedback_on"]}
    rows = con.execute(
        f"""
        with listings as (
            select leads.*, files.week_end,
                   row_number() over (
                       partition by leads.lead_id order by files.week_end, leads.unit_code, leads.row_number
                   ) as listing_rank
            from raw.lead_rows as leads
            inner join ({_LATEST}) as latest
                on latest.unit_code = leads.unit_code
                and latest.week_label = leads.week_label
                and latest.version = leads.version
            inner join raw.report_files as files
                on files.unit_code = leads.unit_code
                and files.week_label = leads.week_label
                and files.version = leads.version
            where leads.lead_id is not null and leads.shared_on is not null
        )
        select lead_id, project_name, investor, unit_code, shared_on
        from listings
        where listing_rank = 1 and to_unit = ? and shared_on <= ?
        order by shared_on, lead_id
        """,
        [unit, week_end],
    ).fetchall()
    days = timedelta(days=feedback_days())
    return [
        AwaitedLead(lead_id, name, investor, sharer, shared_on, shared_on + days)
        for lead_id, name, investor, sharer, shared_on in rows
        if lead_id not in done
    ]


@dataclass(frozen=True)
class Change:
    """One difference between two snapshots of a unit; `before`/`after` are codes or amounts."""

    kind: str  # added | removed | stage | contract_amount | funds_ytd
    project_code: str
    project_name: str | None
    before: Any = None
    after: Any = None


def changes(previous: Snapshot | None, current: Snapshot) -> list[Change]:
    """Projects added and removed, stage moves and amounts changed, matched by project code."""
    old = previous.by_code() if previous else {}
    new = current.by_code()
    out: list[Change] = []
    for code, row in new.items():
        if code not in old:
            out.append(Change("added", code, row["project_name"], after=row["stage"]))
            continue
        was = old[code]
        if was["stage"] != row["stage"]:
            out.append(Change("stage", code, row["project_name"], was["stage"], row["stage"]))
        for field in ("contract_amount", "funds_ytd"):
            if not _same_amount(was[field], row[field]):
                out.append(Change(field, code, row["project_name"], was[field], row[field]))
    out += [Change("removed", code, row["project_name"], before=row["stage"]) for code, row in old.items() if code not in new]
    return out


def _same_amount(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9
