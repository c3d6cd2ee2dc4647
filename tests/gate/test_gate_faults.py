"""Each blocking check of SPEC 5: exactly one fault injected into clean data fails the gate, naming it."""

from __future__ import annotations

from datetime import date

import pytest

from basics.home import Home
from expectations.gate import run_gate
from expectations.results import Failure, GateResult
from submission import GateFailed, submit_month
from tests.gate.dataset import LEAD_ID, MONTH, YEAR, Report, base_reports
from tests.gate.warehouse import execute, resend

LEDGER = "raw.ledger_rows"  # as ingestion wrote it: the staged ledger is a view over it


def gate(home: Home, **kwargs) -> GateResult:
    return run_gate(home.warehouse, YEAR, MONTH, **kwargs)


def failed_blocking(result: GateResult) -> set[str]:
    return {c.name for c in result.checks if c.severity == "blocking" and not c.passed}


def where(unit: str, week: str, project: str | None = None) -> str:
    sql = f"unit_code = '{unit}' and week_label = '{week}'"
    return sql + (f" and project_code = '{project}'" if project else "")


def assert_fault(
    home: Home,
    result: GateResult,
    check: str,
    unit: str | None,
    week: str | None,
    project: str | None,
    rule: str,
) -> Failure:
    """The gate fails on exactly `check`, naming unit, week, project and rule; nothing can be submitted."""
    assert not result.passed
    with pytest.raises(GateFailed) as refused:
        submit_month(home, YEAR, MONTH, result)
    assert refused.value.exit_code == 4  # what `zhaoshang submit` exits with
    assert not (home.submissions / f"{YEAR}-{MONTH:02d}").exists()
    assert failed_blocking(result) == {check}, result.failure_table()
    matches = [
        f
        for f in result.failures_of(check)
        if (f.unit_code, f.week_label, f.project_code) == (unit, week, project) and f.rule == rule
    ]
    assert matches, result.failure_table()
    table = result.failure_table()
    for part in (check, rule, unit, week, project):
        if part:
            assert part in table
    return matches[0]


def copy_ledger_row(unit: str, week: str, project: str, **changes: str) -> str:
    """INSERT a copy of a ledger row (new row number) with some columns changed."""
    cols = {"row_number": "row_number + 100", **changes}
    select = ", ".join(f"{expr} as {col}" for col, expr in cols.items())
    return (
        f"insert into {LEDGER} by name select * replace ({select}) from {LEDGER} "
        f"where {where(unit, week, project)}"
    )


def resend_with(home: Home, week: str, unit: str, project: str | None = None, **changes) -> None:
    """The unit resends its clean report of `week` with some cells of one project's row changed (None: empty);
    `duplicate=True` lists the row twice; `lead=` adds a shared-lead row. Ingestion flags the row rules."""
    report = base_reports()[(week, unit)]
    ledger = [dict(row) for row in report.ledger]
    leads = list(report.leads)
    if "lead" in changes:
        leads.append(changes.pop("lead"))
    duplicate = changes.pop("duplicate", False)
    for row in [r for r in ledger if r["project_code"] == project]:
        row.update(changes)
        if duplicate:
            ledger.append(dict(row))
    resend(home, week, unit, Report(ledger, leads))


def shared_lead(lead_id: str, to_unit: str, shared_on: str = "2021-02-01") -> dict:
    return {
        "lead_id": lead_id,
        "project_name": "新线索项目",
        "investor": "新线索公司",
        "to_unit": to_unit,
        "shared_on": date.fromisoformat(shared_on),
    }


def test_clean_month_passes(home: Home, tmp_path) -> None:
    result = gate(home, report_dir=tmp_path / "gate")
    assert result.passed, result.failure_table()
    assert result.failures == []
    assert result.weeks == ["2021-W05", "2021-W06", "2021-W07", "2021-W08"]
    assert all(c.passed and c.failure_count == 0 for c in result.checks)
    assert (tmp_path / "gate" / "checks.json").exists()
    assert (tmp_path / "gate" / "failures.csv").exists()
    assert (tmp_path / "gate" / "data_docs" / "index.html").exists()


@pytest.mark.parametrize(
    ("unit", "week", "project", "changes", "rule"),
    [
        ("P04", "2021-W06", "P04-01", {"investor": None}, "required:investor"),
        ("P04", "2021-W06", "P04-02", {"industry": "spaceships"}, "enum:industry"),
        ("P03", "2021-W07", "P03-01", {"signed_on": None}, "required_for_stage:signed_on"),
        ("D01", "2021-W05", "D01-01", {"contract_amount": None}, "required_for_stage:contract_amount"),
        ("P05", "2021-W08", "P05-01", {"land_mu": -3}, "not_negative:land_mu"),
        ("P06", "2021-W05", "P06-02", {"duplicate": True}, "unique:project_code"),
    ],
    ids=["required", "enum", "date_required_for_stage", "amount_required_when_signed", "negative", "unique"],
)
def test_ledger_row_rule(home: Home, unit: str, week: str, project: str, changes: dict, rule: str) -> None:
    resend_with(home, week, unit, project, **changes)
    failure = assert_fault(home, gate(home), "ledger_row_rules", unit, week, project, rule)
    assert failure.file == f"{week}/{unit}.xlsx" and failure.sheet and failure.row


@pytest.mark.parametrize(
    ("lead", "rule"),
    [
        (shared_lead("P03-L9", "P03"), "self_share:to_unit"),
        (shared_lead("P03-L9", "X99"), "unknown_unit:to_unit"),
        (shared_lead("P03-L9", "P04", "2021-02-20"), "after_week:shared_on"),
    ],
    ids=["shared_with_itself", "unknown_receiver", "shared_after_week"],
)
def test_lead_row_rule(home: Home, lead: dict, rule: str) -> None:
    resend_with(home, "2021-W06", "P03", lead=lead)
    failure = assert_fault(home, gate(home), "lead_row_rules", "P03", "2021-W06", None, rule)
    assert "P03-L9" in failure.message_zh


def test_ingestion_row_issue(home: Home) -> None:
    execute(
        home,
        "insert into raw.row_issues by name select file_sha256, unit_code, "
        "week_label, version, sheet, row_number, project_code, "
        "'签约日期' as column_name, '2021-13-45' as value, 'date' as rule, "
        "'日期' as expected_zh, 'a date' as expected_en "
        f"from {LEDGER} where {where('P02', '2021-W07', 'P02-01')}",
    )
    failure = assert_fault(
        home, gate(home), "ingestion_row_issues", "P02", "2021-W07", "P02-01", "date:signed_on"
    )
    assert "2021-13-45" in failure.message_zh and failure.value == "2021-13-45"


def test_lead_receiver_changed(home: Home) -> None:
    execute(home, f"update raw.lead_rows set to_unit = 'P03' where {where('P01', '2021-W07')}")
    assert_fault(home, gate(home), "lead_conflicts", "P01", "2021-W07", None, "lead_to_unit_changed:to_unit")


def test_lead_id_used_by_another_unit(home: Home) -> None:
    resend_with(home, "2021-W06", "P05", lead=shared_lead(LEAD_ID, "P02"))  # P01 shared it in W04
    assert_fault(home, gate(home), "lead_conflicts", "P05", "2021-W06", None, "lead_id_reused:lead_id")


def test_date_order(home: Home) -> None:
    resend_with(home, "2021-W05", "P04", "P04-01", landed_on=date(2021, 1, 5))
    failure = assert_fault(
        home, gate(home), "date_order", "P04", "2021-W05", "P04-01", "date_order:landed_on"
    )
    assert "2021-01-05" in failure.value and "2021-01-10" in failure.message_zh


def test_stage_regression(home: Home) -> None:
    execute(home, f"update {LEDGER} set stage = 'negotiating' where {where('P05', '2021-W07', 'P05-01')}")
    failure = assert_fault(
        home, gate(home), "stage_regression", "P05", "2021-W07", "P05-01", "stage_regression"
    )
    assert failure.value == "landed -> negotiating"


def test_stage_may_go_to_terminated(home: Home) -> None:
    execute(home, f"update {LEDGER} set stage = 'terminated' where {where('P05', '2021-W08', 'P05-01')}")
    assert gate(home).passed


def test_funds_ytd_decrease(home: Home) -> None:
    execute(home, f"update {LEDGER} set funds_ytd = 0.5 where {where('P06', '2021-W06', 'P06-01')}")
    failure = assert_fault(
        home, gate(home), "funds_ytd_decrease", "P06", "2021-W06", "P06-01", "funds_ytd_decrease"
    )
    assert failure.value == "2.0 -> 0.5"


@pytest.mark.parametrize(
    ("lead_id", "rule"),
    [
        ("ZZ-404", "lead_not_found"),
        (LEAD_ID, "lead_not_shared_to_unit"),
    ],
)
def test_ledger_lead_unknown(home: Home, lead_id: str, rule: str) -> None:
    execute(home, f"update {LEDGER} set lead_id = '{lead_id}' where {where('P03', '2021-W06', 'P03-01')}")
    failure = assert_fault(home, gate(home), "ledger_lead_unknown", "P03", "2021-W06", "P03-01", rule)
    assert failure.value == lead_id


def test_duplicate_project(home: Home) -> None:
    execute(
        home,
        f"update {LEDGER} t set project_name = s.project_name, investor = s.investor, "
        f"name_key = s.name_key from {LEDGER} s where s.unit_code = 'P04' "
        "and s.week_label = '2021-W07' and s.project_code = 'P04-02' and t.unit_code = 'P05' "
        "and t.week_label = '2021-W07' and t.project_code = 'P05-02'",
    )
    result = gate(home)
    assert_fault(home, result, "duplicate_projects", "P05", "2021-W07", "P05-02", "duplicate_project")
    assert_fault(home, result, "duplicate_projects", "P04", "2021-W07", "P04-02", "duplicate_project")


@pytest.mark.parametrize(
    ("sql", "rule", "value"),
    [
        (
            "delete from marts.district_month_indicators where year = 2021 and month = 2 "
            "and indicator = 'projects_started'",
            "indicator_missing:indicator",
            "projects_started",
        ),
        (
            "update marts.district_month_indicators set value = 1.5 where year = 2021 and month = 2 "
            "and indicator = 'share_out_of_city'",
            "ratio_range:value",
            "1.5",
        ),
    ],
    ids=["indicator_missing", "share_over_one"],
)
def test_district_indicators(home: Home, sql: str, rule: str, value: str) -> None:
    execute(home, sql)
    failure = assert_fault(home, gate(home), "district_indicators", None, None, None, rule)
    assert value in failure.value


def test_district_totals(home: Home) -> None:
    execute(
        home,
        "update marts.district_month_indicators set value = value + 1, "
        "completion = (value + 1) / target where year = 2021 and month = 2 "
        "and indicator = 'contract_amount_industrial'",
    )
    failure = assert_fault(home, gate(home), "district_totals", None, None, None, "district_sum")
    assert "contract_amount_industrial" in failure.message_zh


def remove_report(home: Home, unit: str, week: str) -> None:
    execute(
        home,
        *(
            f"delete from raw.{t} where {where(unit, week)}"
            for t in ("report_files", "ledger_rows", "lead_rows", "row_issues")
        ),
    )


def test_missing_report(home: Home) -> None:
    remove_report(home, "P06", "2021-W07")
    failure = assert_fault(home, gate(home), "missing_reports", "P06", "2021-W07", None, "missing_report")
    assert not failure.waived and "P06" in failure.message_zh


def test_waiver_lets_missing_report_through(home: Home, tmp_path) -> None:
    remove_report(home, "P06", "2021-W07")
    assert not gate(home, waivers={"P05": "无关单位"}).passed  # a waiver for another unit does not help
    result = gate(home, waivers={"P06": " 园区网络故障，已电话报告 "}, report_dir=tmp_path)
    assert result.passed, result.failure_table()
    check = result.check("missing_reports")
    assert check.passed and check.waived and check.failure_count == 1
    (failure,) = result.failures_of("missing_reports")
    assert failure.waived and "园区网络故障" in failure.message_zh
    assert result.waivers == {"P06": "园区网络故障，已电话报告"}
    saved = (tmp_path / "checks.json").read_text(encoding="utf-8")
    assert "园区网络故障，已电话报告" in saved and '"waived": true' in saved


def test_waiver_needs_reason_and_known_unit(home: Home) -> None:
    from expectations.gate import WaiverError

    with pytest.raises(WaiverError):
        gate(home, waivers={"P06": "  "})
    with pytest.raises(WaiverError):
        gate(home, waivers={"X99": "理由"})


def test_waiver_does_not_cover_other_checks(home: Home) -> None:
    resend_with(home, "2021-W06", "P06", "P06-01", investor=None)
    assert failed_blocking(gate(home, waivers={"P06": "理由"})) == {"ledger_row_rules"}
