"""Method B of METHODS.md (tiers of completion, deductions per missing month and committee flags).

Scored at March 2021 (reports up to 2021-W12, 28 March; targets: amount 100, funds 100 for every unit):
  U1 = P01: r = 85/100 = 0.85, f = 25/100 = 0.25 -> tier 2, 75; reported only in March: January and February
        without any report -> -2; total 73, rank 2
  U2 = P02: r = 120/100 = 1.20, f = 15/100 = 0.15 -> no tier (f < 0.2), 0; total 0, rank 3
  U3 = P03: r = 100/100 = 1.00, f = 20/100 = 0.20 -> tier 1 (boundaries inclusive), 100; the committee
        recorded 未制定工作方案 -> -5; total 95, rank 1
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assessment.register import METHODS_DIR
from tests.helpers.workbooks import week_path, write_report
from tests.methods.build import build, points, totals, write_entries
from tests.scoring.timeline import Project, ledger_at, sunday

METHOD = (METHODS_DIR / "examples" / "method_b.yml").read_text("utf-8")
pytestmark = pytest.mark.slow  # a real dbt build (the formulas' dbt unit tests run in every build)

d = date

UNITS = {
    "P01": (
        ["2021-W12"],
        [
            Project("A", amount=50, funds=15, signed_on=d(2021, 1, 20)),
            Project("B", amount=35, funds=10, signed_on=d(2021, 3, 2)),
        ],
    ),
    "P02": (
        ["2021-W02", "2021-W06", "2021-W12"],
        [Project("C", amount=120, funds=15, signed_on=d(2021, 1, 5))],
    ),
    "P03": (
        ["2021-W02", "2021-W06", "2021-W12"],
        [
            Project("D", amount=60, funds=12, signed_on=d(2021, 1, 4)),
            Project("E", amount=40, funds=8, signed_on=d(2021, 2, 1)),
        ],
    ),
}


def write_inbox(inbox: Path) -> None:
    for unit, (weeks, projects) in UNITS.items():
        for week in weeks:
            write_report(week_path(inbox, week, unit), ledger_at(projects, sunday(week)))
    write_entries(
        inbox, "2021-03", "委员会记录", [("P03", "no_work_plan", 1, None, "考核办", "一季度检查未见工作方案")]
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("method_b"),
        METHOD,
        "year,unit_code,target_B1_r,target_B1_f",
        ["2021,P01,100,100", "2021,P02,100,100", "2021,P03,100,100"],
        write_inbox,
    )


def test_worked_example(warehouse):
    got = totals(warehouse, 2021, 3)
    assert {u: round(r["total_score"], 2) for u, r in got.items()} == {"P01": 73.0, "P02": 0.0, "P03": 95.0}
    assert {u: r["rank_in_group"] for u, r in got.items()} == {"P01": 2, "P02": 3, "P03": 1}
    u1 = points(warehouse, "P01", 2021, 3)
    assert u1[("B1", None, "item")] == pytest.approx(75)
    assert u1[("missing_month", "2021-01", "event")] == pytest.approx(-1)
    assert u1[("missing_month", "2021-02", "event")] == pytest.approx(-1)
    assert points(warehouse, "P02", 2021, 3)[("B1", None, "item")] == pytest.approx(0)
    u3 = points(warehouse, "P03", 2021, 3)
    assert u3[("B1", None, "item")] == pytest.approx(100)
    assert [v for (item, _, _), v in u3.items() if item == "work_plan"] == [pytest.approx(-5)]


def test_every_surface_shows_method_b(warehouse, tmp_path):
    """`scores` (terminal, CSV, XLSX), `explain` and the receipts show Method B's items and the marts' totals;
    P01's row by hand: B1 tier 2 = 75, two months without a report -2 (a deduction item is negative, the
    deductions total positive), total 73, rank 2."""
    import csv

    from tests.methods import surfaces

    home = surfaces.copy_of(warehouse, tmp_path)
    want = surfaces.expected(warehouse, 2021, 3)
    assert [c["item_code"] for c in want["columns"]] == [
        "B1",
        "missing_month",
        "work_plan",
        "year_summary",
    ]
    surfaces.check_scores_csv_and_xlsx(home, want, 2021, 3, tmp_path)
    p01 = next(
        r for r in csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8-sig")) if r["单位编号"] == "P01"
    )
    assert [p01[h] for h in ("目标完成得分", "整月未报送周报（减分）", "未制定工作方案（减分）")] == [
        "75.0",
        "-2.0",
        "0.0",
    ]
    assert (p01["基础得分"], p01["减分"], p01["总分"], p01["组内排名"]) == ("75.0", "2.0", "73.0", "2")
    surfaces.check_explain(home, want, 2021, 3)
    assert surfaces.check_receipts(home, want, 2021, 3) == 3  # P01, P02 and P03 reported 2021-W12


def test_report_shows_method_b(warehouse, tmp_path):
    """`zhaoshang report`: the HTML in headless Chromium and the PDF's text show every unit with its total and
    every item label of Method B."""
    from tests.methods import surfaces

    home = surfaces.copy_of(warehouse, tmp_path)
    surfaces.check_report(home, surfaces.expected(warehouse, 2021, 3), 2021, 3)
