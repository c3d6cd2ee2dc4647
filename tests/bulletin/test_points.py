"""The long table of points behind every score (marts.score_points), against cases by hand from SPEC 3."""

from __future__ import annotations

import duckdb
import pytest

from basics.home import Home
from bulletin.content import gather
from bulletin.points import score_points
from tests.gate.dataset import MONTH, YEAR


@pytest.fixture(scope="module")
def points(base_home: Home) -> dict[str, list]:
    con = duckdb.connect(str(base_home.warehouse), read_only=True)
    try:
        rows = score_points(con, YEAR, MONTH)
        totals = dict(
            con.execute(
                "select unit_code, total_score from marts.score_totals where year = ? and month = ?",
                [YEAR, MONTH],
            ).fetchall()
        )
    finally:
        con.close()
    by_unit: dict[str, list] = {}
    for p in rows:
        by_unit.setdefault(p.unit_code, []).append(p)
    return {"by_unit": by_unit, "totals": totals}


def item(rows: list, code: str):
    return next(p for p in rows if p.item_code == code)


def test_p02_indicators_by_hand(points):
    """P02, Jan-Feb 2021: projects (a) 装备制造 世界500强 60 亿 signed 10 Jan, landed 20 Jan, funds 5;
    (b) 智能产业 上市公司 20 亿 signed 3 Feb, not landed. Targets C 120, F 36, Q 1, M 0, R 0.3.
    M does not apply, so 40/30/10/10 are scaled by 100/90."""
    p02 = points["by_unit"]["P02"]
    c, f, q, m, r = (item(p02, code) for code in "CFQMR")
    assert (c.value, c.target) == (80, 120) and c.points == pytest.approx(100 / 90 * 40 * 80 / 120)
    assert c.formula_zh == "40 × 100/90 × min(80 ÷ 120, 1.2)"
    assert (f.value, f.target) == (5, 36) and f.points == pytest.approx(100 / 90 * 30 * 5 / 36)
    assert q.value == 2 and q.points == pytest.approx(100 / 90 * 10 * 1.2)  # 2 / 1 capped at 1.2
    assert m.points is None and "不参与考核" in m.formula_zh
    assert r.value == pytest.approx(0.5) and r.points == pytest.approx(100 / 90 * 10 * 1.2)  # 0.5/0.3 capped
    assert r.formula_zh == "10 × 100/90 × min(0.5 ÷ 0.3, 1.2)"
    # display kinds come from the method's measures: sums in 亿元, counts, ratios
    assert [p.value_kind for p in (c, f, q, m, r)] == ["amount", "amount", "count", "count", "ratio"]
    # no report before W04 (the data set starts there): 2020-W53 (ends 3 Jan 2021) to 2021-W03, −1 each;
    # the lead P02 received was answered in 2 days: no late-feedback deduction
    deductions = [(p.item_code, p.ref, p.points) for p in p02 if p.kind == "deduction"]
    weeks = ["2020-W53", "2021-W01", "2021-W02", "2021-W03"]
    assert deductions == [("missing_report", w, -1.0) for w in weeks]
    assert {p.kind for p in p02} == {"indicator", "deduction"}


def test_p01_gets_one_point_for_the_lead_p02_signed(points):
    """P01: C 60/150, F 5/45, Q 1/2, M 1/1, R 1/0.3 capped: 16 + 3.333 + 5 + 10 + 12; +1 for lead P01-L1."""
    p01 = points["by_unit"]["P01"]
    base = sum(p.points for p in p01 if p.kind == "indicator")
    assert base == pytest.approx(16 + 30 * 5 / 45 + 5 + 10 + 12)
    bonus = [p for p in p01 if p.kind == "bonus"]
    assert [(b.item_code, b.ref, b.points) for b in bonus] == [("lead_signed", "P01-L1", 1.0)]
    assert bonus[0].item_label_zh == "信息共享加分（线索签约）" and bonus[0].formula_zh == "每项 1 分"


def test_every_units_points_add_up_to_its_total(points):
    assert set(points["by_unit"]) == set(points["totals"])
    for unit, rows in points["by_unit"].items():
        assert all(p.points is None or p.points <= 0 for p in rows if p.kind == "deduction"), unit
        assert sum(p.points or 0 for p in rows) == pytest.approx(points["totals"][unit]), unit
        assert [p.item_code for p in rows if p.kind == "indicator"] == list("CFQMR")
        assert {p.group_code for p in rows} == {rows[0].group_code}


def test_projects_behind_p02s_indicators(base_home: Home) -> None:
    """P02's projects, by hand from SPEC 3: (a) 60 亿 装备制造 世界500强 signed and landed counts in C, F,
    Q, M (≥ the major threshold) and R; (b) 20 亿 智能产业 上市公司 signed counts in C, F, Q and R (not M);
    (c) P02-02 消费品 (产业类) 在谈, no contract: only F (every industrial project of the snapshot)."""
    con = duckdb.connect(str(base_home.warehouse), read_only=True)
    try:
        projects = gather(con, YEAR, MONTH).projects["P02"]
    finally:
        con.close()
    assert [(p.contract_amount, p.counted_in) for p in projects] == [
        (60, ["C", "F", "Q", "M", "R"]),
        (20, ["C", "F", "Q", "R"]),
        (None, ["F"]),
    ]
