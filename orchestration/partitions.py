"""Partitions: ISO weeks (Monday-start) for ingestion, calendar months for the gate and submission."""

from __future__ import annotations

from datetime import date

import dagster as dg

TIMEZONE = "Asia/Shanghai"

# Run tags that make one run cover a range of partitions (the assets' single-run backfill policy): Dagster's
# documented tag names, used by the sensor and the CLI (dagster has no public constant for them).
PARTITION_RANGE_START_TAG = "dagster/asset_partition_range_start"
PARTITION_RANGE_END_TAG = "dagster/asset_partition_range_end"


def partition_range_tags(first: str, last: str) -> dict[str, str]:
    """Tags of one run over the partitions first .. last (keys of the same partitions definition)."""
    return {PARTITION_RANGE_START_TAG: first, PARTITION_RANGE_END_TAG: last}


# 2015-12-28 is the Monday of ISO week 2015-W53: history of several years fits in.
weekly_partitions = dg.WeeklyPartitionsDefinition(
    start_date="2015-12-28", day_offset=1, timezone=TIMEZONE, end_offset=1
)
monthly_partitions = dg.MonthlyPartitionsDefinition(start_date="2016-01-01", timezone=TIMEZONE, end_offset=1)


def week_label(partition_key: str) -> str:
    """'2021-01-04' (the Monday) -> '2021-W01'."""
    year, week, _ = date.fromisoformat(partition_key).isocalendar()
    return f"{year}-W{week:02d}"


def week_partition_key(label: str) -> str:
    """'2021-W01' -> '2021-01-04' (the Monday of that ISO week)."""
    year, week = label.split("-W")
    return date.fromisocalendar(int(year), int(week), 1).isoformat()


def month_partition_key(year: int, month: int) -> str:
    """(2021, 6) -> '2021-06-01'."""
    return date(year, month, 1).isoformat()


def year_month(partition_key: str) -> tuple[int, int]:
    """'2021-06-01' -> (2021, 6)."""
    day = date.fromisoformat(partition_key)
    return day.year, day.month
