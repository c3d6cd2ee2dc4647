"""Real Dagster materialisations: files -> raw -> dbt -> gate -> submission; a blocking check stops it."""

from __future__ import annotations

import json
import os

import dagster as dg
import pytest

from basics.home import Home
from expectations.results import GateResult
from orchestration.definitions import defs
from orchestration.partitions import partition_range_tags
from orchestration.resources import HomeResource
from tests.helpers.spec6 import SPEC6_ASSET
from zhaoshang.sample_data import write_sample_inbox

# A full sample year through real Dagster materialisations (minutes): the fast loop skips it.
pytestmark = pytest.mark.slow

SILENT = ("2021-W49", "D05")  # one December report withheld from the sample year


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    """A home holding the sample year less one report, ingested and built by materialising the assets."""
    home = Home(tmp_path_factory.mktemp("home")).ensure()
    write_sample_inbox(home.inbox, year=2021, seed=7)
    (home.inbox / SILENT[0] / f"{SILENT[1]}.xlsx").unlink()
    os.environ["ZHAOSHANG_WAREHOUSE"] = str(home.warehouse)
    definitions = defs()
    assets = list(definitions.assets)
    resources = {
        **definitions.resources,
        "home": HomeResource(root=str(home.root)),
    }
    with dg.instance_for_test() as instance:
        ingest = dg.materialize(
            assets,
            resources=resources,
            instance=instance,
            selection="weekly_reports",
            tags=partition_range_tags("2020-12-28", "2021-12-20"),
        )
        build = dg.materialize(
            assets,
            resources=resources,
            instance=instance,
            selection=dg.AssetSelection.groups("registers", "staging", "intermediate", "marts"),
        )
        yield home, assets, resources, instance, ingest, build


def test_ingestion_and_dbt_build_materialise(loaded):
    home, _, _, _, ingest, build = loaded
    assert ingest.success and build.success
    metadata = ingest.get_asset_materialization_events()[-1].materialization.metadata
    assert metadata["rejected"].value == 0 and metadata["accepted"].value > 100
    keys = {e.asset_key.to_user_string() for e in build.get_asset_materialization_events()}
    assert {SPEC6_ASSET, "marts/district_month_indicators"} <= keys
    assert all(
        check.passed for check in build.get_asset_check_evaluations() if check.severity.value == "ERROR"
    )


def test_blocking_gate_check_stops_the_submission(loaded):
    home, assets, resources, instance, _, _ = loaded
    result = dg.materialize(
        assets,
        resources=resources,
        instance=instance,
        partition_key="2021-12-01",
        selection=["monthly_gate", "monthly_submission"],
        raise_on_error=False,
    )
    failed = [c for c in result.get_asset_check_evaluations() if not c.passed]
    assert {c.check_name for c in failed} == {"missing_reports"}
    # every check result belongs to its month, and a failed gate is a failed step, not a green materialisation
    assert {c.partition for c in result.get_asset_check_evaluations()} == {"2021-12-01"}
    assert not result.is_node_success("monthly_gate")
    assert "monthly_gate" not in {
        e.asset_key.to_user_string() for e in result.get_asset_materialization_events()
    }
    gate = GateResult.from_dict(
        json.loads((home.gate_reports / "2021-12" / "latest" / "checks.json").read_text())
    )
    assert [(f.unit_code, f.week_label) for f in gate.failures if not f.waived] == [("D05", "2021-W49")]
    # the UI shows the failed step's description and the failure list the CLI prints (dg.Failure metadata)
    (failure,) = [e for e in result.get_step_failure_events() if e.step_key == "monthly_gate"]
    shown = failure.step_failure_data.user_failure_data
    assert shown is not None and "数据质量检查未通过" in shown.description
    listed = shown.metadata["failure_list"].value
    assert "D05" in listed and "2021-W49" in listed
    assert result.is_node_skipped("monthly_submission") or not result.is_node_success("monthly_submission")
    assert not (home.submissions / "2021-12").exists()


def test_waiving_the_silent_unit_lets_the_month_through(loaded):
    home, assets, resources, instance, _, _ = loaded
    waiver = {"waive_units": ["D05"], "waiver_reason": "书面说明：系统故障"}
    config = {"ops": {"monthly_gate": {"config": waiver}}}
    result = dg.materialize(
        assets,
        resources=resources,
        instance=instance,
        partition_key="2021-12-01",
        selection=["monthly_gate", "monthly_submission"],
        run_config=config,
    )
    assert result.success
    manifest = (home.submissions / "2021-12" / "v1" / "manifest.json").read_text("utf-8")
    assert "书面说明：系统故障" in manifest and "D05" in manifest
    gate = [
        e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == "monthly_gate"
    ]
    assert len(gate) == 1 and gate[0].partition == "2021-12-01"
    assert gate[0].materialization.metadata["month"].value == "2021-12"
