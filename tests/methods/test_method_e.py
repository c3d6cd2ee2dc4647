"""Method E of METHODS.md (deductions inside items, growth, rank points, grades, veto): December 2022.

Hand-computed table of METHODS.md (U1 = P01, U2 = P02, U3 = P03; amounts 亿元):
  unit growth             E1    shortfalls E2    overdue/fraud E3    signed rank E4    bonus   total grade
  U1   33/30 - 1 = 10 %   30.00 0 + 0 + 0  30.00 1 / 0         16.00 120    2    16.00 2       94.00 优秀
  U2   27/20 - 1 = 35 %   36.00 1 + 1 + 0  20.00 0 / 0         20.00 150    1    20.00 6 (cap) 102.00 不合格*
  U3   18/20 - 1 = -10 %  0.00  4 + 2 + 1  0.00  3 / 1         0.00  30     3    12.00 0       12.00 不合格
E1 = 30 x min(growth / 0.10, 1.2), not below 0; E2 = 30 - 5 x the shortfalls against 4 (3-10 亿),
2 (10-20 亿), 1 (>= 20 亿), not below 0; E3 = 20 - 4 x overdue - 10 x 弄虚作假, not below 0;
E4 = 20 - 4 x (place - 1). Ranks by total: U2 1, U1 2, U3 3. 30 % of 3 rounds down to 0 -> one 优秀 place;
U2 is vetoed (*) -> U1 (94 >= 90).

The inbox: weekly reports of 2021-W50 (funds_ytd a year earlier) and 2022-W50, and the committee's entries of
2022-12. U1's 60 亿 project was signed in February but has started, so it is not overdue; its other projects
were signed after July.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.helpers.workbooks import ledger_row, week_path, write_report
from tests.methods.build import build, points, totals, write_entries

METHOD = (Path(__file__).resolve().parents[2] / "methods" / "examples" / "method_e.yml").read_text("utf-8")
pytestmark = pytest.mark.slow  # a real dbt build (the formulas' dbt unit tests run in every build)

d = date


def signed(code: str, amount: float, on: date, funds: float | None = None, **more) -> dict:
    """A project signed on `on` (write_inbox prefixes its code with the unit's)."""
    return ledger_row(
        project_code=code,
        stage=more.pop("stage", "签约"),
        contract_amount=amount,
        signed_on=on,
        funds_ytd=funds,
        **more,
    )


LEDGERS_2022 = {
    "P01": [
        signed("A1", 6, d(2022, 3, 1)),  # signed 305 days before 31 December, not started: overdue
        *(signed(f"A{i}", 6, d(2022, 8, i)) for i in range(2, 6)),
        signed("B1", 15, d(2022, 9, 1)),
        signed("B2", 15, d(2022, 9, 2)),
        signed(
            "C1",
            60,
            d(2022, 2, 1),
            funds=33,
            stage="开工",
            landed_on=d(2022, 3, 1),
            started_on=d(2022, 4, 1),
        ),
    ],
    "P02": [
        *(signed(f"A{i}", 5, d(2022, 8, i)) for i in range(1, 4)),
        signed("B1", 15, d(2022, 9, 1)),
        signed("C1", 120, d(2022, 10, 1), funds=27),
    ],
    "P03": [
        signed("O1", 2, d(2022, 3, 1)),  # three signed before July, not started: overdue
        signed("O2", 2, d(2022, 4, 1)),
        signed("O3", 2, d(2022, 5, 1), funds=18),
        *(signed(f"N{i}", 2, d(2022, 8, i)) for i in range(1, 13)),
    ],
}
FUNDS_2021 = {"P01": 30, "P02": 20, "P03": 20}


def own(unit: str, rows: list[dict]) -> list[dict]:
    """The unit's rows under codes, names and investors of its own (equal ones are cross-unit duplicates)."""
    out = []
    for row in rows:
        code = f"{unit}-{row['project_code']}"
        out.append({**row, "project_code": code, "project_name": f"项目{code}", "investor": f"投资方{code}"})
    return out


def write_inbox(inbox: Path) -> None:
    for unit, funds in FUNDS_2021.items():
        # the previous year's ledger: one project started in 2021 with the year's funds
        row = signed(
            "L21",
            1,
            d(2021, 1, 10),
            funds=funds,
            stage="开工",
            landed_on=d(2021, 2, 1),
            started_on=d(2021, 3, 1),
        )
        write_report(week_path(inbox, "2021-W50", unit), own(unit, [row]))
    for unit, ledger in LEDGERS_2022.items():
        write_report(week_path(inbox, "2022-W50", unit), own(unit, ledger))
    write_entries(
        inbox,
        "2022-12",
        "考核委员会记录",
        [
            ("P01", "provincial_key", 1, None, "考核委员会", "省重点项目1个"),
            ("P02", "provincial_key", 4, None, "考核委员会", "省重点项目4个"),
            ("P02", "veto", 1, None, "考核委员会", "发生安全事故，一票否决"),
            ("P03", "fraud", 1, None, "考核委员会", "报送数据弄虚作假1起"),
        ],
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build(tmp_path_factory.mktemp("method_e"), METHOD, "year,unit_code", [], write_inbox)


EXPECTED = {
    # unit: E1, E2, E3, E4, bonus, total, rank, grade
    "P01": (30.00, 30.00, 16.00, 16.00, 2, 94.00, 2, "优秀"),
    "P02": (36.00, 20.00, 20.00, 20.00, 6, 102.00, 1, "不合格"),
    "P03": (0.00, 0.00, 0.00, 12.00, 0, 12.00, 3, "不合格"),
}


@pytest.mark.parametrize("unit", sorted(EXPECTED))
def test_worked_example(warehouse, unit):
    e1, e2, e3, e4, bonus, total, rank, grade = EXPECTED[unit]
    got = points(warehouse, unit, 2022, 12)
    items = {code: round(got[(code, None, "item")], 2) for code in ("E1", "E2", "E3", "E4")}
    assert items == {"E1": e1, "E2": e2, "E3": e3, "E4": e4}
    row = totals(warehouse, 2022, 12)[unit]
    assert round(row["bonus"], 2) == bonus
    assert round(row["total_score"], 2) == total
    assert row["rank_in_group"] == rank
    assert row["grade_zh"] == grade
    assert row["is_vetoed"] is (unit == "P02")


def test_bonus_cap_and_the_veto_keep_total_and_rank(warehouse):
    got = totals(warehouse, 2022, 12)
    # U2: 4 省重点项目 x 2 = 8, capped at 6; vetoed, yet its total 102 and first place stand
    assert points(warehouse, "P02", 2022, 12)[("provincial_key", None, "item")] == pytest.approx(6)
    assert (got["P02"]["total_score"], got["P02"]["rank_in_group"]) == (pytest.approx(102), 1)
    assert "一票否决" in got["P02"]["grade_reason_zh"]
    # the one 优秀 place (30 % of 3 rounds down to 0, at least 1) goes to U1, the first not vetoed
    assert "名额 1 个" in got["P01"]["grade_reason_zh"]
    assert got["P03"]["grade_reason_zh"] == "总分 12 < 60：不合格"
