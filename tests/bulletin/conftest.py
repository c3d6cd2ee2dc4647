"""One bulletin of February 2021 per session: the clean test warehouse, a gate run, `zhaoshang report`."""

from __future__ import annotations

import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

from basics.home import Home
from tests.conftest import PROJECT_ROOT, VENV_BIN
from tests.gate.dataset import MONTH, YEAR
from tests.gate.warehouse import copy_home

ARTEFACTS = PROJECT_ROOT / "tests" / "artefacts"  # kept for a human to look at; ignored by git
LABEL = f"{YEAR}-{MONTH:02d}"


@dataclass(frozen=True)
class Report:
    home: Home
    proc: subprocess.CompletedProcess[str]

    @property
    def folder(self) -> Path:
        return self.home.root / "reports" / LABEL / "v1"

    def file(self, suffix: str) -> Path:
        return self.folder / f"月度考核通报_{LABEL}.{suffix}"


def zhaoshang(home: Home, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ZHAOSHANG_HOME"}
    return subprocess.run(
        [str(VENV_BIN / "zhaoshang"), *args, "--home", str(home.root)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


@pytest.fixture(scope="session")
def report(base_home: Home, tmp_path_factory: pytest.TempPathFactory) -> Report:  # noqa: F811
    """The real path: gate (its `latest` result is listed in the bulletin), then `zhaoshang report`."""
    home = copy_home(base_home, tmp_path_factory.mktemp("report_home"))
    check = zhaoshang(home, "check", "--month", LABEL)
    assert check.returncode in (0, 4), check.stdout + check.stderr
    return Report(home, zhaoshang(home, "report", "--month", LABEL))


def keep_artefact(path: Path) -> Path:
    """Copy a test's picture to tests/artefacts/ (git-ignored) for a human to look at."""
    ARTEFACTS.mkdir(exist_ok=True)
    return Path(shutil.copy(path, ARTEFACTS / path.name))
