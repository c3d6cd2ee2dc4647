"""What an ingestion run tells its caller: accepted, superseding, skipped and rejected files, row counts."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FileOutcome:
    """An accepted report version."""

    file: str  # relative to the inbox; a CSV pair reads '2021-W05/P01.csv + P01.leads.csv'
    sha256: str
    unit_code: str
    week_label: str
    version: int
    ledger_rows: int
    lead_rows: int
    row_issues: int
    warnings: tuple[str, ...] = ()  # bilingual one-liners


@dataclass(frozen=True)
class Rejection:
    """A file rejected whole (SPEC 2.5); reasons name file, sheet, row, column, value and the expectation."""

    file: str
    reason_code: str
    reason_zh: str
    reason_en: str
    expected_zh: str
    expected_en: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None
    sha256: str | None = None
    quarantine_path: str | None = None  # relative to the home folder

    @property
    def expected(self) -> str:
        return f"{self.expected_zh} / {self.expected_en}"

    def message(self) -> str:
        """One line, Chinese then English."""
        return f"{self.reason_zh} / {self.reason_en}"


@dataclass
class IngestReport:
    """Result of `ingest_inbox`.

    `accepted` holds every report version loaded by this run; `superseded` is the part of it that replaced an
    earlier version of the same unit-week (version > 1). `skipped` lists files already ingested unchanged.
    """

    accepted: list[FileOutcome] = field(default_factory=list)
    superseded: list[FileOutcome] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    ledger_rows: int = 0
    lead_rows: int = 0
    row_issues: int = 0
    entries: list = field(default_factory=list)  # accepted committee-entries files (ingestion.entries)

    def add_accepted(self, outcome: FileOutcome) -> None:
        self.accepted.append(outcome)
        if outcome.version > 1:
            self.superseded.append(outcome)
        self.ledger_rows += outcome.ledger_rows
        self.lead_rows += outcome.lead_rows
        self.row_issues += outcome.row_issues

    @property
    def warnings(self) -> list[str]:
        return [f"{o.file}: {w}" for o in self.accepted for w in o.warnings]

    def summary_lines(self) -> list[str]:
        """English lines for logs."""
        lines = [
            f"accepted {len(self.accepted)} file(s) ({len(self.superseded)} superseding an earlier version), "
            f"skipped {len(self.skipped)} unchanged, rejected {len(self.rejected)}",
            f"loaded {self.ledger_rows} ledger row(s), {self.lead_rows} lead row(s); "
            f"{self.row_issues} row-level issue(s) flagged",
        ]
        lines += [f"warning: {w}" for w in self.warnings]
        lines += [f"rejected: {r.file}: {r.reason_en}" for r in self.rejected]
        return lines
