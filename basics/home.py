"""The home folder: one place that holds the warehouse, inbox, archive, quarantine and submissions."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
SEEDS_DIR = DBT_PROJECT_DIR / "seeds"


@dataclass(frozen=True)
class Home:
    """Paths under the home folder (`--home`, else `$ZHAOSHANG_HOME`, else `./var`)."""

    root: Path

    @classmethod
    def resolve(cls, home: str | os.PathLike[str] | None = None) -> Home:
        raw = home or os.environ.get("ZHAOSHANG_HOME") or "var"
        return cls(Path(raw).expanduser().resolve())

    @property
    def warehouse(self) -> Path:
        return self.root / "warehouse.duckdb"

    @property
    def journal(self) -> Path:
        """The append-only journal of every ingestion event and submission record (`zhaoshang rebuild`)."""
        return self.root / "journal" / "ingest.jsonl"

    @property
    def inbox(self) -> Path:
        return self.root / "inbox"

    @property
    def archive(self) -> Path:
        return self.root / "archive"

    @property
    def quarantine(self) -> Path:
        return self.root / "quarantine"

    @property
    def submissions(self) -> Path:
        return self.root / "submissions"

    @property
    def gate_reports(self) -> Path:
        return self.root / "gate"

    @property
    def dagster_home(self) -> Path:
        return self.root / "dagster"

    def ensure(self) -> Home:
        """Create the folders if absent and return self."""
        for path in (
            self.root,
            self.inbox,
            self.archive,
            self.quarantine,
            self.submissions,
            self.gate_reports,
            self.dagster_home,
        ):
            path.mkdir(parents=True, exist_ok=True)
        return self
