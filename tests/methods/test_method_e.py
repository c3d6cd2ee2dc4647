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

from assessment.register import METHODS_DIR
from tests.helpers.workbooks import ledger_row, week_path, write_report
from tests.methods.build import build, points, totals, write_entries

METHOD = (METHODS_DIR / "examples" / "method_e.yml").read_text("utf-8")
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


def test_explain_prints_each_new_formula_with_what_is_behind_it(warehouse, capsys):
    """`zhaoshang explain`: growth with both years' projects, the shortfalls, each deduction event, the
    group's places, the grade and its reason, the veto's entry."""
    from zhaoshang.cli import main

    home = str(warehouse.parent)
    assert main(["explain", "--home", home, "--unit", "P01", "--month", "2022-12"]) == 0
    out = capsys.readouterr().out
    assert "总分 94 = 基础分 92 + 加分 2 − 减分 0；全体单位第 2 名" in out
    assert (
        "考核等次：优秀（总分 94 ≥ 90，优秀名额 1 个（3 个单位 × 30% 向下取整，至少 1 个），"
        "未被否决的单位中按总分排第 1 位）"
    ) in out
    assert "E1 实际到位资金增长：+30 分 = 30 × min(0.1 ÷ 0.1, 1.2)，不低于 0" in out
    growth = out.split("E1 实际到位资金增长")[1].split("E2 重大项目")[0]
    assert "同比增速 = 本期值 ÷ 上年同期值 − 1；上年同期为0或无数据时取 0" in growth
    this_year, last_year = growth.split("上年同期（2021年12月）：")
    assert "P01-C1" in this_year and "本年到位资金 33 亿元" in this_year
    assert "P01-L21" in last_year and "本年到位资金 30 亿元" in last_year
    assert (
        "E2 重大项目：+30 分 = 30 − 5 × 差额合计 0（"
        "期内签约3亿元以上、不足10亿元的项目数 最低 4、实有 5、差 0；"
    ) in out
    assert (
        "E3 项目推进：+16 分 = 20 − 10 × 0（弄虚作假（委员会记录）） − 4 × 1（签约超过180天仍未开工的项目数）"
        " = 16，不低于 0"
    ) in out
    e3 = out.split("E3 项目推进")[1].split("E4 签约额排名")[0]
    overdue = [line for line in e3.splitlines() if "· P01-" in line]
    assert len(overdue) == 1 and "P01-A1" in overdue[0] and "签约 2022-03-01" in overdue[0]
    assert "E4 签约额排名：+16 分 = 组内第 2 名（共 3 个单位" in out
    assert "组内名次（同值同名次）：第1名 P02 150；第2名 P01 120；第3名 P03 30" in out

    assert main(["explain", "--home", home, "--unit", "P03", "--month", "2022-12"]) == 0
    out = capsys.readouterr().out
    assert (
        "20 − 10 × 1（弄虚作假（委员会记录）） − 4 × 3（签约超过180天仍未开工的项目数） = -2，不低于 0" in out
    )
    assert "考核委员会 录入 fraud = 1：报送数据弄虚作假1起" in out
    assert "考核等次：不合格（总分 12 < 60：不合格）" in out

    assert main(["explain", "--home", home, "--unit", "P02", "--month", "2022-12"]) == 0
    out = capsys.readouterr().out
    assert "全体单位第 1 名" in out
    assert "考核等次：不合格（一票否决：委员会记录的一票否决事项，定为不合格，总分和名次不变）" in out
    assert "考核委员会 录入 veto = 1：发生安全事故，一票否决" in out
    assert "省重点项目加分：+6 分 = 每项 2 分 × 4，封顶 6 分" in out


def test_bulletin_shows_the_grades(warehouse):
    import duckdb

    from bulletin.content import gather
    from bulletin.render import render_html

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        b = gather(con, 2022, 12)
    finally:
        con.close()
    assert b.has_grades
    assert [(s.unit_code, s.rank, s.grade) for s in b.standings] == [
        ("P02", 1, "不合格"),
        ("P01", 2, "优秀"),
        ("P03", 3, "不合格"),
    ]
    html = render_html(b)
    assert "<th>等次</th>" in html and '<td class="grade">优秀</td>' in html
    assert "考核等次 <strong>不合格</strong>（一票否决：" in html
