"""Fixtures shared by tests/gate and tests/submission: one clean warehouse per session, copied per test."""

from __future__ import annotations

from pathlib import Path

import pytest

from basics.home import Home
from tests.gate.dataset import base_reports
from tests.gate.warehouse import build_home, copy_home

_BUILT: dict[str, Home] = {}


def clean_home(factory: pytest.TempPathFactory) -> Home:
    """Workbooks -> ingestion -> dbt build, once per session (both test folders share it)."""
    if "clean" not in _BUILT:
        _BUILT["clean"] = build_home(factory.mktemp("clean_home"), base_reports())
    return _BUILT["clean"]


@pytest.fixture(scope="session")
def base_home(tmp_path_factory: pytest.TempPathFactory) -> Home:
    return clean_home(tmp_path_factory)


@pytest.fixture
def home(base_home: Home, tmp_path: Path) -> Home:
    """A private copy of the clean warehouse: mutate it freely."""
    return copy_home(base_home, tmp_path / "home")
