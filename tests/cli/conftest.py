"""The dbt manifest the Dagster assets load, parsed from the project as it is now (edited since set-up); the
session's demo home (tests/conftest.py: `sample_year`) as the demo left it, for modules that copy it."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.conftest import SampleYear, copy_world


@pytest.fixture(scope="session", autouse=True)
def _parsed_manifest(dbt_manifest: None) -> None:
    """Every test here may load the Dagster definitions: parse once per session (tests/conftest.py)."""


@pytest.fixture(scope="session")
def demo_pristine(sample_year: SampleYear) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """The demo home as the demo left it (read only: copy it before changing it) and the demo's output."""
    return sample_year.root, sample_year.demo


def copy_home(source: Path, target: Path) -> Path:
    """A copy of a home (symbolic links kept as links, the read-only frozen files as they are)."""
    return copy_world(source, target)
