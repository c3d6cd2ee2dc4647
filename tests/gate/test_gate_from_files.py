"""Faults arriving the real way: a unit resends a faulty workbook -> ingestion -> dbt build -> gate."""

from __future__ import annotations

from datetime import date

import pytest

from basics.home import Home
from expectations.gate import run_gate
from tests.gate.dataset import MONTH, YEAR, unit_ledger
from tests.gate.warehouse import dbt_build, ingest
from tests.helpers.workbooks import ledger_row, week_path, write_report

# Workbooks resent through ingestion and a dbt build each: the fast loop skips them.
pytestmark = pytest.mark.slow


def test_resent_workbook_with_row_faults_fails_once_per_fault(home: Home) -> None:
    ledger = unit_ledger("P02", 3)  # P02's W07 report, resent with two faulty rows
    ledger[0]["signed_on"] = "2021-13-45"  # not a date
    ledger[1].update(stage="签约")  # signed, but no 签约日期 and no 协议引资额
    ledger.append(
        ledger_row(
            project_code="P02-09",
            stage="落地",
            contract_amount=5.0,
            signed_on=date(2021, 2, 10),
            landed_on=date(2021, 2, 1),
        )
    )  # landed before signed
    leads = [
        {
            "lead_id": "P02-L1",
            "project_name": "自荐项目",
            "investor": "某公司",
            "to_unit": "P02",
            "shared_on": date(2021, 2, 15),
        }
    ]  # shared with itself
    write_report(week_path(home.inbox, "2021-W07", "P02"), ledger, leads)
    report = ingest(home)
    assert report.superseded  # version 2 replaces the clean version 1
    dbt_build(home)
    result = run_gate(home.warehouse, YEAR, MONTH)
    assert not result.passed
    located = {
        (f.unit_code, f.week_label, f.project_code, f.rule.split(":")[-1], f.row) for f in result.failures
    }
    assert ("P02", "2021-W07", "P02-01", "signed_on", 2) in located, result.failure_table()
    assert ("P02", "2021-W07", "P02-02", "signed_on", 3) in located, result.failure_table()
    assert ("P02", "2021-W07", "P02-02", "contract_amount", 3) in located, result.failure_table()
    assert ("P02", "2021-W07", "P02-09", "landed_on", 4) in located, result.failure_table()
    assert any(
        f.unit_code == "P02" and f.rule.endswith(":to_unit") and f.sheet == "线索共享"
        for f in result.failures
    ), result.failure_table()
    # ingestion and the GX suite see the same cells: each is listed once
    cells = [(f.file, f.row, f.rule.split(":")[-1]) for f in result.failures]
    assert len(cells) == len(set(cells)), result.failure_table()
    bad_date = next(f for f in result.failures if f.project_code == "P02-01")
    assert "2021-13-45" in bad_date.message_zh and bad_date.file == "2021-W07/P02.xlsx"
    # the P02 lead project disappeared from the resent snapshot: its lead checks still pass
    assert result.check("ledger_lead_unknown").passed


def test_real_stage_regression_from_files(home: Home) -> None:
    ledger = unit_ledger("P03", 4)
    ledger[0].update(stage="签约", landed_on=None, signed_on=date(2021, 1, 10))
    write_report(week_path(home.inbox, "2021-W08", "P03"), ledger)
    ingest(home)
    dbt_build(home)
    result = run_gate(home.warehouse, YEAR, MONTH)
    assert {c.name for c in result.checks if not c.passed} == {"stage_regression"}, result.failure_table()
    (failure,) = result.failures
    assert (failure.unit_code, failure.week_label, failure.project_code) == ("P03", "2021-W08", "P03-01")
