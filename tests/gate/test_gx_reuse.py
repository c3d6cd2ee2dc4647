"""A month's gate again on unchanged data reuses the GX suites' outcomes (no GX import), with the same checks,
failures and verdict; any change to what a suite validates runs GX again. The SQL checks always run."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path

from basics.home import Home
from expectations.gate import GX_CACHE, run_gate
from expectations.gx_runner import GxRunner
from expectations.results import GateResult
from tests.gate.dataset import MONTH, YEAR
from tests.gate.test_gate_faults import LEDGER, where
from tests.gate.warehouse import execute

# a blocking GX failure (a share above 1) and a GX warning (one contract of 600 亿 over the 500 line)
FAULTS = (
    "update marts.district_month_indicators set value = 1.5 where year = 2021 and month = 2 "
    "and indicator = 'share_out_of_city'",
    f"update {LEDGER} set contract_amount = 600 where {where('P01', '2021-W08', 'P01-01')}",
)


def gate(home: Home, run: str) -> GateResult:
    month = home.gate_reports / f"{YEAR}-{MONTH:02d}"
    return run_gate(home.warehouse, YEAR, MONTH, report_dir=month / run, gx_cache=month / GX_CACHE)


def verdict(result: GateResult) -> tuple:
    return result.passed, [asdict(c) for c in result.checks], [asdict(f) for f in result.failures]


def refuse(*args: object, **kwargs: object) -> None:
    raise AssertionError("GX ran on unchanged data")


def test_an_unchanged_month_reuses_the_gx_outcomes_and_still_blocks(home: Home, monkeypatch) -> None:
    execute(home, *FAULTS)
    first = gate(home, "run1")
    assert first.gx_reused_from is None
    assert not first.passed and not first.check("district_indicators").passed
    assert [f.value for f in first.failures_of("district_indicators")] == ["value=1.5"]
    assert [f.project_code for f in first.failures_of("single_contract_over_limit")] == ["P01-01"]

    with monkeypatch.context() as patch:  # GX may not start: the outcomes come from the first gate
        patch.setattr(GxRunner, "__init__", refuse)
        second = gate(home, "run2")
    assert second.gx_reused_from and "run1" in second.gx_reused_from
    assert verdict(second) == verdict(first)  # still blocking, the same located failures
    index = home.gate_reports / f"{YEAR}-{MONTH:02d}" / "run2" / "data_docs" / "index.html"
    assert second.data_docs == str(index)
    assert "沿用" in index.read_text(encoding="utf-8") and "run1" in index.read_text(encoding="utf-8")
    saved = json.loads((index.parent.parent / "checks.json").read_text(encoding="utf-8"))
    assert saved["gx_reused_from"] == second.gx_reused_from and saved["passed"] is False


def test_a_changed_warehouse_runs_gx_again(home: Home) -> None:
    execute(home, *FAULTS)
    gate(home, "run1")
    execute(home, f"update {LEDGER} set contract_amount = 700 where {where('P01', '2021-W08', 'P01-01')}")
    changed = gate(home, "run2")
    assert changed.gx_reused_from is None
    assert ["700" in f.value for f in changed.failures_of("single_contract_over_limit")] == [True]
    execute(
        home,
        "update raw.config_scoring_parameters set value = 800 where parameter = 'single_contract_warning'",
    )
    raised = gate(home, "run3")  # a threshold (an expectation parameter) changed: GX again
    assert raised.gx_reused_from is None and raised.failures_of("single_contract_over_limit") == []
    entries = list((home.gate_reports / f"{YEAR}-{MONTH:02d}" / GX_CACHE).iterdir())
    assert len(entries) == 1  # the month keeps its newest outcomes only


def test_the_sql_checks_run_every_time(home: Home, monkeypatch) -> None:
    assert gate(home, "run1").passed
    # a lead's receiver changed: the leads are no GX suite's data, so GX is not run again …
    execute(home, f"update raw.lead_rows set to_unit = 'P03' where {where('P01', '2021-W07')}")
    monkeypatch.setattr(GxRunner, "__init__", refuse)
    again = gate(home, "run2")
    assert again.gx_reused_from is not None
    assert not again.passed  # … but the SQL check sees the fault and blocks
    assert [(f.unit_code, f.rule) for f in again.failures_of("lead_conflicts")] == [
        ("P01", "lead_to_unit_changed:to_unit")
    ]


def test_without_a_cache_folder_gx_always_runs(home: Home, tmp_path: Path) -> None:
    first = run_gate(home.warehouse, YEAR, MONTH, report_dir=tmp_path / "a")
    second = run_gate(home.warehouse, YEAR, MONTH, report_dir=tmp_path / "b")
    assert first.gx_reused_from is None and second.gx_reused_from is None
    assert not (tmp_path / GX_CACHE).exists()
