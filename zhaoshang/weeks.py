"""ISO week labels (`YYYY-Www`) and the calendar facts derived from them."""

from __future__ import annotations

import re
from datetime import date

WEEK_LABEL = re.compile(r"^(\d{4})-W(\d{2})$")


def parse_week_label(text: str) -> str | None:
    """Return the label if `text` is a valid ISO week such as '2021-W05', else None."""
    match = WEEK_LABEL.match(text)
    if not match:
        return None
    try:
        date.fromisocalendar(int(match[1]), int(match[2]), 1)
    except ValueError:
        return None
    return text


def week_end(label: str) -> date:
    """The Sunday of an ISO week label."""
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 7)


def label_of(day: date) -> str:
    """The ISO week label containing `day`."""
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"
