"""ISO week labels (`YYYY-Www`) and the calendar facts derived from them."""

from __future__ import annotations

from datetime import date, timedelta


def week_end(label: str) -> date:
    """The Sunday of an ISO week label."""
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 7)


def label_of(day: date) -> str:
    """The ISO week label containing `day`."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def period_of(label: str) -> tuple[int, int]:
    """(year, month) of the period whose report the week is: its Monday's month (SPEC 3: the week containing a
    period's end is that period's snapshot; 2021-W52, 27 Dec 2021 to 2 Jan 2022, reports December 2021)."""
    year, week = label.split("-W")
    monday = date.fromisocalendar(int(year), int(week), 1)
    return monday.year, monday.month


def month_end(year: int, month: int) -> date:
    """Last day of the month."""
    return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)


def weeks_ending_in(year: int, month: int) -> list[str]:
    """ISO week labels whose Sunday falls in the month (2020-W53 ends 3 Jan 2021: January 2021)."""
    first = date(year, month, 1)
    sunday = first + timedelta(days=6 - first.weekday())
    labels = []
    while sunday.month == month:
        labels.append(label_of(sunday))
        sunday += timedelta(days=7)
    return labels
