"""A method that changes mid-history (issue 18): one warehouse scores 2021 under methods/2021.yml and
2022 under Method B of METHODS.md (methods/examples/method_b.yml, named for 2022 by the method register).
Each month is scored by its own year's method, and `scores`, `explain`, the receipts, `submit` and `report`
of a 2021 month and of a 2022 month each show their own items, with the totals of marts.score_totals.

By hand. P01, P02 and P03 report 2021-W12 (28 March 2021) and 2022-W02, W06, W12 (16 January, 13 February,
27 March 2022); 2021's projects leave the ledger at the new year, 2022's appear with it.

March 2021, methods/2021.yml, every unit's targets C 100, F 20, Q 2, M 1, R 0.5; each unit misses the 2021
weeks before W12 (more than 10), so -10 (the cap) each:
  P01: A1 60 亿 装备制造 上市公司 signed 20 Jan, landed 1 Mar, funds 12:
       C 40 × 0.6 = 24, F 30 × 0.6 = 18, Q 10 × 0.5 = 5, M 10 × 1 = 10, R 10 × min(1/0.5, 1.2) = 12
       → 69 − 10 = 59
  P02: B1 30 亿 其他 signed 10 Feb, not landed, funds 30:
       C 12, F 30 × min(1.5, 1.2) = 36, Q 0, M 0, R 0 → 48 − 10 = 38
  P03: C1 120 亿 世界500强 signed 5 Mar, landed 20 Mar, funds 4:
       C 40 × 1.2 = 48, F 30 × 0.2 = 6, Q 5, M 10, R 12 → 81 − 10 = 71
  ranks (平台): P03 1, P01 2, P02 3.
March 2022, Method B (targets amount 100, funds 100): the worked example of tests/methods/test_method_b.py a
year later: P01 tier 2 = 75, January and February without a report −2 → 73, rank 2; P02 r 1.2 but f 0.15 → 0,
rank 3; P03 tier 1 = 100, committee: 未制定工作方案 −5 → 95, rank 1.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assessment.register import METHODS_DIR
from tests.helpers.workbooks import week_path, write_report
from tests.methods import surfaces
from tests.methods.build import build, totals, write_entries
from tests.scoring.timeline import Project, ledger_at, sunday

METHODS = (
    ("2021.yml", (METHODS_DIR / "2021.yml").read_text("utf-8"), 2021, 2021),
    ("method_b.yml", (METHODS_DIR / "examples" / "method_b.yml").read_text("utf-8"), 2022, None),
)
pytestmark = pytest.mark.slow  # a real dbt build, then the real commands

d = date
OLD = {"leaves_on": d(2022, 1, 1)}  # 2021's projects leave the ledger at the new year
NEW = {"appears_on": d(2022, 1, 1)}
UNITS = {
    "P01": (
        ["2021-W12", "2022-W12"],
        [
            Project(
                "A1",
                amount=60,
                funds=12,
                signed_on=d(2021, 1, 20),
                landed_on=d(2021, 3, 1),
                investor_type="上市公司",
                **OLD,
            ),  # fmt: skip
            Project("A", amount=50, funds=15, signed_on=d(2022, 1, 20), **NEW),
            Project("B", amount=35, funds=10, signed_on=d(2022, 3, 2), **NEW),
        ],
    ),
    "P02": (
        ["2021-W12", "2022-W02", "2022-W06", "2022-W12"],
        [
            Project("B1", amount=30, funds=30, signed_on=d(2021, 2, 10), **OLD),
            Project("C", amount=120, funds=15, signed_on=d(2022, 1, 5), **NEW),
        ],
    ),
    "P03": (
        ["2021-W12", "2022-W02", "2022-W06", "2022-W12"],
        [
            Project(
                "C1",
                amount=120,
                funds=4,
                signed_on=d(2021, 3, 5),
                landed_on=d(2021, 3, 20),
                investor_type="世界500强",
                **OLD,
            ),  # fmt: skip
            Project("D", amount=60, funds=12, signed_on=d(2022, 1, 4), **NEW),
            Project("E", amount=40, funds=8, signed_on=d(2022, 2, 1), **NEW),
        ],
    ),
}
HAND = {
    (2021, 3): {"P01": (59.0, 2), "P02": (38.0, 3), "P03": (71.0, 1)},
    (2022, 3): {"P01": (73.0, 2), "P02": (0.0, 3), "P03": (95.0, 1)},
}
ITEMS = {(2021, 3): ["C", "F", "Q", "M", "R"], (2022, 3): ["B1"]}  # the indicators, in the method's order


def write_inbox(inbox: Path) -> None:
    for unit, (weeks, projects) in UNITS.items():
        for week in weeks:
            write_report(week_path(inbox, week, unit), ledger_at(projects, sunday(week)))
    write_entries(
        inbox, "2022-03", "委员会记录", [("P03", "no_work_plan", 1, None, "考核办", "一季度检查未见工作方案")]
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("mixed_history"),
        METHODS,
        "year,unit_code,target_C,target_F,target_Q,target_M,target_R,target_B1_r,target_B1_f",
        [f"2021,{u},100,20,2,1,0.5,," for u in UNITS] + [f"2022,{u},,,,,,100,100" for u in UNITS],
        write_inbox,
    )


@pytest.mark.parametrize("year,month", sorted(HAND))
def test_each_month_is_scored_by_its_years_method(warehouse, year, month):
    got = totals(warehouse, year, month)
    assert {r["method_code"] for r in got.values()} == {"2021" if year == 2021 else "B"}
    assert {u: (round(r["total_score"], 2), r["rank_in_group"]) for u, r in got.items()} == HAND[
        (year, month)
    ]


@pytest.mark.parametrize("year,month", sorted(HAND))
def test_every_surface_shows_its_years_items(warehouse, tmp_path, year, month):
    """`scores` (terminal, CSV, XLSX), `explain`, the receipts, `submit` and `report` (Chromium, pdftotext)
    of the month show its year's method's items and the marts' totals, and none of the other method's."""
    home = surfaces.copy_of(warehouse, tmp_path)
    want = surfaces.expected(warehouse, year, month)
    indicators = [c["item_code"] for c in want["columns"] if c["kind"] in ("indicator", "manual")]
    assert indicators == ITEMS[(year, month)]
    surfaces.check_scores_csv_and_xlsx(home, want, year, month, tmp_path)
    other = (year, month) == (2021, 3) and "目标完成得分" or "协议引资额得分"
    shown = surfaces.zhaoshang(home, "scores", "--month", f"{year}-{month:02d}").stdout
    assert other not in shown, shown
    surfaces.check_explain(home, want, year, month)
    assert surfaces.check_receipts(home, want, year, month) == 3  # P01, P02 and P03 reported the month's W12
    surfaces.check_submission(home, want, year, month)
    surfaces.check_report(home, want, year, month)
