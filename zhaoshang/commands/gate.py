"""`zhaoshang check` and `zhaoshang submit`: the monthly quality gate and the city-level submission."""

from __future__ import annotations

from typing import Any

from basics.errors import UserError
from basics.home import Home
from basics.registers import units
from orchestration.jobs import GATE_JOB, MONTHLY_JOB
from orchestration.partitions import month_partition_key
from submission import versions
from zhaoshang.dagster_runs import failure_class, failure_message, run_job

EXIT_GATE_FAILED = 4
EXIT_ALREADY_SUBMITTED = 5


def _gate_of(result: Any) -> Any:
    try:
        return result.output_for_node("monthly_gate")
    except Exception:  # the gate step itself failed: no result to show
        raise UserError(
            f"The quality gate could not run: {failure_message(result)}",
            "Run `zhaoshang build` first, then try again.",
            exit_code=1,
        ) from None


def check(home: Home, year: int, month: int) -> int:
    result = run_job(GATE_JOB, partition_key=month_partition_key(year, month))
    gate = _gate_of(result)
    print(gate.failure_table() if gate.failures else f"{year}-{month:02d}: every check passed.")
    print(f"Details: {home.gate_reports / f'{year}-{month:02d}' / result.run_id}")
    return 0 if gate.passed else EXIT_GATE_FAILED


def submit(home: Home, year: int, month: int, waive: list[str], reason: str | None, resubmit: bool) -> int:
    unknown = [u for u in waive if u not in units()]
    if unknown:
        raise UserError(
            f"Unknown unit code(s) to waive: {', '.join(unknown)}.",
            f"Use codes of the register, e.g. {', '.join(list(units())[:3])}.",
        )
    if (waive or resubmit) and not (reason or "").strip():
        raise UserError("A waiver or a resubmission needs a written reason.", 'Add --reason "...".')
    frozen = versions(home, year, month)
    if frozen and not resubmit:
        print(
            f"{year}-{month:02d} was already submitted (v{frozen[-1]}) and is frozen. "
            f"To send a corrected version, run: zhaoshang submit --month {year}-{month:02d} "
            f'--resubmit --reason "..."'
        )
        return EXIT_ALREADY_SUBMITTED
    config = {
        "ops": {
            "monthly_gate": {"config": {"waive_units": waive, "waiver_reason": reason if waive else None}},
            "monthly_submission": {"config": {"resubmit_reason": reason if resubmit else None}},
        }
    }
    result = run_job(MONTHLY_JOB, partition_key=month_partition_key(year, month), run_config=config)
    gate = _gate_of(result)
    if not gate.passed:
        print(gate.failure_table())
        print(
            f"{year}-{month:02d} was NOT submitted: the quality gate failed. Fix the reports above "
            f"(or waive missing reports with --waive UNIT --reason TEXT) and submit again."
        )
        return EXIT_GATE_FAILED
    if not result.success:
        if failure_class(result) == "AlreadySubmitted":  # another submit froze the month meanwhile
            print(
                f"{year}-{month:02d} 已报送（仓库的报送记录中已有该月版本，可能由同时进行的另一次报送冻结）"
                f" / {year}-{month:02d} was already submitted (the warehouse records a version of it, "
                f"perhaps frozen by another submit meanwhile). To send a corrected version, run: "
                f"zhaoshang submit "
                f'--month {year}-{month:02d} --resubmit --reason "..."'
            )
            return EXIT_ALREADY_SUBMITTED
        raise UserError(f"The submission failed: {failure_message(result)}", "Nothing was frozen.", 1)
    folder = home.submissions / f"{year}-{month:02d}" / f"v{versions(home, year, month)[-1]}"
    print(f"Submitted {year}-{month:02d}: {folder}")
    for path in sorted(folder.iterdir()):
        print(f"  {path.name}")
    return 0
