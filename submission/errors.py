"""Why a submission is refused (the CLI maps them to exit codes 4 and 5)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from expectations.results import GateResult


class SubmissionError(Exception):
    """Base of the refusals; `exit_code` is the CLI's."""

    exit_code = 1


class GateFailed(SubmissionError):
    """The month's quality gate has a failing blocking check."""

    exit_code = 4

    def __init__(self, gate: GateResult) -> None:
        self.gate = gate
        failed = [c.name for c in gate.checks if c.severity == "blocking" and not c.passed]
        super().__init__(
            f"数据质量检查未通过，不能报送 {gate.month_label} / quality gate failed for {gate.month_label}: "
            f"{', '.join(failed)}"
        )


class AlreadySubmitted(SubmissionError):
    """The month already has a version and no resubmission reason was given."""

    exit_code = 5

    def __init__(self, month: str, versions: list[int]) -> None:
        self.month, self.versions = month, versions
        super().__init__(
            f"{month} 已报送（第 {max(versions)} 版），如需重新报送请注明理由 / "
            f"{month} was already submitted (v{max(versions)}); resubmit explicitly with a reason"
        )
