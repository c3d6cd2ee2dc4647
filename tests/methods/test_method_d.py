"""Method D of METHODS.md (quarterly, per-project bonuses with caps): U1 = P01 in Q2 2021 (the June row).

Targets: 5 亿元 projects a quarter, funds 20; lead industries 装备制造 and 智能产业.
Signed in Q2 with contract_amount >= 1: 1.0, 1.1, 1.2, 1.5, 2, 3, 12 and 55 亿 (8 projects; six in 装备制造 or
智能产业; the 12 亿 one by a 中国500强 investor). A 0.5 亿 Q2 signing and a 5 亿 one of 10 March do not count.
funds_ytd: 16 at the end of March (W12), 30 at the end of June (W25). Nine leads P01 shared in Q2 reached 在谈
at P02; one more lead nobody took up. Committee: D4 12, D5 13.5.
  D1 30 x min(8/5, 1) = 30; D2 20 x min(14/20, 1) = 14; D3 20 x 6/8 = 15; D4 12; D5 13.5 -> base 84.5
  bonuses: 3 projects beyond target x 2 = 6 (cap 6); 12 亿 -> +4; 55 亿 -> +8; 中国500强 -> +10;
  9 leads x 0.5 = 4.5 capped at 3 -> 31.  Total 115.5.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from assessment.register import METHODS_DIR
from tests.helpers.workbooks import week_path, write_report
from tests.methods.build import build, points, totals, write_entries
from tests.scoring.timeline import Project, ledger_at, sunday

METHOD = (METHODS_DIR / "examples" / "method_d.yml").read_text("utf-8")
pytestmark = pytest.mark.slow  # a real dbt build (the formulas' dbt unit tests run in every build)

d = date
Q2 = d(2021, 4, 1)

P01 = [
    # signed in Q1: funds 16 at March end, 20 at June end
    Project("Q1", amount=5, funds=16, signed_on=d(2021, 3, 10), leaves_on=Q2),
    Project("Q1", amount=5, funds=20, signed_on=d(2021, 3, 10), appears_on=Q2),
    Project("S1", industry="装备制造", amount=1.0, signed_on=d(2021, 4, 6), appears_on=Q2),
    Project("S2", industry="智能产业", amount=1.1, signed_on=d(2021, 4, 7), appears_on=Q2),
    Project("S3", industry="装备制造", amount=1.2, signed_on=d(2021, 4, 8), appears_on=Q2),
    Project("S4", industry="材料", amount=1.5, signed_on=d(2021, 5, 6), appears_on=Q2),
    Project("S5", industry="智能产业", amount=2, funds=10, signed_on=d(2021, 5, 7), appears_on=Q2),
    Project("S6", industry="消费品", amount=3, signed_on=d(2021, 5, 8), appears_on=Q2),
    Project(
        "S7",
        industry="装备制造",
        investor_type="中国500强",
        amount=12,
        signed_on=d(2021, 6, 1),
        appears_on=Q2,
    ),
    Project("S8", industry="智能产业", amount=55, signed_on=d(2021, 6, 2), appears_on=Q2),
    Project("S9", industry="装备制造", amount=0.5, signed_on=d(2021, 6, 3), appears_on=Q2),
]
LEADS = [f"P01-L{i}" for i in range(1, 11)]  # L1..L9 taken up, L10 not
P02 = [
    Project(f"R{i}", industry="其他", lead_id=lead, feedback_on=d(2021, 5, 3), appears_on=d(2021, 5, 3))
    for i, lead in enumerate(LEADS[:9], start=1)
]


def write_inbox(inbox: Path) -> None:
    shared = [
        {
            "lead_id": lead,
            "project_name": f"线索{lead}",
            "investor": f"线索投资{lead}",
            "to_unit": "P02",
            "shared_on": d(2021, 5, 1),
        }
        for lead in LEADS
    ]
    write_report(week_path(inbox, "2021-W12", "P01"), ledger_at(P01, sunday("2021-W12")))
    write_report(week_path(inbox, "2021-W25", "P01"), ledger_at(P01, sunday("2021-W25")), shared)
    write_report(week_path(inbox, "2021-W25", "P02"), ledger_at(P02, sunday("2021-W25")))
    write_entries(
        inbox,
        "2021-06",
        "专班评分",
        [
            ("P01", "D4", 12, None, "载体单位", "二季度评分"),
            ("P01", "D5", 13.5, None, "工作队", "二季度评分"),
        ],
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("method_d"),
        METHOD,
        "year,unit_code,target_D1,target_D2",
        ["2021,P01,5,20"],
        write_inbox,
    )


def test_worked_example(warehouse):
    row = totals(warehouse, 2021, 6)["P01"]
    assert row["base_score"] == pytest.approx(84.5)
    assert row["bonus"] == pytest.approx(31)
    assert row["total_score"] == pytest.approx(115.5)
    assert row["rank_in_group"] == 1
    got = points(warehouse, "P01", 2021, 6)
    assert got[("D1", None, "item")] == pytest.approx(30)
    assert got[("D2", None, "item")] == pytest.approx(14)
    assert got[("D3", None, "item")] == pytest.approx(15)
    assert got[("D4", None, "item")] == pytest.approx(12)
    assert got[("D5", None, "item")] == pytest.approx(13.5)
    assert got[("projects_beyond_target", None, "item")] == pytest.approx(6)
    assert got[("big_project", "S7", "event")] == pytest.approx(4)
    assert got[("major_project", "S8", "event")] == pytest.approx(8)
    assert got[("top_500", "S7", "event")] == pytest.approx(10)
    assert sorted(ref for item, ref, line in got if item == "lead_take_up" and line == "event") == sorted(
        LEADS[:9]
    )
    assert got[("lead_take_up", None, "cap")] == pytest.approx(3 - 4.5)


def test_first_quarter(warehouse):
    """Q1 (the March row): the 5 亿 project signed 10 March (装备制造) is the quarter's only one:
    D1 30 x 1/5 = 6; D2 the quarter's arrivals are funds_ytd at March end (16, nothing before January)
    -> 20 x 16/20 = 16; D3 20 x 1/1 = 20; no committee score, no bonus. Total 42."""
    row = totals(warehouse, 2021, 3)["P01"]
    assert row["total_score"] == pytest.approx(42)
    got = points(warehouse, "P01", 2021, 3)
    assert (got[("D1", None, "item")], got[("D2", None, "item")]) == (pytest.approx(6), pytest.approx(16))


def test_explain_down_to_projects_leads_and_entries(warehouse, capsys):
    """`zhaoshang explain` prints every line of the score with the rows behind it, in Chinese."""
    from zhaoshang.cli import main

    home = str(warehouse.parent)
    assert main(["explain", "--home", home, "--unit", "P01", "--month", "2021-06"]) == 0
    out = capsys.readouterr().out
    assert "总分 115.5 = 基础分 84.5 + 加分 31 − 减分 0；产业专班第 1 名" in out
    assert "D2 实际到位资金：+14 分 = 20 × min(14 ÷ 20, 1)" in out
    assert "（本期末值减上期末值）" in out
    # the 8 projects behind D1, each with its week, sheet and row; not the 0.5 亿 one nor the Q1 one
    d1 = out.split("D1 亿元以上项目数")[1].split("D2 实际到位资金")[0]
    assert sum(1 for line in d1.splitlines() if "· S" in line) == 8 and "S9" not in d1 and "Q1" not in d1
    assert "2021-W25 周报 项目台账 第" in d1
    assert "工作队 录入 D5 = 13.5：二季度评分" in out
    assert "线索 P01-L3" in out and "共享给 P02" in out
    assert "共享线索被推进 封顶：-1.5 分（封顶 3 分，封顶前 4.5 分）" in out
    assert main(["explain", "--home", home, "--unit", "P02", "--month", "2021-06"]) == 2
    assert "P02 在 2021年6月 没有考核得分" in capsys.readouterr().err


def test_every_surface_shows_method_d(warehouse, tmp_path):
    """`scores` (terminal, CSV, XLSX), `explain` and the receipts show Method D's items and the marts'
    totals; P01 by hand: D1..D5 30, 14, 15, 12, 13.5; bonuses 6 + 4 + 8 + 10 + 3 (lead take-up 4.5 capped at
    3) = 31; total 115.5."""
    import csv

    from tests.methods import surfaces

    home = surfaces.copy_of(warehouse, tmp_path)
    want = surfaces.expected(warehouse, 2021, 6)
    surfaces.check_scores_csv_and_xlsx(home, want, 2021, 6, tmp_path)
    (p01,) = list(csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8-sig")))
    items = [surfaces.header_of(c) for c in want["columns"]]
    assert [float(p01[h]) for h in items] == [30, 14, 15, 12, 13.5, 6, 4, 8, 10, 3]
    assert (p01["基础得分"], p01["加分"], p01["总分"], p01["考核分组"]) == (
        "84.5",
        "31.0",
        "115.5",
        "产业专班",
    )
    surfaces.check_explain(home, want, 2021, 6)
    assert surfaces.check_receipts(home, want, 2021, 6) == 1  # P01's 2021-W25 (P02 is not in a group)


def test_report_shows_method_d(warehouse, tmp_path):
    """`zhaoshang report`: the HTML in headless Chromium and the PDF's text show every unit with its total and
    every item label of Method D."""
    from tests.methods import surfaces

    home = surfaces.copy_of(warehouse, tmp_path)
    surfaces.check_report(home, surfaces.expected(warehouse, 2021, 6), 2021, 6)
