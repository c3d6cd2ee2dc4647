"""Test-wide settings (no call-outs, where the project and its executables are) and the shared worlds.

The expensive worlds are built once per test session and shared (see tests/README.md, "Shared worlds"):

- `base_home`: the gate's clean warehouse (February 2021: hand-made workbooks → ingestion → `dbt build`);
- `sample_year`: a home on which the real `zhaoshang demo` ran (the sample year ingested, built, gated,
  submitted, its bulletin written).

Tests that only read use them as they are; tests that write take a copy (`copy_world`, milliseconds).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent

os.environ["GX_ANALYTICS_ENABLED"] = "false"
os.environ["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
os.environ["DAGSTER_DISABLE_TELEMETRY"] = "1"

from basics.home import Home  # noqa: E402  (after the environment above)
from tests.gate.fixtures import base_home  # noqa: E402, F401  (the gate's clean warehouse, once per session)
from tests.helpers.postgres_fixtures import (  # noqa: E402, F401  (a real server and the sample year on it, once)
    postgres_server,
    sample_year_on_postgres,
    sample_year_postgres_project,
)


def zhaoshang(*args: str, home: Path | None = None, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """The real `zhaoshang` command as a subprocess (wide output, no $ZHAOSHANG_HOME from the caller)."""
    cmd = [str(VENV_BIN / "zhaoshang"), *args] + (["--home", str(home)] if home else [])
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("ZHAOSHANG_HOME", None)
    return subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=timeout)


def copy_world(src: Path, dest: Path) -> Path:
    """A private copy of a home folder (warehouse, Dagster instance, inbox, archive, submissions …).

    Symbolic links (the gate's `latest`) are copied as links; the home holds only relative paths, so the
    copy works on its own. Returns `dest`.
    """
    shutil.copytree(src, dest, symlinks=True)
    return dest


@dataclass(frozen=True)
class SampleYear:
    """A home after `zhaoshang demo`: 2021 ingested, built, December gated and submitted, its bulletin."""

    root: Path
    demo: subprocess.CompletedProcess[str]

    @property
    def home(self) -> Home:
        return Home(self.root)

    def copy(self, dest: Path) -> Path:
        """A writable copy of this home at `dest` (which must not exist yet)."""
        return copy_world(self.root, dest)


@pytest.fixture(scope="session")
def sample_year(tmp_path_factory: pytest.TempPathFactory) -> SampleYear:
    """`zhaoshang demo` on a fresh home, once per session. READ ONLY: copy it (`sample_year.copy(...)`) to
    run anything that writes (ingest, build, check, submit, report, template)."""
    root = tmp_path_factory.mktemp("sample_year")
    proc = zhaoshang("demo", home=root)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return SampleYear(root, proc)


@pytest.fixture(scope="session")
def dbt_manifest() -> None:
    """`dbt parse` once per session, what `DbtProject.prepare_if_dev()` runs under `dagster dev` (with the
    venv's dbt): the manifest the Dagster assets load, parsed from the project as it is now."""
    from orchestration.dbt_manifest import ensure_development_manifest

    ensure_development_manifest()  # the homes of the session copy it (orchestration.dbt_manifest)
