"""The monthly quality gate (one asset check per SPEC 5 check) and the city-level submission it guards."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dagster as dg

from basics.terms import no_reports_yet
from basics.weeks import weeks_ending_in
from orchestration.partitions import monthly_partitions, year_month
from orchestration.resources import WAREHOUSE_POOL, HomeResource

GATE_INPUTS = [
    dg.AssetKey(["marts", "district_month_indicators"]),
    dg.AssetKey(["marts", "score_totals"]),
    dg.AssetKey(["marts", "score_points"]),
    dg.AssetKey(["marts", "score_columns"]),
]


class GateConfig(dg.Config):
    """Waivers (免报) of the missing-report check: {unit code: its own written reason}.

    `waive_units` + `waiver_reason` (one reason for several units) remain for runs launched by hand in the UI.
    """

    waivers: dict[str, str] = {}
    waive_units: list[str] = []
    waiver_reason: str | None = None


class SubmissionConfig(dg.Config):
    """Set `resubmit_reason` to create the next version of a month already submitted."""

    resubmit_reason: str | None = None


def gate_check_specs() -> list[dg.AssetCheckSpec]:
    """One asset check per gate check; blocking ones stop the submission."""
    from expectations.registry import CHECKS

    return [
        dg.AssetCheckSpec(
            check.name,
            asset="monthly_gate",
            blocking=check.severity == "blocking",
            description=f"{check.label_zh} ({check.severity})",
            partitions_def=monthly_partitions,  # each result belongs to its month
        )
        for check in CHECKS
    ]


@dg.asset(
    key="monthly_gate",
    partitions_def=monthly_partitions,
    deps=GATE_INPUTS,
    check_specs=gate_check_specs(),
    pool=WAREHOUSE_POOL,
    group_name="submission",
    kinds={"great_expectations", "duckdb"},
    description="SPEC 5 data-quality gate of a month: GX suites and SQL checks over the staged data and the "
    "district indicators; writes failures.csv, checks.json and GX Data Docs under <home>/gate/YYYY-MM/.",
)
def monthly_gate(context: dg.AssetExecutionContext, config: GateConfig, home: HomeResource) -> Iterator[Any]:
    from expectations.gate import GX_CACHE, WaiverError, mark_latest, run_gate

    paths = home.paths()
    year, month = year_month(context.partition_key)
    month_key = f"{year}-{month:02d}"
    if not _has_reports(paths.warehouse, year, month):
        raise dg.Failure(
            description=no_reports_yet(year, month), metadata={"month": month_key}, allow_retries=False
        )
    waivers = waivers_from(config)
    report_dir = paths.gate_reports / month_key / context.run.run_id
    try:
        gate = run_gate(
            paths.warehouse,
            year,
            month,
            waivers=waivers,
            report_dir=report_dir,
            gx_cache=paths.gate_reports / month_key / GX_CACHE,  # GX again only when its data changed
        )
    except WaiverError as err:  # one sentence in the UI, not a stack trace
        raise dg.Failure(description=str(err), metadata={"month": month_key}, allow_retries=False) from None
    mark_latest(report_dir)
    table = gate.failure_table()
    results = list(_check_results(gate, month_key))
    if not gate.passed:  # no materialization: a failed gate is a failed step, never a green asset
        yield from results
        raise dg.Failure(
            description=f"{month_key} 数据质量检查未通过 / quality gate failed for {month_key}",
            metadata={
                "month": month_key,
                "failures": len(gate.failures),
                "failure_list": dg.MetadataValue.md(f"```\n{table}\n```"),
                "report_dir": dg.MetadataValue.path(str(report_dir)),
            },
            allow_retries=False,
        )
    yield dg.Output(
        gate,
        metadata={
            "month": month_key,
            "passed": gate.passed,
            "failures": len(gate.failures),
            "failure_list": dg.MetadataValue.md(f"```\n{table}\n```" if gate.failures else "none"),
            "report_dir": dg.MetadataValue.path(str(report_dir)),
            "data_docs": dg.MetadataValue.path(gate.data_docs or "not built"),
            "gx_suites": f"reused from the gate of {gate.gx_reused_from} (their data unchanged)"
            if gate.gx_reused_from
            else "run",
            "waivers": dg.MetadataValue.json(waivers),
        },
    )
    yield from results


def _check_results(gate: Any, month_key: str) -> Iterator[dg.AssetCheckResult]:
    for check in gate.checks:
        failures = [f for f in gate.failures if f.check == check.name]
        yield dg.AssetCheckResult(
            check_name=check.name,
            passed=check.passed,
            severity=dg.AssetCheckSeverity.ERROR
            if check.severity == "blocking"
            else dg.AssetCheckSeverity.WARN,
            description=f"{month_key} {check.label_zh}",
            metadata={
                "month": month_key,
                "failure_count": check.failure_count,
                "waived": check.waived,
                "failures": dg.MetadataValue.md(
                    "\n".join(f"- {f.message_zh} / {f.message_en}" for f in failures[:50]) or "none"
                ),
            },
        )


def _has_reports(warehouse: Path, year: int, month: int) -> bool:
    """Whether any report of a week ending in the month was received (else the gate has nothing to check)."""
    import duckdb

    weeks = weeks_ending_in(year, month)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return bool(
            con.execute(
                "select count(*) from raw.report_files where week_label in "
                f"({', '.join('?' for _ in weeks)})",
                weeks,
            ).fetchone()[0]
        )
    except duckdb.CatalogException:
        return False
    finally:
        con.close()


def waivers_from(config: GateConfig) -> dict[str, str]:
    """{unit_code: reason}; a waiver without a reason is refused."""
    out = {unit: config.waiver_reason or "" for unit in config.waive_units} | dict(config.waivers)
    missing = sorted(unit for unit, reason in out.items() if not (reason or "").strip())
    if missing:
        raise dg.Failure(f"免报须填写理由 / a waiver needs a written reason: {', '.join(missing)}")
    return out


@dg.asset(
    key="monthly_submission",
    partitions_def=monthly_partitions,
    pool=WAREHOUSE_POOL,
    group_name="submission",
    kinds={"excel", "csv"},
    description="The city-level monthly submission (市级考核关键指标): xlsx, csv, checks.json, manifest.json "
    "frozen under <home>/submissions/YYYY-MM/v<N>/.",
)
def monthly_submission(
    context: dg.AssetExecutionContext, config: SubmissionConfig, home: HomeResource, monthly_gate: Any
) -> dg.MaterializeResult:
    from submission import submit_month

    year, month = year_month(context.partition_key)
    result = submit_month(
        home.paths(), year, month, monthly_gate, monthly_gate.waivers, config.resubmit_reason
    )
    context.log.info(f"Submitted {year}-{month:02d} as version {result.version}: {result.folder}")
    return dg.MaterializeResult(
        metadata={"version": result.version, "folder": dg.MetadataValue.path(str(result.folder))}
    )
