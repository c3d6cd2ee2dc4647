"""A sixth indicator, K 科创类项目签约数, added to a copy of the 2021 method by editing only the method file
(a measure, an indicator, total_points 110) and the targets (a target_K column) — no SQL, no Python.

P01 = SPEC 3's platform X (targets C 100, F 20, Q 1, M 0, R 0.5) plus K: target 2; (a) and (b) are 科创类.
It reports every week 2020-W53 .. 2021-W12 (no deduction, no lead). March:
  pool 40 + 30 + 10 + 10 + 10 + 10 = 110; M does not apply -> applicable 100, scale 110/100 = 1.1
  C 40 x 1.1 x 1.2 = 52.8; F 30 x 1.1 x 0.75 = 24.75; Q 10 x 1.1 x 1.2 = 13.2;
  R 10 x 1.1 x (1/3)/0.5 = 7.3333;
  K = 2 (a, b) / 2 -> 10 x 1.1 x 1.0 = 11.  Base = total = 109.0833.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assessment.register import METHODS_DIR
from tests.helpers.workbooks import week_path, write_report
from tests.methods.build import build, points, totals
from tests.scoring.timeline import Project, ledger_at, sunday, weeks

pytestmark = pytest.mark.slow  # a real dbt build (the formulas' dbt unit tests run in every build)

d = date
SIXTH = """
  sci_tech_signed:
    label_zh: 期内签约科创类项目数
    from: projects
    count: projects
    where: {signed_in_period: true, sci_tech: true}
"""
K = """
  K:
    label_zh: 科创类项目签约数
    points: 10
    measure: sci_tech_signed
    target: targets
    formula: ratio_to_target
    cap: 1.2
"""


def method_with_k() -> str:
    text = (METHODS_DIR / "2021.yml").read_text(encoding="utf-8")
    text = text.replace("total_points: 100 ", "total_points: 110 ")
    text = text.replace("\nmeasures:\n", "\nmeasures:" + SIXTH, 1)
    return text.replace("\nindicators:\n", "\nindicators:" + K, 1)


PROJECTS = [
    Project(
        "A",
        investor_type="世界500强",
        amount=80,
        funds=12,
        signed_on=d(2021, 2, 2),
        landed_on=d(2021, 3, 10),
        sci_tech="是",
    ),
    Project("B", industry="材料", amount=50, funds=3, signed_on=d(2021, 3, 5), sci_tech="是"),
    Project("C", industry="其他", investor_type="上市公司", amount=30, funds=5, signed_on=d(2021, 1, 10)),
]


def write_inbox(inbox: Path) -> None:
    for week in weeks("2020-W53", "2021-W12"):
        write_report(week_path(inbox, week, "P01"), ledger_at(PROJECTS, sunday(week)))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("sixth"),
        method_with_k(),
        "year,unit_code,target_C,target_F,target_Q,target_M,target_R,target_K",
        ["2021,P01,100,20,1,0,0.5,2"],
        write_inbox,
    )


def test_sixth_indicator_is_scored(warehouse):
    got = points(warehouse, "P01", 2021, 3)
    assert got[("K", None, "item")] == pytest.approx(11)
    assert got[("C", None, "item")] == pytest.approx(52.8)
    assert got[("F", None, "item")] == pytest.approx(24.75)
    assert got[("Q", None, "item")] == pytest.approx(13.2)
    assert got[("R", None, "item")] == pytest.approx(7.3333, abs=0.0001)
    assert got[("M", None, "item")] is None
    assert totals(warehouse, 2021, 3)["P01"]["total_score"] == pytest.approx(109.0833, abs=0.0001)
