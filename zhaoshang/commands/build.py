"""`zhaoshang build`: dbt seeds, models and tests on the warehouse (the Dagster dbt assets)."""

from __future__ import annotations

import re
import sys

from basics import terms as t
from basics.home import Home
from basics.warehouse_url import configured
from zhaoshang.commands import config
from zhaoshang.freshness import record_build

EXIT_DBT_FAILED = 1


def build(home: Home) -> tuple[bool, str]:
    """Materialise every dbt asset; (success, summary line). A success is recorded (`zhaoshang.freshness`)."""
    from orchestration.jobs import BUILD_JOB
    from zhaoshang.dagster_runs import failure_message, run_job

    warehouse = configured(home.root)  # a bad setting is one sentence before anything is built
    result = run_job(BUILD_JOB)
    checks = result.get_asset_check_evaluations()
    failed = [c for c in checks if not c.passed]
    models = len(result.get_asset_materialization_events())
    if result.success:  # a build on PostgreSQL too (the asset published it) when the setting names one
        record_build(home)
        line = f"\nPostgreSQL 仓库已更新 / the PostgreSQL warehouse was updated: {warehouse.describe()}"
        return (
            True,
            f"{t.BUILD}完成：{models} 个模型和登记表，{len(checks)} 项测试（{len(failed)} 项警告）"
            f" / dbt build passed: {models} models and seeds, {len(checks)} tests ({len(failed)} warnings)"
            + units_line(result)
            + (line if warehouse.is_postgres else ""),
        )
    names = ", ".join(c.check_name for c in failed[:10])
    # which model or test failed, and the input behind it (without the step key and the error's class)
    cause = re.sub(r"^[\w.]+(?:Failure|Error|Exception): ", "", failure_message(result).split(": ", 1)[-1])
    return False, f"{t.BUILD}失败 / dbt build failed: " + (f"{names}\n{cause}" if names else cause)


def print_fix() -> None:
    print(
        "处理：在 Dagster 界面（`zhaoshang ui`）查看失败的测试，或运行 "
        "`dbt build --project-dir dbt_project --profiles-dir dbt_project` 看完整日志。"
        "/ Fix: see the failing tests in the Dagster UI, or run dbt build for the full log."
    )


def units_line(result: object) -> str:
    """Where the build wrote the receipts of new files and next week's templates (empty when it did not)."""
    from zhaoshang.dagster_runs import materialization_metadata

    receipts = materialization_metadata(result, "unit_receipts")
    templates = materialization_metadata(result, "unit_templates")
    if not receipts or not templates:
        return ""
    return (
        f"\n回执 / receipts: {receipts['receipts']} 份新回执 → {receipts['folder']}"
        f"\n下周模板 / next week's templates: {templates['week']}，{templates['templates']} 份 → "
        f"{templates['folder']}"
    )


def methods_valid(home: Home) -> bool:
    """Validate the configuration folder (every method included) before dbt runs; a bad one builds nothing."""
    if not config.valid(home):
        print(
            "未构建：请先改正配置文件（zhaoshang config check）/ nothing was built: fix the configuration.",
            file=sys.stderr,
        )
        return False
    return True


def run(home: Home) -> int:
    if not methods_valid(home):
        return config.EXIT_BAD_CONFIG
    ok, summary = build(home)
    print(summary)
    if not ok:
        print_fix()
    return 0 if ok else EXIT_DBT_FAILED
