"""What the warehouse holds for the units, read from the raw tables (accepted report versions).

Read from `raw` rather than the dbt models so a template or a file's receipt needs no build: the latest
version of a unit-week is its snapshot (as `stg_report_files` keeps it), a lead's first listing names its
receiver (as `int_leads` does), and the receiver answers it with `feedback_on` on a ledger row carrying the
lead_id.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
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
        "select count(*) from information_schema.tables "
        "where table_schema = 'raw' and table_name = 'report_files'"
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

    def answered_leads(self) -> set[str]:
        """Lead ids this ledger answers (a row with the lead_id and a feedback date)."""
        return {row["lead_id"] for row in self.rows if row["lead_id"] and row["feedback_on"]}


@dataclass(frozen=True)
class AwaitedLead:
    """A lead shared with the unit that its ledger does not answer yet (no row with its id and a date)."""

    lead_id: str
    project_name: str | None
    investor: str | None
    sharer_unit: str
    shared_on: date
    due_on: date


def has_marts(con: duckdb.DuckDBPyConnection) -> bool:
    """True when a build has made marts.score_methods."""
    row = con.execute(
        "select count(*) from information_schema.tables "
        "where table_schema = 'marts' and table_name = 'score_methods'"
    ).fetchone()
    return bool(row and row[0])


def register_feedback_days(year: int) -> int:
    """The feedback deadline of the method the register names for `year` (before any build: the method files
    are the source; the scoring_parameters default when no method covers the year or states one, or when the
    method files have mistakes: `build` names those)."""
    from assessment.method_file import MethodErrors
    from assessment.register import load_register

    try:
        methods = load_register()
    except MethodErrors:
        methods = []
    for method in methods:
        for span in method.rows.get("method_register", []):
            if span["year_from"] <= year and (span["year_to"] is None or year <= span["year_to"]):
                for row in method.rows.get("method_parameters", []):
                    if row["parameter"] == "feedback_days":
                        return int(row["value"])
    return int(registers.scoring_parameters()["feedback_days"])


UnitWeek = tuple[str, str]  # (unit_code, week_label)


class RawView:
    """The accepted report versions and shared leads of the warehouse, loaded once; snapshots on demand in
    one query for many unit-weeks (a run writing hundreds of receipts or templates stays a few queries)."""

    def __init__(self, con: duckdb.DuckDBPyConnection | None) -> None:
        self.con = con if con is not None and has_raw(con) else None
        self.latest: dict[UnitWeek, int] = {}
        self.weeks: dict[str, list[str]] = defaultdict(list)
        self._listings: list[tuple[str, str | None, str | None, str, str | None, date]] = []
        self._feedback_days: dict[int, int] = {}
        self._marts = self.con is not None and has_marts(self.con)
        if self.con is None:
            return
        for unit, week, version in self.con.execute(_LATEST).fetchall():
            self.latest[(unit, week)] = int(version)
            self.weeks[unit].append(week)
        for weeks in self.weeks.values():
            weeks.sort()
        self._listings = self.con.execute(_FIRST_LISTINGS).fetchall()

    def feedback_days(self, year: int) -> int:
        """Days a unit has to answer a lead under the method of `year` (marts.score_methods.feedback_days)."""
        if year not in self._feedback_days:
            row = None
            if self.con is not None and self._marts:
                try:
                    row = self.con.execute(
                        "select feedback_days from marts.score_methods "
                        "where year_from <= ? and (year_to is null or year_to >= ?) "
                        "order by year_from desc limit 1",
                        [year, year],
                    ).fetchone()
                except duckdb.BinderException:  # built by a release before feedback_days: the method files
                    row = None
            self._feedback_days[year] = int(row[0]) if row else register_feedback_days(year)
        return self._feedback_days[year]

    def week_before(self, unit: str, week: str) -> str | None:
        """The unit's latest accepted week strictly before `week`."""
        weeks = self.weeks.get(unit, [])
        at = bisect_left(weeks, week)
        return weeks[at - 1] if at else None

    def week_through(self, unit: str, week: str) -> str | None:
        """The unit's latest accepted week up to and including `week`."""
        weeks = self.weeks.get(unit, [])
        at = bisect_right(weeks, week)
        return weeks[at - 1] if at else None

    def snapshots(self, keys: set[tuple[str, str, int]]) -> dict[tuple[str, str, int], Snapshot]:
        """The ledgers of report versions (unit, week, version), in sheet order; one query."""
        out = {key: Snapshot(*key, []) for key in keys}
        if self.con is None or not keys:
            return out
        units, weeks, versions = (list(column) for column in zip(*sorted(keys), strict=True))
        fields = ", ".join(f"ledger.{f}" for f in LEDGER_FIELDS)
        rows = self.con.execute(
            f"""
            with wanted as (
                select unnest(?::varchar[]) as unit_code, unnest(?::varchar[]) as week_label,
                       unnest(?::integer[]) as version
            )
            select ledger.unit_code, ledger.week_label, ledger.version, {fields}
            from raw.ledger_rows as ledger
            inner join wanted using (unit_code, week_label, version)
            order by ledger.unit_code, ledger.week_label, ledger.version, ledger.row_number
            """,
            [units, weeks, versions],
        ).fetchall()
        for unit, week, version, *values in rows:
            out[(unit, week, int(version))].rows.append(dict(zip(LEDGER_FIELDS, values, strict=True)))
        return out

    def snapshot(self, unit: str, week: str | None) -> Snapshot | None:
        """The latest version of one unit-week (None when `week` is None or not received)."""
        if week is None or (unit, week) not in self.latest:
            return None
        key = (unit, week, self.latest[(unit, week)])
        return self.snapshots({key})[key]

    def awaiting(self, unit: str, week: str, answered: Snapshot | None) -> list[AwaitedLead]:
        """Leads shared with `unit` by the end of `week` (first listing, as int_leads reads it) that the
        ledger `answered` (the unit's latest snapshot up to that week) leaves without feedback."""
        year, number = week.split("-W")
        end = date.fromisocalendar(int(year), int(number), 7)
        done = answered.answered_leads() if answered else set()
        return [  # due by the method of the year it was shared in, as int_leads reads it
            AwaitedLead(
                lead_id,
                name,
                investor,
                sharer,
                shared_on,
                shared_on + timedelta(self.feedback_days(shared_on.year)),
            )
            for lead_id, name, investor, sharer, to_unit, shared_on in self._listings
            if to_unit == unit and shared_on <= end and lead_id not in done
        ]


_FIRST_LISTINGS = f"""
    with listings as (
        select leads.lead_id, leads.project_name, leads.investor, leads.unit_code, leads.to_unit,
               leads.shared_on,
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
    select lead_id, project_name, investor, unit_code, to_unit, shared_on
    from listings
    where listing_rank = 1
    order by shared_on, lead_id
"""


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
    out += [
        Change("removed", code, row["project_name"], before=row["stage"])
        for code, row in old.items()
        if code not in new
    ]
    return out


def _same_amount(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is b
    return abs(a - b) < 1e-9
