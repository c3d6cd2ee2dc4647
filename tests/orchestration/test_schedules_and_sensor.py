"""Schedules and the inbox sensor, evaluated directly (no waiting)."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from basics.home import Home
from orchestration.definitions import defs
from orchestration.partitions import PARTITION_RANGE_END_TAG, PARTITION_RANGE_START_TAG
from orchestration.resources import HomeResource
from orchestration.schedules import monthly_schedule, weekly_schedule
from orchestration.sensors import inbox_sensor
from tests.conftest import zhaoshang
from tests.helpers.workbooks import ledger_row, week_path, write_report

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.fixture(scope="module")
def repository():
    return defs().get_repository_def()


def tick(schedule, repository, when: datetime):
    context = dg.build_schedule_context(scheduled_execution_time=when, repository_def=repository)
    return schedule.evaluate_tick(context).run_requests


def test_weekly_schedule_runs_monday_morning_for_the_week_just_ended(repository):
    assert weekly_schedule.cron_schedule == "0 9 * * 1"
    request = tick(weekly_schedule, repository, datetime(2021, 3, 8, 9, tzinfo=SHANGHAI))[0]
    assert request.partition_key == "2021-03-01"  # ISO week 2021-W09, Monday 1 March .. Sunday 7 March


def test_weekly_schedule_across_the_year_boundary(repository):
    request = tick(weekly_schedule, repository, datetime(2021, 1, 4, 9, tzinfo=SHANGHAI))[0]
    assert request.partition_key == "2020-12-28"  # 2020-W53, which belongs to 2021 by its Sunday


def test_monthly_schedule_submits_the_previous_month_on_the_fifth_without_waivers(repository):
    assert monthly_schedule.cron_schedule == "0 9 5 * *"
    request = tick(monthly_schedule, repository, datetime(2022, 1, 5, 9, tzinfo=SHANGHAI))[0]
    assert request.partition_key == "2021-12-01"
    assert "waive_units" not in json.dumps(request.run_config)


def _evaluate(home, cursor=None):
    context = dg.build_sensor_context(cursor=cursor, resources={"home": HomeResource(root=str(home))})
    return inbox_sensor(context)


def test_sensor_requests_exactly_one_run_for_a_dropped_file_and_none_after(tmp_path):
    first = _evaluate(tmp_path)
    assert not first.run_requests
    week = tmp_path / "inbox" / "2021-W05"
    week.mkdir(parents=True)
    (week / "P01.xlsx").write_bytes(b"any content: the sensor does not read files")
    second = _evaluate(tmp_path, first.cursor)
    assert len(second.run_requests) == 1
    tags = second.run_requests[0].tags
    assert tags[PARTITION_RANGE_START_TAG] == tags[PARTITION_RANGE_END_TAG] == "2021-02-01"
    assert not _evaluate(tmp_path, second.cursor).run_requests


def test_sensor_covers_every_week_touched_in_one_run(tmp_path):
    cursor = _evaluate(tmp_path).cursor
    for week, unit in (("2021-W05", "P01"), ("2021-W07", "P02")):
        folder = tmp_path / "inbox" / week
        folder.mkdir(parents=True)
        (folder / f"{unit}.xlsx").write_bytes(b"x")
    result = _evaluate(tmp_path, cursor)
    assert len(result.run_requests) == 1
    tags = result.run_requests[0].tags
    assert (tags[PARTITION_RANGE_START_TAG], tags[PARTITION_RANGE_END_TAG]) == (
        "2021-02-01",
        "2021-02-15",
    )


def test_sensor_first_evaluation_starts_from_the_current_inbox_without_a_run(tmp_path):
    week = tmp_path / "inbox" / "2021-W05"
    week.mkdir(parents=True)
    for unit in ("P01", "P02", "D01"):
        (week / f"{unit}.xlsx").write_bytes(b"already there when the sensor first runs")
    first = _evaluate(tmp_path)
    assert not first.run_requests and "首次运行" in first.skip_reason.skip_message
    assert not _evaluate(tmp_path, first.cursor).run_requests  # nothing changed since
    (week / "P03.xlsx").write_bytes(b"new")
    later = _evaluate(tmp_path, first.cursor)
    assert len(later.run_requests) == 1


@pytest.mark.slow  # a real `zhaoshang ingest` (Dagster run) as a subprocess
def test_the_sensors_next_tick_after_a_command_line_run_starts_no_run(tmp_path):
    """The officer drops a report and runs `zhaoshang ingest` before the UI's sensor ticks: the tick sees the
    file as new against its cursor, but the warehouse already holds it, so it starts no run; a later change
    to the file still starts exactly one."""
    home = Home(tmp_path / "home").ensure()
    first = _evaluate(home.root)  # the sensor's starting point: an empty inbox
    report = week_path(home.inbox, "2021-W05", "P01")
    write_report(report, [ledger_row(project_code="P01-1")])
    proc = zhaoshang("ingest", home=home.root)
    assert proc.returncode == 0 and "accepted 1 report(s)" in proc.stdout, proc.stdout + proc.stderr
    after = _evaluate(home.root, first.cursor)
    assert not after.run_requests
    assert "already ingested" in after.skip_reason.skip_message
    assert not _evaluate(home.root, after.cursor).run_requests
    write_report(report, [ledger_row(project_code="P01-1"), ledger_row(project_code="P01-2")])  # resent
    changed = _evaluate(home.root, after.cursor)
    assert len(changed.run_requests) == 1
