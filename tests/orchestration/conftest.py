"""The dbt manifest the Dagster assets load, parsed from the project as it is now (edited since set-up)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def _parsed_manifest(dbt_manifest: None) -> None:
    """Every test here may load the Dagster definitions: parse once per session (tests/conftest.py)."""
