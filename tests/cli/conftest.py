"""The dbt manifest the Dagster assets load, parsed from the project as it is now (edited since set-up); one
demo home per session, which the modules copy instead of running the demo again."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> None:
    """`dbt parse`, what `DbtProject.prepare_if_dev()` runs under `dagster dev` (with the venv's dbt)."""
    from orchestration.assets.warehouse_models import dbt_project, dbt_resource

    dbt_resource().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()


@pytest.fixture(scope="session")
def demo_once(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """`zhaoshang demo` on a new home, run once per session (tests/cli/test_commands.py works on it; a copy of
    it as the demo left it is `demo_pristine`)."""
    from tests.cli.test_commands import zhaoshang

    home = tmp_path_factory.mktemp("demo_once") / "home"
    home.mkdir()
    proc = zhaoshang("demo", home=home)
    copy_home(home, home.parent / "pristine")
    return home, proc


@pytest.fixture(scope="session")
def demo_pristine(demo_once) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The demo home as the demo left it (copy it again before changing it) and the demo's output."""
    home, proc = demo_once
    return home.parent / "pristine", proc


def copy_home(source: Path, target: Path) -> Path:
    """A copy of a home (symbolic links kept as links, the read-only frozen files as they are)."""
    shutil.copytree(source, target, symlinks=True)
    return target
