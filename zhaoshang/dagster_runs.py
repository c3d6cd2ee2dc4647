"""Run the project's Dagster jobs in-process against a persistent instance under the home folder.

Runs started here appear in the UI's run history (`zhaoshang ui` uses the same DAGSTER_HOME).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from contextlib import nullcontext, redirect_stdout
from pathlib import Path
from typing import Any

from basics.home import Home

DAGSTER_YAML = """\
# written by zhaoshang: local instance of the bureau's warehouse
telemetry:
  enabled: false
concurrency:
  pools:
    default_limit: 1   # one writer of the DuckDB file at a time
"""

# the commands print their own plain summary; the full run log stays in the instance (the UI shows it)
QUIET_LOGS = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}


def activate(home: Home) -> None:
    """Point Dagster, dbt and the assets at this home folder (env vars read by resources and profiles)."""
    home.ensure()
    config = home.dagster_home / "dagster.yaml"
    if not config.exists():
        config.write_text(DAGSTER_YAML, encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home.dagster_home)
    os.environ["ZHAOSHANG_HOME"] = str(home.root)
    os.environ["ZHAOSHANG_WAREHOUSE"] = str(home.warehouse)
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DAGSTER_DISABLE_TELEMETRY", "1")


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

    from orchestration.definitions import defs
    from orchestration.partitions import partition_range_tags

    tags: dict[str, str] = {"zhaoshang/started_by": "cli"}
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
    with output as log, redirect_stdout(log) if log else nullcontext(), dg.DagsterInstance.get() as instance:
        return job.execute_in_process(
            run_config=config,
            instance=instance,
            partition_key=partition_key,
            asset_selection=[dg.AssetKey.from_coercible(key) for key in asset_selection]
            if asset_selection
            else None,
            tags=tags,
            raise_on_error=False,
        )


def materialization_metadata(result: Any, asset_key: str) -> dict[str, Any]:
    """Metadata values (plain Python) of the run's last materialization of `asset_key`."""
    events = [
        e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == asset_key
    ]
    if not events:
        return {}
    metadata = events[-1].materialization.metadata
    return {key: getattr(value, "value", value) for key, value in metadata.items()}


def failure_message(result: Any) -> str:
    """The first step failure of a run as one line (what went wrong, not a traceback)."""
    for event in result.get_step_failure_events():
        error = event.step_failure_data.error
        while (
            error is not None
            and error.cause is not None
            and "DagsterExecutionStepExecutionError" in (error.cls_name or "")
        ):
            error = error.cause
        if error is not None:
            return f"{event.step_key}: {error.message.strip().splitlines()[0]}"
    return "the run failed (see the Dagster UI run log)"
