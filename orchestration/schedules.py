"""Schedules (Asia/Shanghai): Monday 09:00 ingest the week just ended; the 5th 09:00 submit last month."""

from __future__ import annotations

from datetime import timedelta

import dagster as dg

from orchestration.jobs import monthly_job, weekly_job
from orchestration.partitions import TIMEZONE, month_partition_key


@dg.schedule(
    job=weekly_job,
    cron_schedule="0 9 * * 1",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def weekly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Ingest the ISO week that ended yesterday (Sunday) and rebuild the warehouse."""
    monday = context.scheduled_execution_time.date() - timedelta(days=7)
    monday -= timedelta(days=monday.weekday())
    return dg.RunRequest(run_key=f"weekly-{monday.isoformat()}", partition_key=monday.isoformat())


@dg.schedule(
    job=monthly_job,
    cron_schedule="0 9 5 * *",
    execution_timezone=TIMEZONE,
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def monthly_schedule(context: dg.ScheduleEvaluationContext) -> dg.RunRequest:
    """Gate the previous month and submit it when the gate passes (never with a waiver)."""
    previous = context.scheduled_execution_time.date().replace(day=1) - timedelta(days=1)
    key = month_partition_key(previous.year, previous.month)
    return dg.RunRequest(run_key=f"monthly-{key}", partition_key=key)
