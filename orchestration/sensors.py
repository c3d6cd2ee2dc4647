"""A sensor on the inbox: new or changed report files start one ingestion run over the weeks they touch."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path

import dagster as dg

from basics.home import Home
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


def already_ingested(home: Home, paths: list[str]) -> list[str] | None:
    """Those of `paths` the warehouse records as ingested with their current size and mtime (a command-line
    run got there first); None while another process writes the warehouse (the next tick asks again)."""
    import duckdb

    from ingestion.inbox_state import already_ingested as recorded

    if not home.warehouse.exists():
        return []
    try:
        con = duckdb.connect(str(home.warehouse), read_only=True)
    except duckdb.IOException:
        return None
    try:
        return recorded(con, home, home.inbox, paths)
    finally:
        con.close()


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
    done = already_ingested(home.paths(), changed)
    if done is None:  # a run is writing the warehouse: ask again next tick (the cursor stays)
        return dg.SensorResult(
            skip_reason="仓库正被另一运行使用，下次再查 / the warehouse is in use by another run; next tick."
        )
    if set(done) == set(changed):
        return dg.SensorResult(
            skip_reason=f"新到或变化的 {len(changed)} 个文件已由命令行导入，不再重复运行 "
            f"/ the {len(changed)} new or changed file(s) were already ingested (by the command line): "
            "no run.",
            cursor=json.dumps(current),
        )
    changed = sorted(set(changed) - set(done))
    keys = sorted({partition_of(path, date.today()) for path in changed})
    request = dg.RunRequest(
        run_key="inbox-"
        + hashlib.sha256(json.dumps({p: current[p] for p in changed}).encode()).hexdigest()[:16],
        tags=partition_range_tags(keys[0], keys[-1]),
    )
    context.log.info(f"{len(changed)} new or changed file(s) in weeks {keys[0]} .. {keys[-1]}")
    return dg.SensorResult(run_requests=[request], cursor=json.dumps(current))
