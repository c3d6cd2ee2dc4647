"""Fixtures of the ingestion tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from basics.home import Home


@pytest.fixture
def home(tmp_path: Path) -> Home:
    """A fresh home folder (inbox, archive, quarantine, warehouse) under tmp_path."""
    return Home(tmp_path / "home").ensure()
