"""Method C of METHODS.md (efficacy coefficient among the group of four), scored at March 2021.

  unit  funds_ytd coefficient  signed coefficient  C1 = 30 x (0.5 a + 0.5 b) / 100     rank
  U1=P01   10        100          5       100      30.00                                1
  U2=P02    6         80          5       100      27.00                                2
  U3=P03    4         70          1        60      19.50                                4
  U4=P04    2         60          3        80      21.00                                3
(funds: 60 + 40 x (v - 2) / 8; signed: 60 + 40 x (v - 1) / 4). A 2020 signing does not count as signed.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assessment.register import METHODS_DIR
from tests.helpers.workbooks import week_path, write_report
from tests.methods.build import build, points, totals
from tests.scoring.timeline import Project, ledger_at, sunday

METHOD = (METHODS_DIR / "examples" / "method_c.yml").read_text("utf-8")
pytestmark = pytest.mark.slow  # a real dbt build (the formulas' dbt unit tests run in every build)

d = date
FIGURES = {"P01": (10, 5), "P02": (6, 5), "P03": (4, 1), "P04": (2, 3)}


def projects(unit: str, funds: float, signed: int) -> list[Project]:
    out = [Project(f"{unit}S{i}", amount=1, signed_on=d(2021, 2, 1 + i)) for i in range(signed)]
    out.append(Project(f"{unit}F", funds=funds, amount=2, signed_on=d(2020, 6, 1)))
    return out


def write_inbox(inbox: Path) -> None:
    for unit, (funds, signed) in FIGURES.items():
        write_report(
            week_path(inbox, "2021-W12", unit), ledger_at(projects(unit, funds, signed), sunday("2021-W12"))
        )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build(tmp_path_factory.mktemp("method_c"), METHOD, "year,unit_code", [], write_inbox)


def test_worked_example(warehouse):
    got = totals(warehouse, 2021, 3)
    assert {u: round(r["total_score"], 2) for u, r in got.items()} == {
        "P01": 30.0,
        "P02": 27.0,
        "P03": 19.5,
        "P04": 21.0,
    }
    assert {u: r["rank_in_group"] for u, r in got.items()} == {"P01": 1, "P02": 2, "P03": 4, "P04": 3}
    assert points(warehouse, "P03", 2021, 3)[("C1", None, "item")] == pytest.approx(19.5)
