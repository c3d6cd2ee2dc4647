"""The bulletin follows the method that scores the year: Method A of METHODS.md
(methods/examples/method_a.yml), built through workbooks, ingestion and dbt by the methods tests' fixture,
against its worked example by hand.

Method A, December 2021: one group 全体单位; A1 省域外签约项目投资额 (50, 亿元), A2 龙头企业项目数
(30, count), A3 其他工作 (20, committee score). P01 91.50 rank 1, P02 78.00 rank 2
(tests/methods/test_method_a.py).
P01's projects: A 20 亿 粤港澳 世界500强 and B 16 亿 长三角 上市公司 count in A1 and A2; C 10 亿 and D 5 亿
are 市内 (not A1) but 龙头 (A2); E was signed in 2020 (neither). P02: F 52 亿 境外 (A1 only),
G 3 亿 市内 上市公司 (A2).
"""

from __future__ import annotations

import duckdb
import openpyxl
import pytest

from bulletin.content import gather
from bulletin.render import render_html
from bulletin.workbook import write_workbook
from tests.bulletin.conftest import keep_artefact
from tests.methods.test_method_a import warehouse  # noqa: F401  (a real dbt build with Method A)

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bulletin(warehouse):  # noqa: F811
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return gather(con, 2021, 12)
    finally:
        con.close()


def test_rankings_follow_method_a(bulletin) -> None:
    assert bulletin.indicators == [
        ("A1", "省域外签约项目投资额"),
        ("A2", "龙头企业项目数"),
        ("A3", "其他工作"),
    ]
    [(code, label, standings)] = bulletin.groups
    assert (code, label) == ("all", "全体单位")
    assert [(s.unit_code, s.rank) for s in standings] == [("P01", 1), ("P02", 2)]
    p01, p02 = standings
    assert p01.total == pytest.approx(91.5) and p02.total == pytest.approx(78.0)
    assert [p01.item_points(c) for c in ("A1", "A2", "A3")] == pytest.approx([45, 30, 16.5])
    assert [p02.item_points(c) for c in ("A1", "A2", "A3")] == pytest.approx([50, 10, 18])
    kinds = {p.item_code: p.value_kind for p in p01.points}
    assert kinds == {"A1": "amount", "A2": "count", "A3": "amount"}


def test_projects_behind_each_indicator_come_from_the_method(bulletin) -> None:
    counted = {u: {p.contract_amount: p.counted_in for p in ps} for u, ps in bulletin.projects.items()}
    assert counted == {
        "P01": {20: ["A1", "A2"], 16: ["A1", "A2"], 10: ["A2"], 5: ["A2"]},
        "P02": {52: ["A1"], 3: ["A2"]},
    }


def test_html_and_workbook_render(bulletin, tmp_path) -> None:
    html = render_html(bulletin)
    page = tmp_path / "月度考核通报_方法A_2021-12.html"
    page.write_text(html, encoding="utf-8")
    keep_artefact(page)  # for a human to look at
    for text in ("全体单位", "省域外签约项目投资额", "龙头企业项目数", "其他工作", "91.50", "78.00"):
        assert text in html, text
    assert 'data-chart="points"' in html
    book = openpyxl.load_workbook(write_workbook(tmp_path / "b.xlsx", bulletin))
    ranking = [[c.value for c in row] for row in book["排名"].iter_rows()]
    p01 = bulletin.unit_names["P01"]
    assert [(r[0], r[1], r[3]) for r in ranking if r[3] == p01] == [("全体单位", 1, p01)]
    assert [r[4:7] for r in ranking if r[3] == p01] == [
        [pytest.approx(45), pytest.approx(30), pytest.approx(16.5)]
    ]
