"""Run the project's Dagster jobs in-process against a persistent instance under the home folder.

Runs started here appear in the UI's run history (`zhaoshang ui` uses the same DAGSTER_HOME).
"""

from __future__ import annotations

import os
import socket
import sys
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext, redirect_stdout
from datetime import datetime
from pathlib import Path
from typing import Any

import psutil

from basics import terms as t
from basics.home import Home
from basics.warehouse_access import WarehouseDamaged, damage_text, remove_leftover_builds

DAGSTER_YAML = """\
# written by zhaoshang: local instance of the bureau's warehouse (rewritten when it differs)
telemetry:
  enabled: false   # no usage data leaves the machine
nux:
  enabled: false   # no "new user experience" / community newsletter modal in the UI
concurrency:
  pools:
    default_limit: 1   # one writer of the DuckDB file at a time
"""
# a home whose warehouse is PostgreSQL keeps Dagster's instance there too (issue #23): the CLI, the UI, the
# schedule and the sensor of every process and machine see one run history and one pool; the URL (with its
# password) comes from the environment `activate` sets, never from this file
POSTGRES_STORAGE = """\
storage:
  postgres:   # runs, event logs, schedules and pool limits in the warehouse's database, schema dagster
    postgres_url:
      env: ZHAOSHANG_DAGSTER_POSTGRES_URL
"""
DAGSTER_POSTGRES_ENV = "ZHAOSHANG_DAGSTER_POSTGRES_URL"


def dagster_yaml(home: Home) -> str:
    """The home's dagster.yaml: SQLite storage in the home, or PostgreSQL when the warehouse is there."""
    from basics.warehouse_url import configured

    return DAGSTER_YAML + (POSTGRES_STORAGE if configured(home.root).is_postgres else "")


def use_postgres_instance(home: Home) -> bool:
    """For a PostgreSQL home: create the `dagster` schema (once) and put the storage URL in the environment
    dagster.yaml reads; False for a DuckDB home."""
    from basics.postgres_warehouse import connect
    from basics.warehouse_url import DAGSTER_SCHEMA, configured, dagster_storage_url

    warehouse = configured(home.root)
    if not warehouse.is_postgres:
        os.environ.pop(DAGSTER_POSTGRES_ENV, None)
        return False
    with connect(warehouse, autocommit=True) as con:
        con.execute(f'create schema if not exists "{DAGSTER_SCHEMA}"')
    os.environ[DAGSTER_POSTGRES_ENV] = dagster_storage_url(warehouse)
    return True


# who runs a run: checked by the next command, which fails the run of a process that is gone
PID_TAG, HOST_TAG, PROCESS_STARTED_TAG = "zhaoshang/pid", "zhaoshang/host", "zhaoshang/process_started"
JOB_LABELS = {  # (中文, English) of each job, for the one-line messages
    "weekly_ingest_and_build": (t.INGEST, "ingestion"),
    "warehouse_build": (t.BUILD, "build"),
    "monthly_gate_and_submission": (f"{t.QUALITY_GATE}和{t.SUBMIT}", "gate and submission"),
    "monthly_gate_only": (t.QUALITY_GATE, "quality gate"),
}

# the commands print their own plain summary; the full run log stays in the instance (the UI shows it)
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def activate(home: Home) -> None:
    """Point Dagster, dbt and the assets at this home folder (env vars read by resources and profiles)."""
    home.ensure()
    wanted = dagster_yaml(home)
    use_postgres_instance(home)
    config = home.dagster_home / "dagster.yaml"
    if not config.exists() or config.read_text(encoding="utf-8") != wanted:
        config.write_text(wanted, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home.dagster_home)
    os.environ["ZHAOSHANG_HOME"] = str(home.root)
    os.environ["ZHAOSHANG_WAREHOUSE"] = str(home.warehouse)
    os.environ["DBT_TARGET_PATH"] = str(home.dbt_target)  # nothing written into the installed dbt project
    os.environ["DBT_LOG_PATH"] = str(home.dbt_logs)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")
    clear_leftover_builds(home)


def clear_leftover_builds(home: Home) -> None:
    """Delete the building copy a killed build left beside the warehouse (one line; the warehouse itself
    was never touched by it)."""
    removed = remove_leftover_builds(home.warehouse)
    if any(p.suffix == ".duckdb" for p in removed):
        _say(
            f"已删除被中断的{t.BUILD}留下的临时文件（{t.WAREHOUSE}未受影响）"
            " / removed the copy an interrupted build left behind (the warehouse was not affected)."
        )


def run_job(
    job_name: str,
    *,
    partition_key: str | None = None,
    partition_range: tuple[str, str] | None = None,
    asset_selection: Sequence[Any] | None = None,
    run_config: Mapping[str, Any] | None = None,
    verbose: bool | None = None,
) -> Any:
    """Execute a job of `orchestration.definitions` in-process on the persistent instance."""
    import dagster as dg

    from orchestration.monthly_definitions import MONTHLY_JOBS
    from orchestration.partitions import partition_range_tags

    if job_name in MONTHLY_JOBS:  # gate, submission, bulletin: no dbt, so no dagster-dbt to import
        from orchestration.monthly_definitions import monthly_defs as defs
    else:
        from orchestration.definitions import defs

    me = psutil.Process()
    tags: dict[str, str] = {
        "zhaoshang/started_by": "cli",
        PID_TAG: str(me.pid),
        HOST_TAG: socket.gethostname(),
        PROCESS_STARTED_TAG: f"{me.create_time():.3f}",
    }
    if partition_range is not None:
        tags.update(partition_range_tags(*partition_range))
    if verbose is None:
        verbose = os.environ.get("ZHAOSHANG_VERBOSE") == "1"
    config = {**(run_config or {}), **({} if verbose else QUIET_LOGS)}
    job = defs().resolve_job_def(job_name)
    log_dir = Path(os.environ["ZHAOSHANG_HOME"]) / "logs"
    log_dir.mkdir(parents=True, exist_ok=True)
    # dbt's own progress lines go to stdout: keep them in a log file unless --verbose
    output = nullcontext() if verbose else open(log_dir / f"{job_name}.log", "w", encoding="utf-8")  # noqa: SIM115
    with (
        output as log,
        redirect_stdout(log) if log else nullcontext(),
        dg.DagsterInstance.get() as instance,
        _watchdog(),
    ):
        recover_dead_runs(instance)
        announce_live_runs(instance)
        result = job.execute_in_process(
            run_config=config,
            instance=instance,
            partition_key=partition_key,
            asset_selection=[dg.AssetKey.from_coercible(key) for key in asset_selection]
            if asset_selection
            else None,
            tags=tags,
            raise_on_error=False,
        )
    if not result.success:
        failure = _first_failure(result)
        if failure is not None and damage_text(failure[1].message or ""):
            raise WarehouseDamaged(os.environ["ZHAOSHANG_WAREHOUSE"])
    return result


def materialization_metadata(result: Any, asset_key: str) -> dict[str, Any]:
    """Metadata values (plain Python) of the run's last materialization of `asset_key`."""
    events = [
        e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset_key
    ]
    if not events:
        return {}
    metadata = events[-1].materialization.metadata
    return {key: getattr(value, "value", value) for key, value in metadata.items()}


def _first_failure(result: Any) -> tuple[str, Any] | None:
    """(step key, error) of the first step failure, unwrapped from Dagster's step-execution wrapper."""
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        while (
            error is not None
            and error.cause is not None
            and "DagsterExecutionStepExecutionError" in (error.cls_name or "")
        ):
            error = error.cause
        if error is not None:
            return event.step_key, error
    return None


def failure_class(result: Any) -> str | None:
    """The class name of the first step failure's error (e.g. AlreadySubmitted)."""
    failure = _first_failure(result)
    return failure[1].cls_name if failure is not None else None


def failure_message(result: Any) -> str:
    """The first step failure of a run as one line (what went wrong, not a traceback)."""
    failure = _first_failure(result)
    if failure is None:
        return "the run failed (see the Dagster UI run log)"
    step_key, error = failure
    return f"{step_key}: {error.message.strip().splitlines()[0]}"


@contextmanager
def _watchdog(every: float = 2.0) -> Iterator[None]:
    """While this run executes (or waits for the warehouse slot), keep failing runs whose process died, so
    a command waiting behind a run that is then killed goes on instead of waiting forever."""
    import dagster as dg

    stop = threading.Event()

    def watch() -> None:
        with dg.DagsterInstance.get() as instance:
            while not stop.wait(every):
                try:
                    recover_dead_runs(instance)
                except Exception:  # never let the watchdog break the run it watches
                    continue

    thread = threading.Thread(target=watch, name="zhaoshang-watchdog", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)


def _owner_alive(tags: Mapping[str, str]) -> bool | None:
    """Is the process that started the run still running? None when it cannot be told (another machine, or
    a run launched from the UI, which Dagster's own run monitoring looks after)."""
    if tags.get(HOST_TAG) != socket.gethostname() or not tags.get(PID_TAG, "").isdigit():
        return None
    try:
        process = psutil.Process(int(tags[PID_TAG]))
        started = float(tags.get(PROCESS_STARTED_TAG) or 0)
        return not started or abs(process.create_time() - started) < 1.0  # else the pid was reused
    except psutil.NoSuchProcess:
        return False
    except (psutil.Error, ValueError):
        return None


def _unfinished(instance: Any) -> list[Any]:
    import dagster as dg

    statuses = [
        dg.DagsterRunStatus.NOT_STARTED,
        dg.DagsterRunStatus.STARTING,
        dg.DagsterRunStatus.STARTED,
        dg.DagsterRunStatus.CANCELING,
    ]
    return [record.dagster_run for record in instance.get_run_records(dg.RunsFilter(statuses=statuses))]


def _started_at(instance: Any, run: Any) -> str:
    record = instance.get_run_record_by_id(run.run_id)
    at = (record.start_time or record.create_timestamp.timestamp()) if record else None
    return datetime.fromtimestamp(at).strftime("%Y-%m-%d %H:%M:%S") if at else "?"


def _say(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def recover_dead_runs(instance: Any) -> list[str]:
    """Fail every unfinished run whose process is gone and free its warehouse slot; one line each.

    A `kill -9`, an out-of-memory abort or a power cut leaves the run STARTED and holding the only slot of the
    warehouse pool: without this, every later command would wait for it forever.
    """
    recovered = []
    for run in _unfinished(instance):
        if _owner_alive(run.tags) is not False:
            continue
        zh, en = JOB_LABELS.get(run.job_name, (run.job_name, run.job_name))
        at = _started_at(instance, run)
        instance.report_run_failed(
            run, message=f"The process {run.tags.get(PID_TAG)} running this run is gone."
        )
        instance.event_log_storage.free_concurrency_slots_for_run(run.run_id)
        _say(
            f"上次于 {at} 开始的{zh}已中断（进程已不存在），已标记为失败并释放仓库；继续。"
            f" / The {en} started at {at} was interrupted (its process is gone): marked failed, "
            "its warehouse slot freed; continuing."
        )
        recovered.append(run.run_id)
    if recovered:
        _stop_orphaned_dbt()
    _free_slots_of_finished_runs(instance)
    return recovered


def _stop_orphaned_dbt() -> None:
    """Stop a dbt process that a killed command left running on this home's warehouse.

    dbt runs as a child of the command; a `kill -9` of the command leaves it writing on its own (and holding
    the DuckDB file between models). A dbt process on this warehouse whose parent is no longer a zhaoshang or
    Dagster process is such an orphan.
    """
    warehouse = os.environ.get("ZHAOSHANG_WAREHOUSE")
    if not warehouse:
        return
    orphans = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            cmdline = process.info["cmdline"] or []
            if not any(Path(arg).name == "dbt" for arg in cmdline[:2]):
                continue
            if process.environ().get("ZHAOSHANG_WAREHOUSE") != warehouse:
                continue
            parent = process.parent()
            owner = " ".join(parent.cmdline()) if parent is not None else ""
            if "zhaoshang" in owner or "dagster" in owner:
                continue
            orphans.append(process)
        except psutil.Error:
            continue
    for process in orphans:
        process.terminate()
    _, alive = psutil.wait_procs(orphans, timeout=10)
    for process in alive:
        process.kill()
    if orphans:
        _say(
            f"已结束被中断的{t.BUILD}遗留的 dbt 进程（{len(orphans)} 个）"
            f" / stopped {len(orphans)} dbt process(es) left by the interrupted build."
        )


def _free_slots_of_finished_runs(instance: Any) -> None:
    """Slots still held by runs that ended (a crash between a run's end and its slot's release)."""
    from orchestration.resources import WAREHOUSE_POOL

    storage = instance.event_log_storage
    if not storage.supports_global_concurrency_limits:
        return
    info = storage.get_concurrency_info(WAREHOUSE_POOL)
    for run_id in {slot.run_id for slot in info.claimed_slots if slot.run_id}:
        run = instance.get_run_by_id(run_id)
        if run is None or run.is_finished:
            storage.free_concurrency_slots_for_run(run_id)


def announce_live_runs(instance: Any) -> None:
    """Say at once that this command waits for another live run (Dagster lets it wait for the slot)."""
    for run in _unfinished(instance):
        if run.tags.get(PID_TAG) == str(os.getpid()):
            continue
        zh, en = JOB_LABELS.get(run.job_name, (run.job_name, run.job_name))
        at = _started_at(instance, run)
        _say(f"正在{zh}（{at} 开始），等待其完成… / waiting for the {en} started at {at} to finish …")
