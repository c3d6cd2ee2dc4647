"""Report weeks of an assessment year: the ISO weeks whose Sunday falls in the year."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True, order=True)
class Week:
    """One ISO report week, identified by its Monday."""

    monday: date

    @property
    def sunday(self) -> date:
        return self.monday + timedelta(days=6)

    @property
    def label(self) -> str:
        iso = self.monday.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"


def report_weeks(year: int) -> list[Week]:
    """Every ISO week whose Sunday falls in `year` (2021: 2020-W53 .. 2021-W51)."""
    jan1 = date(year, 1, 1)
    sunday = jan1 + timedelta(days=(6 - jan1.weekday()) % 7)
    weeks: list[Week] = []
    while sunday.year == year:
        weeks.append(Week(sunday - timedelta(days=6)))
        sunday += timedelta(days=7)
    return weeks


def week_of(day: date) -> Week:
    """The ISO week containing `day`."""
    return Week(day - timedelta(days=day.weekday()))
