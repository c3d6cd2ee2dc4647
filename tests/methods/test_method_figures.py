"""The figures shown to units and the committee are the ones of the method scoring the year (issue 18).

A copy of methods/2021.yml whose late-feedback measure says `feedback_later_than_days: 21` (instead of 7)
and whose major-project count says `contract_amount: {at_least: 30}` (instead of 50) scores 2021. P01 signs
P01-B, 40 亿 装备制造, on 2021-02-03 (reported in 2021-W06): a major project under this method (40 >= 30), so
the district's 重大项目 of February counts 1 (0 under the shipped method), as P01's M does.
P02 shares lead L1 with P01 on Monday 2021-02-01 (week 2021-W05); P01 never answers it. By hand:
the deadline is 2021-02-01 + 21 days = 2021-02-22 (with the shipped method it would be 2021-02-08).
`zhaoshang template --week 2021-W07` for P01 then says "共享后21日内" in the header comment of 反馈日期 and
under 待反馈线索, with the due date 2021-02-22; the receipts of P01's weeks list L1 due 2021-02-22.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from assessment.register import METHODS_DIR
from tests.helpers.workbooks import ledger_row, week_path, write_report
from tests.methods.build import build
from tests.methods.surfaces import copy_of, zhaoshang
from tests.scoring.conftest import query

SHIPPED = (METHODS_DIR / "2021.yml").read_text("utf-8")
assert SHIPPED.count("feedback_later_than_days: 7}") == 1
assert SHIPPED.count("contract_amount: {at_least: 50}}") == 1
METHOD = SHIPPED.replace("feedback_later_than_days: 7}", "feedback_later_than_days: 21}").replace(
    "contract_amount: {at_least: 50}}", "contract_amount: {at_least: 30}}"
)
pytestmark = pytest.mark.slow  # a real dbt build

LEAD = {
    "lead_id": "L1",
    "project_name": "线索甲项目",
    "investor": "线索甲投资有限公司",
    "to_unit": "P01",
    "shared_on": date(2021, 2, 1),
}
DUE = date(2021, 2, 22)


def write_inbox(inbox: Path) -> None:
    talks = ledger_row(project_code="P01-A", stage="在谈")
    major = ledger_row(project_code="P01-B", stage="签约", contract_amount=40, signed_on=date(2021, 2, 3))
    write_report(week_path(inbox, "2021-W05", "P01"), [talks])
    write_report(week_path(inbox, "2021-W06", "P01"), [talks, major])
    write_report(week_path(inbox, "2021-W05", "P02"), [ledger_row(project_code="P02-A")], [LEAD])


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("feedback_21"),
        METHOD,
        "year,unit_code,target_C,target_F,target_Q,target_M,target_R",
        ["2021,P01,10,10,1,1,0.5", "2021,P02,10,10,1,1,0.5"],
        write_inbox,
    )


def test_the_marts_carry_the_methods_figures(warehouse):
    assert query(
        warehouse,
        "select feedback_days, major_project_threshold from marts.score_methods where method_code = '2021'",
    ) == [{"feedback_days": 21, "major_project_threshold": 30.0}]
    due = query(warehouse, "select distinct feedback_due_on from marts.fct_leads where lead_id = 'L1'")
    assert due == [{"feedback_due_on": DUE}]


def test_the_template_tells_the_methods_deadline(warehouse, tmp_path):
    home = copy_of(warehouse, tmp_path)
    out = tmp_path / "templates"
    proc = zhaoshang(home, "template", "--week", "2021-W07", "--unit", "P01", "--out", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    book = openpyxl.load_workbook(out / "2021-W07" / "P01.xlsx")
    ledger = book["项目台账"]
    (feedback,) = [c for c in ledger[1] if c.value == "反馈日期"]
    assert "应在共享后21日内" in feedback.comment.text, feedback.comment.text
    awaited = [[c for c in row] for row in book["待反馈线索"].iter_rows(values_only=True)]
    assert awaited[1][0] == "L1" and awaited[1][5].date() == DUE, awaited
    text = "\n".join(str(c) for row in awaited for c in row if c is not None)
    assert "共享后21日内" in text and "共享后7日内" not in text, text


def test_the_receipts_tell_the_methods_deadline(warehouse, tmp_path):
    from unit_workbooks.receipt import write_pending_receipts

    home = copy_of(warehouse, tmp_path)
    written = {(r.folder, r.unit): r.path for r in write_pending_receipts(home.warehouse, home.root)}
    for week in ("2021-W05", "2021-W06"):
        book = openpyxl.load_workbook(written[(week, "P01")])
        lines = {r[0]: r[1] for r in book["回执"].iter_rows(min_row=2, values_only=True) if r[0] is not None}
        assert (
            lines["待反馈线索"] == f"1 条，最早截止 {DUE.isoformat()}（共享后21日内反馈）（见“待反馈线索”表）"
        )
        rows = list(book["待反馈线索"].iter_rows(min_row=2, values_only=True))
        assert [(r[0], r[4].date(), r[5].date()) for r in rows] == [("L1", date(2021, 2, 1), DUE)]


def test_the_districts_major_projects_follow_the_methods_threshold(warehouse):
    """February 2021: P01-B (40 亿, signed 3 February) is the one major project (district and P01's M)."""
    district = query(
        warehouse,
        "select value from marts.district_month_indicators "
        "where year = 2021 and month = 2 and indicator = 'major_projects'",
    )
    assert district == [{"value": 1.0}]
    m = query(
        warehouse,
        "select value from marts.score_points where year = 2021 and month = 2 and unit_code = 'P01' "
        "and item_code = 'M'",
    )
    assert m == [{"value": 1.0}]
