"""A sensor on the inbox: new or changed report files start one ingestion run over the weeks they touch."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import dagster as dg

from basics.weeks import label_of
from ingestion.discover import parse_week_folder
from ingestion.limits import first_week, last_week
from orchestration.jobs import weekly_job
from orchestration.partitions import partition_range_tags, week_partition_key
from orchestration.resources import HomeResource


def inbox_signature(inbox: Path) -> dict[str, str]:
    """{relative path: 'size:mtime_ns'} of every file in the inbox (cheap: no file is read)."""
    if not inbox.is_dir():
        return {}
    return {
        path.relative_to(inbox).as_posix(): f"{stat.st_size}:{stat.st_mtime_ns}"
        for path in sorted(inbox.rglob("*"))
        if not path.is_symlink()
        and path.is_file()
        and not path.name.startswith((".", "~$"))
        and (stat := path.stat())
    }


def partition_of(relative_path: str, today: date) -> str:
    """Weekly partition key of a file's week folder; files outside a week folder, or in a week outside the
    accepted window (ingestion/limits.py: they are quarantined), go with this week's run."""
    week = parse_week_folder(relative_path.split("/", 1)[0]) if "/" in relative_path else None
    if week is None or not first_week() <= week.label <= last_week(today):
        return week_partition_key(label_of(today))
    return week_partition_key(week.label)


@dg.sensor(job=weekly_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING)
def inbox_sensor(context: dg.SensorEvaluationContext, home: HomeResource) -> dg.SensorResult:
    """Request one run (ingest + build) covering every week folder with new or changed files."""
    current = inbox_signature(home.paths().inbox)
    if not context.cursor:  # first evaluation: the inbox as it is now is the starting point, not new work
        return dg.SensorResult(
            skip_reason=f"首次运行：记录收件箱现状（{len(current)} 个文件），之后新到或变化的文件才会"
            f"启动运行 / first evaluation: {len(current)} file(s) recorded as the starting point; "
            "later changes start runs.",
            cursor=json.dumps(current),
        )
    previous: dict[str, str] = json.loads(context.cursor)
    changed = sorted(path for path, sig in current.items() if previous.get(path) != sig)
    if not changed:
        return dg.SensorResult(
            skip_reason="收件箱没有新的或变化的文件 / no new or changed files in the inbox.",
            cursor=json.dumps(current),
        )
    keys = sorted({partition_of(path, date.today()) for path in changed})
    request = dg.RunRequest(
        run_key="inbox-"
        + hashlib.sha256(json.dumps({p: current[p] for p in changed}).encode()).hexdigest()[:16],
        tags=partition_range_tags(keys[0], keys[-1]),
    )
    context.log.info(f"{len(changed)} new or changed file(s) in weeks {keys[0]} .. {keys[-1]}")
    return dg.SensorResult(run_requests=[request], cursor=json.dumps(current))
