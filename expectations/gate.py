"""The monthly data-quality gate (SPEC 5): every check, GX or SQL, reports through `run_gate`."""

from __future__ import annotations

import logging
import os
import uuid
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from expectations.registry import CHECKS, CHECKS_BY_NAME, Check
from expectations.results import CheckResult, Failure, GateResult
from expectations.scope import GateScope, month_weeks

log = logging.getLogger(__name__)

GX_CACHE = ".gx-cache"  # in <home>/gate/YYYY-MM/ beside the month's gate runs: stored GX outcomes


class WaiverError(ValueError):
    """A waiver names an unknown unit or has no written reason."""


def run_gate(
    warehouse: Path,
    year: int,
    month: int,
    waivers: dict[str, str] | None = None,
    report_dir: Path | None = None,
    gx_cache: Path | None = None,
) -> GateResult:
    """Run every check of the month (latest versions of the weeks whose Sunday is in the month).

    `waivers` {unit_code: reason} waive only the missing-report check for those units. With `report_dir`,
    failures.csv, checks.json and the GX Data Docs (`report_dir/data_docs/`) are written there. With
    `gx_cache` too (a folder of the month's, `<home>/gate/YYYY-MM/.gx-cache`), the GX suites' outcomes and
    Data Docs are reused from the month's last gate when what they validate is unchanged (gx_cache.py).
    """
    docs_dir = Path(report_dir) / "data_docs" if report_dir is not None else None
    cache_dir = Path(gx_cache) if gx_cache is not None and report_dir is not None else None
    created_at = datetime.now().astimezone().isoformat(timespec="seconds")
    with GateScope(Path(warehouse), year, month, docs_dir, cache_dir) as scope:
        waivers = check_waivers(waivers, scope.unit_codes())
        scope.reuse_gx([(c.source, c.frame or "") for c in CHECKS if c.engine == "gx"])
        found = {check.name: _run(check, scope) for check in CHECKS}
        data_docs = scope.build_docs(created_at)
        gx_reused_from = scope.gx_reused_from
    checks, failures = [], []
    for check in CHECKS:
        result, fails = _result(check, *found[check.name], waivers)
        checks.append(result)
        failures.extend(fails)
    gate = GateResult(
        year=year,
        month=month,
        created_at=created_at,
        weeks=[label for label, _ in month_weeks(year, month)],
        checks=checks,
        failures=failures,
        waivers=dict(waivers),
        data_docs=data_docs,
        gx_reused_from=gx_reused_from,
    )
    if report_dir is not None:
        gate.write(Path(report_dir))
    log.info(
        "gate %s: %s, %d failures", gate.month_label, "passed" if gate.passed else "FAILED", len(failures)
    )
    return gate


def mark_latest(report_dir: Path) -> Path:
    """Point `latest` beside `report_dir` (`<home>/gate/YYYY-MM/latest`) at it: a relative symlink, swapped
    atomically, so readers always find the newest complete gate result."""
    report_dir = Path(report_dir)
    link = report_dir.parent / "latest"
    tmp = report_dir.parent / f".latest-{uuid.uuid4().hex[:8]}"
    os.symlink(report_dir.name, tmp, target_is_directory=True)
    try:
        os.replace(tmp, link)
    except OSError:
        tmp.unlink(missing_ok=True)
        raise
    return link


def run_check(
    name: str, warehouse: Path, year: int, month: int, waivers: dict[str, str] | None = None
) -> tuple[CheckResult, list[Failure]]:
    """Run a single check by name (e.g. for one Dagster asset check)."""
    check = CHECKS_BY_NAME[name]
    with GateScope(Path(warehouse), year, month) as scope:
        checked = check_waivers(waivers, scope.unit_codes())
        failures, error = _run(check, scope)
    return _result(check, failures, error, checked)


def check_waivers(waivers: dict[str, str] | None, known_units: set[str]) -> dict[str, str]:
    """Waivers must name registered units (marts.dim_unit) and carry a written reason."""
    out: dict[str, str] = {}
    for unit, reason in (waivers or {}).items():
        if unit not in known_units:
            raise WaiverError(f"waiver for unknown unit {unit!r} / 豁免的单位编号不存在")
        if not (reason or "").strip():
            raise WaiverError(f"waiver for {unit} needs a written reason / 豁免须填写理由")
        out[unit] = reason.strip()
    return out


def _run(check: Check, scope: GateScope) -> tuple[list[Failure], str | None]:
    try:
        return check.run(scope), None
    except Exception as exc:  # a check that cannot run fails, and says why; the others still run
        log.exception("check %s could not run", check.name)
        message = f"{type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
        failure = Failure(
            check=check.name,
            severity=check.severity,
            rule="check_error",
            value=None,
            message_zh=f"检查无法执行：{message}",
            message_en=f"check could not run: {message}",
        )
        return [failure], message


def _result(
    check: Check, failures: list[Failure], error: str | None, waivers: dict[str, str]
) -> tuple[CheckResult, list[Failure]]:
    if check.waivable and waivers and error is None:
        failures = [_waive(f, waivers[f.unit_code]) if f.unit_code in waivers else f for f in failures]
    open_failures = [f for f in failures if not f.waived]
    result = CheckResult(
        name=check.name,
        label_zh=check.label_zh,
        label_en=check.label_en,
        severity=check.severity,
        engine=check.engine,
        passed=error is None and not open_failures,
        failure_count=len(failures),
        waived=any(f.waived for f in failures),
        error=error,
    )
    return result, failures


def _waive(failure: Failure, reason: str) -> Failure:
    return replace(
        failure,
        waived=True,
        message_zh=f"{failure.message_zh}（已豁免：{reason}）",
        message_en=f"{failure.message_en} (waived: {reason})",
    )
