"""The gate's checks (SPEC 5): one registry, so the CLI, the gate and Dagster asset checks name them alike.

Importing this module is cheap (no GX): the Dagster definitions read `CHECKS` at load time.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from expectations.results import Failure, Severity

if TYPE_CHECKING:
    from expectations.scope import GateScope


@dataclass(frozen=True)
class Check:
    """One check: a GX suite `suites/<source>.json` over a frame, or a SQL file `sql_checks/<source>.sql`."""

    name: str
    label_zh: str
    label_en: str
    severity: Severity
    engine: Literal["gx", "sql"]
    source: str
    frame: str | None = None  # gx only: ledger | district
    waivable: bool = False  # only the missing-report check: waived per unit with a written reason
    parameters: tuple[str, ...] = ()  # thresholds it reads from marts.thresholds (must exist)

    def run(self, scope: GateScope) -> list[Failure]:
        """Run the check on an open month scope; its failures before waivers."""
        return run_check_in_scope(self, scope)


def run_check_in_scope(check: Check, scope: GateScope) -> list[Failure]:
    """Run one check on an open scope and return its failures."""
    scope.parameters(check.parameters)
    if check.engine == "sql":
        from expectations.sql_runner import sql_failures

        return sql_failures(check.name, check.severity, check.source, scope)
    from expectations.gx_failures import outcome_failures

    frame = scope.frame(check.frame or "")
    outcomes = scope.gx_outcomes(check.source, frame)
    return [f for o in outcomes for f in outcome_failures(check.name, check.severity, o, frame)]


CHECKS: list[Check] = [
    # --- blocking -------------------------------------------------------------------------------------------
    Check(
        "ledger_row_rules",
        "项目台账行级规则",
        "ledger row rules (SPEC 2.1)",
        "blocking",
        "sql",
        "ledger_row_rules",
    ),
    Check(
        "lead_row_rules",
        "线索共享行级规则",
        "shared-lead row rules (SPEC 2.2)",
        "blocking",
        "sql",
        "lead_row_rules",
    ),
    Check(
        "ingestion_row_issues",
        "入库时标记的行级问题",
        "row issues flagged at ingestion",
        "blocking",
        "sql",
        "ingestion_row_issues",
    ),
    Check(
        "lead_conflicts",
        "线索编号冲突",
        "lead id reused or receiver changed",
        "blocking",
        "sql",
        "lead_conflicts",
    ),
    Check(
        "date_order",
        "阶段日期顺序",
        "date order signed ≤ landed ≤ started ≤ producing",
        "blocking",
        "sql",
        "date_order",
    ),
    Check(
        "stage_regression",
        "项目阶段倒退",
        "stage going backwards week over week",
        "blocking",
        "sql",
        "stage_regression",
    ),
    Check(
        "funds_ytd_decrease",
        "本年到位资金减少",
        "funds in place decreasing within the year",
        "blocking",
        "sql",
        "funds_ytd_decrease",
    ),
    Check(
        "ledger_lead_unknown",
        "台账线索编号无对应共享线索",
        "ledger lead id not shared to the unit",
        "blocking",
        "sql",
        "ledger_lead_unknown",
    ),
    Check(
        "duplicate_projects",
        "同一项目多单位重复报送",
        "project reported by two units",
        "blocking",
        "sql",
        "duplicate_projects",
    ),
    Check(
        "district_indicators",
        "区级指标完整性",
        "district indicators complete and in range",
        "blocking",
        "gx",
        "district_indicators",
        frame="district",
    ),
    Check(
        "district_totals",
        "区级合计与各单位之和一致",
        "district totals equal the sum over units",
        "blocking",
        "sql",
        "district_totals",
    ),
    Check(
        "missing_reports",
        "周报按时报送",
        "every active unit reported every week",
        "blocking",
        "sql",
        "missing_reports",
        waivable=True,
    ),
    # --- warnings -------------------------------------------------------------------------------------------
    Check(
        "single_contract_over_limit",
        "单个项目协议引资额超预警线",
        "single contract over the warning line",
        "warning",
        "gx",
        "ledger_warnings",
        frame="ledger",
        parameters=("single_contract_warning",),
    ),
    Check(
        "amount_change",
        "协议引资额周环比大幅变化",
        "contract amount changed a lot week over week",
        "warning",
        "sql",
        "amount_change",
        parameters=("amount_change_warning",),
    ),
]

CHECKS_BY_NAME: dict[str, Check] = {c.name: c for c in CHECKS}
BLOCKING_CHECKS: list[Check] = [c for c in CHECKS if c.severity == "blocking"]
