"""The Definitions load the way `dagster dev` loads them, with every asset, check, schedule and sensor."""

from __future__ import annotations

import subprocess
import sys

import dagster as dg
import pytest

from orchestration.definitions import defs
from tests.conftest import PROJECT_ROOT, VENV_BIN
from tests.helpers.spec6 import SPEC6_ASSET, SPEC6_MODEL


@pytest.mark.slow
def test_dagster_cli_validates_the_code_location(tmp_path):
    env = {
        "DAGSTER_HOME": str(tmp_path),
        "ZHAOSHANG_HOME": str(tmp_path / "home"),
        "PATH": f"{VENV_BIN}:/usr/bin:/bin",
    }
    proc = subprocess.run(
        [str(VENV_BIN / "dagster"), "definitions", "validate", "-m", "orchestration.definitions"],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.slow
def test_importing_the_definitions_module_does_not_import_great_expectations():
    code = "import sys, orchestration.definitions; sys.exit('great_expectations' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT).returncode == 0


def test_assets_checks_schedules_and_sensor_are_all_there():
    loaded = defs()
    graph = loaded.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    assert {
        "weekly_reports",
        "monthly_gate",
        "monthly_submission",
        SPEC6_ASSET,
        "marts/score_items",
        "marts/district_month_indicators",
        "staging/stg_ledger_rows",
    } <= keys
    checks = {key: graph.get_check_spec(key) for key in graph.asset_check_keys}
    gate_checks = {k.name: spec for k, spec in checks.items() if k.asset_key == dg.AssetKey("monthly_gate")}
    assert any(spec.blocking for spec in gate_checks.values())
    assert any(not spec.blocking for spec in gate_checks.values())  # the warnings
    dbt_checks = [spec for k, spec in checks.items() if k.asset_key.path[0] in {"staging", "marts"}]
    assert dbt_checks and any(spec.blocking for spec in dbt_checks)
    assert {s.name for s in loaded.schedules} == {"weekly_schedule", "monthly_schedule"}
    assert {s.name for s in loaded.sensors} == {"inbox_sensor"}
    assert {s.execution_timezone for s in loaded.schedules} == {"Asia/Shanghai"}


def test_weekly_reports_feed_the_dbt_sources_and_the_gate_guards_the_submission():
    graph = defs().resolve_asset_graph()
    stg = graph.get(dg.AssetKey(["staging", "stg_ledger_rows"]))
    assert dg.AssetKey("weekly_reports") in stg.parent_keys
    submission = graph.get(dg.AssetKey("monthly_submission"))
    assert dg.AssetKey("monthly_gate") in submission.parent_keys


def test_every_mart_column_has_a_description_in_the_data_dictionary():
    import json

    from orchestration.assets.warehouse_models import dbt_project

    manifest = json.loads(dbt_project.manifest_path.read_text("utf-8"))
    marts = [
        n
        for n in manifest["nodes"].values()
        if n["resource_type"] == "model" and n["config"].get("schema") == "marts"
    ]
    assert {n["name"] for n in marts} >= {
        SPEC6_MODEL,
        "score_items",
        "district_month_indicators",
        "dim_unit",
        "dim_project",
        "fct_unit_month_projects",
    }
    undocumented = [
        f"{n['name']}.{c}"
        for n in marts
        for c, col in n["columns"].items()
        if not col.get("description", "").strip()
    ]
    assert not undocumented
    assert all(n["description"].strip() for n in marts)
