"""Row-level rule violations (SPEC 2.1/2.2): the rows are loaded (NULL where unreadable) and each
violation is recorded in raw.row_issues: rule, column as written, raw value and expectation."""

from __future__ import annotations

from datetime import date
from typing import Any

from basics.home import Home
from ingestion.pipeline import ingest_inbox
from tests.helpers.workbooks import ledger_row, week_path, write_report
from tests.ingestion.reports import WEEK, lead
from tests.ingestion.views import rows, scalar


def _issues(home: Home) -> set[tuple[Any, ...]]:
    return {
        (r["sheet"], r["row_number"], r["column_name"], r["rule"], r["value"])
        for r in rows(home, "select * from raw.row_issues")
    }


def test_ledger_row_violations_are_loaded_and_flagged(home: Home) -> None:
    ledger = [
        ledger_row(project_code="A1", stage="签约", contract_amount=5, signed_on=date(2021, 1, 5)),  # valid
        ledger_row(
            project_code="A2",
            project_name="",
            investor_type="外企",
            industry="火星",
            origin="外星",
            is_sci_tech="也许",
            stage="签约",
        ),  # missing name, bad enums, no amount/date for 签约
        ledger_row(
            project_code="A3",
            stage="落地",
            contract_amount="十亿",
            funds_ytd=-2,
            land_mu="12,000.5",
            signed_on="2021-13-45",
            landed_on=date(2021, 1, 2),
        ),
        ledger_row(project_code="A1", stage="在谈"),  # duplicate code
        ledger_row(
            project_code=None,
            stage="达产",
            contract_amount=1,
            signed_on=date(2021, 1, 10),
            landed_on=date(2021, 1, 5),
            started_on=date(2021, 1, 20),
            producing_on=date(2021, 1, 15),
        ),
        ledger_row(project_code="A6", stage="阶段X"),
    ]
    write_report(week_path(home.inbox, WEEK, "P01"), ledger)

    report = ingest_inbox(home)

    assert report.rejected == [] and report.ledger_rows == 6
    s = "项目台账"
    expected = {
        (s, 3, "项目名称", "required", None),
        (s, 3, "企业类型", "enum", "外企"),
        (s, 3, "产业类别", "enum", "火星"),
        (s, 3, "来源地", "enum", "外星"),
        (s, 3, "科创类", "enum", "也许"),
        (s, 3, "协议引资额(亿元)", "required_for_stage", None),
        (s, 3, "签约日期", "required_for_stage", None),
        (s, 4, "协议引资额(亿元)", "number", "十亿"),
        (s, 4, "本年实际到位资金(亿元)", "not_negative", "-2"),
        (s, 4, "签约日期", "date", "2021-13-45"),
        (s, 5, "项目编号", "unique", "A1"),
        (s, 6, "项目编号", "required", None),
        (s, 6, "落地日期", "date_order", "2021-01-05"),
        (s, 6, "达产日期", "date_order", "2021-01-15"),
        (s, 7, "项目阶段", "enum", "阶段X"),
    }
    assert _issues(home) == expected
    assert report.row_issues == len(expected)
    loaded = {r["row_number"]: r for r in rows(home, "select * from raw.ledger_rows")}
    assert loaded[3]["industry"] is None and loaded[3]["is_sci_tech"] is None
    assert loaded[3]["stage"] == "signed"
    assert loaded[4]["contract_amount"] is None and loaded[4]["signed_on"] is None
    assert loaded[4]["funds_ytd"] == -2.0 and loaded[4]["land_mu"] == 12000.5  # readable values stay
    assert loaded[6]["project_code"] is None and loaded[7]["stage"] is None
    [unique] = rows(home, "select * from raw.row_issues where rule = 'unique'")
    assert unique["project_code"] == "A1" and "第2行" in unique["expected_zh"]
    assert "row 2" in unique["expected_en"]
    [enum] = rows(home, "select * from raw.row_issues where column_name = '产业类别'")
    assert "装备制造" in enum["expected_zh"] and enum["project_code"] == "A2"


def test_issue_column_is_the_header_as_the_unit_wrote_it(home: Home) -> None:
    write_report(
        week_path(home.inbox, WEEK, "P01"),
        [ledger_row(project_code="A1", stage="签约", contract_amount=-10_000, signed_on=date(2021, 1, 1))],
        headers={"contract_amount": "協議引資額（萬元）"},
    )
    ingest_inbox(home)
    assert _issues(home) == {("项目台账", 2, "協議引資額（萬元）", "not_negative", "-10000")}
    assert scalar(home, "select contract_amount from raw.ledger_rows") == -1.0


def test_an_absent_optional_column_reads_as_empty(home: Home) -> None:
    # no 签约日期 / 协议引资额 columns at all: the 签约 row breaks its stage rules, the file is accepted
    write_report(week_path(home.inbox, WEEK, "P01"), [ledger_row(project_code="A1", stage="签约")])
    report = ingest_inbox(home)
    assert len(report.accepted) == 1
    assert _issues(home) == {
        ("项目台账", 2, "协议引资额(亿元)", "required_for_stage", None),
        ("项目台账", 2, "签约日期", "required_for_stage", None),
    }


def test_lead_sheet_violations_are_loaded_and_flagged(home: Home) -> None:
    leads = [
        lead("P01-L1", "P02"),  # valid
        lead("P01-L2", "X99"),  # unknown receiver
        lead("P01-L3", "P01"),  # shared with itself
        lead("P01-L4", "P03", shared_on=date(2021, 2, 8)),  # the Monday after the report week
        lead("P01-L1", "P04"),  # duplicate id in the file
        lead("P01-L6", None, project_name=None, shared_on="昨天"),
        lead(None, "德感工业园"),  # receiver by its Chinese name: P02
    ]
    write_report(week_path(home.inbox, WEEK, "P01"), [ledger_row(project_code="A1")], leads)

    report = ingest_inbox(home)

    assert report.lead_rows == 7 and report.rejected == []
    s = "线索共享"
    assert _issues(home) == {
        (s, 3, "接收单位", "unknown_unit", "X99"),
        (s, 4, "接收单位", "self_share", "P01"),
        (s, 5, "共享日期", "after_week", "2021-02-08"),
        (s, 6, "线索编号", "unique", "P01-L1"),
        (s, 7, "接收单位", "required", None),
        (s, 7, "项目名称", "required", None),
        (s, 7, "共享日期", "date", "昨天"),
        (s, 8, "线索编号", "required", None),
    }
    loaded = {r["row_number"]: r for r in rows(home, "select * from raw.lead_rows")}
    assert loaded[2]["to_unit"] == "P02" and loaded[2]["shared_on"] == date(2021, 2, 2)
    assert loaded[3]["to_unit"] is None and loaded[4]["to_unit"] == "P01" and loaded[8]["to_unit"] == "P02"
    assert all(r["unit_code"] == "P01" for r in loaded.values())
