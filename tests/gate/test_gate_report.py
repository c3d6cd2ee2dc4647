"""The gate's outputs and plumbing: one readable list, files, registry, suites, no call-outs."""

from __future__ import annotations

import csv
import json
import socket

import pytest

from basics.home import Home
from expectations.gate import run_check, run_gate
from expectations.gx_runner import load_suite
from expectations.registry import BLOCKING_CHECKS, CHECKS
from expectations.scope import SQL_CHECKS_DIR, month_weeks
from tests.gate.dataset import MONTH, YEAR
from tests.gate.test_gate_faults import LEDGER, resend_with, where
from tests.gate.warehouse import execute


def test_failures_written_as_one_list(home: Home, tmp_path) -> None:
    resend_with(home, "2021-W06", "P04", "P04-01", investor=None)
    execute(
        home,
        f"update {LEDGER} set project_name = '=HYPERLINK(\"http://x\")' "
        f"where {where('P04', '2021-W06', 'P04-01')}",
        f"update {LEDGER} set funds_ytd = 0.5 where {where('P06', '2021-W06', 'P06-01')}",
    )
    result = run_gate(home.warehouse, YEAR, MONTH, report_dir=tmp_path)
    assert not result.passed
    raw = (tmp_path / "failures.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(raw.decode("utf-8-sig").splitlines()))
    headers = {"检查项", "级别", "单位编号", "周次", "项目编号", "规则", "值", "问题说明", "文件", "行号"}
    assert headers <= set(rows[0])
    by_check = {r["检查项"]: r for r in rows}
    assert by_check["ledger_row_rules"]["单位编号"] == "P04"
    assert by_check["ledger_row_rules"]["项目名称"] == '\'=HYPERLINK("http://x")'  # never a formula
    assert by_check["funds_ytd_decrease"]["周次"] == "2021-W06"
    saved = json.loads((tmp_path / "checks.json").read_text(encoding="utf-8"))
    assert saved["passed"] is False and len(saved["checks"]) == len(CHECKS)
    assert {f["check"] for f in saved["failures"]} == {"ledger_row_rules", "funds_ytd_decrease"}
    assert json.loads(result.to_json()) == saved
    table = result.failure_table()
    assert "未通过 / FAILED" in table and "P04-01" in table and "P06-01" in table
    assert (tmp_path / "data_docs" / "index.html").exists()


def test_check_that_cannot_run_fails_alone(home: Home) -> None:
    execute(home, "drop view marts.fct_unit_month_projects")
    result = run_gate(home.warehouse, YEAR, MONTH)
    assert {c.name for c in result.checks if not c.passed} == {"district_totals"}
    check = result.check("district_totals")
    assert check.error and "fct_unit_month_projects" in check.error
    assert result.failures_of("district_totals")[0].rule == "check_error"


def test_no_network_during_gate(home: Home, tmp_path, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError(f"network call: {args[1:]}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    assert run_gate(home.warehouse, YEAR, MONTH, report_dir=tmp_path).passed


def test_single_check_by_name(home: Home) -> None:
    resend_with(home, "2021-W05", "B01", "B01-01", land_mu=-1)
    result, failures = run_check("ledger_row_rules", home.warehouse, YEAR, MONTH)
    assert not result.passed and [f.unit_code for f in failures] == ["B01"]
    assert run_check("date_order", home.warehouse, YEAR, MONTH)[0].passed


def test_registry_covers_spec_5() -> None:
    names = [c.name for c in CHECKS]
    assert len(names) == len(set(names))
    assert {c.name for c in BLOCKING_CHECKS} == {
        "ledger_row_rules",
        "lead_row_rules",
        "ingestion_row_issues",
        "lead_conflicts",
        "date_order",
        "stage_regression",
        "funds_ytd_decrease",
        "ledger_lead_unknown",
        "duplicate_projects",
        "district_indicators",
        "district_totals",
        "missing_reports",
    }
    assert [c.name for c in CHECKS if c.waivable] == ["missing_reports"]
    warnings = {c.name for c in CHECKS if c.severity == "warning"}
    assert warnings == {"single_contract_over_limit", "amount_change"}
    for check in CHECKS:
        if check.engine == "sql":
            assert (SQL_CHECKS_DIR / f"{check.source}.sql").exists()
        else:
            assert load_suite(check.source)["meta"]["check"] == check.name


def test_suites_load_as_gx_suites() -> None:
    import great_expectations as gx

    for check in CHECKS:
        if check.engine == "gx":
            suite = gx.ExpectationSuite(**load_suite(check.source))
            assert suite.expectations
            assert all(e.meta.get("rule") and e.meta.get("label_zh") for e in suite.expectations)


@pytest.mark.parametrize(
    ("year", "month", "weeks"),
    [
        (2021, 1, ["2020-W53", "2021-W01", "2021-W02", "2021-W03", "2021-W04"]),  # 2020-W53 ends 3 Jan 2021
        (2021, 2, ["2021-W05", "2021-W06", "2021-W07", "2021-W08"]),
        (2020, 12, ["2020-W49", "2020-W50", "2020-W51", "2020-W52"]),
    ],
)
def test_month_weeks_by_sunday(year: int, month: int, weeks: list[str]) -> None:
    assert [label for label, _ in month_weeks(year, month)] == weeks
