"""The dbt manifest the Dagster assets load, parsed from the project as it is now (edited since set-up)."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest() -> None:
    """`dbt parse`, what `DbtProject.prepare_if_dev()` runs under `dagster dev` (with the venv's dbt)."""
    from orchestration.assets.warehouse_models import dbt_project, dbt_resource

    dbt_resource().cli(["parse", "--quiet"], target_path=dbt_project.target_path).wait()
