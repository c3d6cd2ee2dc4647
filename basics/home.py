"""The home folder: one place that holds the warehouse, inbox, archive, quarantine and submissions."""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import util
from pathlib import Path


def _package_dir(name: str) -> Path:
    """The folder of an installed package of the project (read only at run time)."""
    spec = util.find_spec(name)
    assert spec is not None and spec.submodule_search_locations, name
    return Path(next(iter(spec.submodule_search_locations))).resolve()


DBT_PROJECT_DIR = _package_dir("dbt_project")  # the dbt project ships inside the package
DEFAULTS_DIR = _package_dir("zhaoshang") / "defaults"  # the bundled configuration `init` copies into a home


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

    @property
    def config(self) -> Path:
        """The bureau's own configuration (units, targets, methods, thresholds): basics.config."""
        return self.root / "config"

    @property
    def dbt_target(self) -> Path:
        """dbt's target/ (manifest, compiled SQL, run results) for this home: nothing is written into the
        installed dbt project."""
        return self.root / "dbt" / "target"

    @property
    def dbt_logs(self) -> Path:
        return self.root / "dbt" / "logs"

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
