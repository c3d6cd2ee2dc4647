"""Warnings pass the gate and are recorded; their thresholds come from the scoring parameters of the home's
configuration (config/scoring_parameters.csv, loaded into raw.config_scoring_parameters at each build)."""

from __future__ import annotations

from basics.home import Home
from expectations.gate import run_gate
from tests.gate.dataset import MONTH, YEAR
from tests.gate.test_gate_faults import LEDGER, where
from tests.gate.warehouse import execute


def test_single_contract_over_limit_is_a_warning(home: Home) -> None:
    execute(home, f"update {LEDGER} set contract_amount = 600 where {where('P01', '2021-W08', 'P01-01')}")
    result = run_gate(home.warehouse, YEAR, MONTH)
    assert result.passed, result.failure_table()
    check = result.check("single_contract_over_limit")
    assert check.severity == "warning" and not check.passed and check.failure_count == 1
    (failure,) = result.failures_of("single_contract_over_limit")
    assert (failure.unit_code, failure.week_label, failure.project_code) == ("P01", "2021-W08", "P01-01")
    assert failure.severity == "warning" and "600" in failure.value
    assert "警告" in result.failure_table()


def test_amount_change_is_a_warning(home: Home) -> None:
    execute(home, f"update {LEDGER} set contract_amount = 100 where {where('P02', '2021-W07', 'P02-01')}")
    result = run_gate(home.warehouse, YEAR, MONTH)
    assert result.passed, result.failure_table()
    assert [(f.unit_code, f.week_label, f.project_code, f.value) for f in result.failures] == [
        ("P02", "2021-W07", "P02-01", "60.0 -> 100.0"),  # 100 -> 60 in W08 is a 40 % change: no warning
    ]
    assert not result.check("amount_change").passed


def test_thresholds_come_from_the_seed(home: Home) -> None:
    execute(home, f"update {LEDGER} set contract_amount = 66 where {where('P02', '2021-W07', 'P02-01')}")
    assert run_gate(home.warehouse, YEAR, MONTH).failures == []  # 10 % change, 66 亿: below both lines
    execute(
        home,
        "update raw.config_scoring_parameters set value = 65 where parameter = 'single_contract_warning'",
        "update raw.config_scoring_parameters set value = 0.05 where parameter = 'amount_change_warning'",
    )
    result = run_gate(home.warehouse, YEAR, MONTH)
    assert result.passed
    assert {(f.check, f.unit_code, f.week_label) for f in result.failures} == {
        ("single_contract_over_limit", "P02", "2021-W07"),
        ("amount_change", "P02", "2021-W07"),
        ("amount_change", "P02", "2021-W08"),  # 66 -> 60
    }


def test_missing_threshold_fails_its_check_only(home: Home) -> None:
    execute(
        home,
        "delete from raw.config_scoring_parameters where parameter in "
        "('single_contract_warning', 'amount_change_warning')",
    )
    result = run_gate(home.warehouse, YEAR, MONTH)
    assert result.passed  # warnings only
    for name, parameter in [
        ("single_contract_over_limit", "single_contract_warning"),
        ("amount_change", "amount_change_warning"),
    ]:
        check = result.check(name)
        assert not check.passed and parameter in (check.error or "")
    assert {c.name for c in result.checks if not c.passed} == {"single_contract_over_limit", "amount_change"}
