"""Method A of METHODS.md (ratio with a ceiling + committee points), through workbooks, ingestion and dbt.

Worked example at December 2021 (U1 = P01, U2 = P02; targets A1 40, A2 3):
  U1: A1 36/40 -> 50 x 0.9 = 45; A2 4/3 -> 30 x min(1.33, 1) = 30; A3 committee 16.5 -> total 91.50, rank 1
  U2: A1 52/40 -> 50 x 1 = 50;   A2 1/3 -> 30 x 0.333 = 10;         A3 committee 18   -> total 78.00, rank 2
U1's 36 亿 = 20 (粤港澳) + 16 (长三角); its 10 亿 市内 project and a 2020 signing (境外, 50 亿) do not count.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from assessment.register import METHODS_DIR
from tests.helpers.workbooks import week_path, write_report
from tests.methods.build import build, points, totals, write_entries
from tests.scoring.timeline import Project, ledger_at, sunday

METHOD = (METHODS_DIR / "examples" / "method_a.yml").read_text("utf-8")
pytestmark = pytest.mark.slow  # a real dbt build (the formulas' dbt unit tests run in every build)

d = date

PROJECTS = {
    "P01": [
        Project("A", investor_type="世界500强", amount=20, origin="粤港澳", signed_on=d(2021, 3, 1)),
        Project("B", investor_type="上市公司", amount=16, origin="长三角", signed_on=d(2021, 6, 1)),
        Project("C", investor_type="中国500强", amount=10, origin="市内", signed_on=d(2021, 7, 1)),
        Project("D", investor_type="民营500强", amount=5, origin="市内", signed_on=d(2021, 9, 1)),
        Project("E", amount=50, origin="境外", signed_on=d(2020, 11, 1)),
    ],
    "P02": [
        Project("F", amount=52, origin="境外", signed_on=d(2021, 4, 1)),
        Project("G", investor_type="上市公司", amount=3, origin="市内", signed_on=d(2021, 5, 1)),
    ],
}


def write_inbox(inbox: Path) -> None:
    for unit, projects in PROJECTS.items():
        write_report(week_path(inbox, "2021-W51", unit), ledger_at(projects, sunday("2021-W51")))
    write_entries(
        inbox,
        "2021-12",
        "委员会评分",
        [
            ("P01", "A3", 16.5, None, "考核委员会", "年度工作总结评议"),
            ("P02", "A3", 18, None, "考核委员会", "年度工作总结评议"),
        ],
    )


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    return build(
        tmp_path_factory.mktemp("method_a"),
        METHOD,
        "year,unit_code,target_A1,target_A2",
        ["2021,P01,40,3", "2021,P02,40,3"],
        write_inbox,
    )


def test_worked_example(warehouse):
    got = totals(warehouse, 2021, 12)
    assert set(got) == {"P01", "P02"}
    assert got["P01"]["total_score"] == pytest.approx(91.5, abs=0.005)
    assert got["P02"]["total_score"] == pytest.approx(78.0, abs=0.005)
    assert (got["P01"]["rank_in_group"], got["P02"]["rank_in_group"]) == (1, 2)
    u1 = points(warehouse, "P01", 2021, 12)
    assert u1[("A1", None, "item")] == pytest.approx(45)
    assert u1[("A2", None, "item")] == pytest.approx(30)
    assert u1[("A3", None, "item")] == pytest.approx(16.5)
    u2 = points(warehouse, "P02", 2021, 12)
    assert u2[("A1", None, "item")] == pytest.approx(50)
    assert u2[("A2", None, "item")] == pytest.approx(10)
    assert u2[("A3", None, "item")] == pytest.approx(18)


def test_committee_score_only_in_its_month(warehouse):
    """The committee entered A3 for December only; in November U1 had not reported yet (first report W51):
    A1 0/40, A2 0/3 and no committee score -> 0, and the A3 line says 0."""
    assert totals(warehouse, 2021, 11)["P01"]["total_score"] == pytest.approx(0, abs=0.005)
    assert points(warehouse, "P01", 2021, 11)[("A3", None, "item")] == pytest.approx(0)


def test_the_gate_reconciles_the_district_totals_of_a_method_a_year(warehouse):
    """The district totals (SPEC 4) do not depend on the method: the gate reconciles them with the units'
    project rows even when the SPEC §6 pivot carries no C/F/Q/M/R figures."""
    from expectations.gate import run_gate

    result = run_gate(warehouse, 2021, 12)
    assert result.check("district_totals").passed, result.failures_of("district_totals")


def test_new_entries_make_the_scores_stale_until_the_next_build(warehouse, tmp_path):
    """A copy of the built warehouse: the build included its one entries file; a new entries file ingested
    after it is named by the staleness warning (reports: none new)."""
    from basics.home import Home
    from ingestion.pipeline import ingest_inbox
    from zhaoshang.warehouse import staleness

    home = Home(tmp_path / "home").ensure()
    shutil.copyfile(warehouse, home.warehouse)
    assert staleness(home) is None
    write_entries(home.inbox, "2021-12", "补充评分", [("P03", "A3", 12, None, "考核委员会", "补充评议")])
    assert [e.file for e in ingest_inbox(home).entries] == ["entries/2021-12/补充评分.xlsx"]
    stale = staleness(home)
    assert stale is not None and (stale.new_files, stale.new_entry_files) == (0, 1)
    assert "1 个考核录入文件" in stale.warning() and "1 committee entries file(s)" in stale.warning()
    assert "周报" not in stale.warning()


def test_every_surface_shows_method_a(warehouse, tmp_path):
    """`scores` (terminal, CSV, XLSX), `explain`, the receipts and the submission workbook show Method A's
    items and the marts' totals; P01's row against the worked example by hand."""
    import csv

    from tests.methods import surfaces

    home = surfaces.copy_of(warehouse, tmp_path)
    want = surfaces.expected(warehouse, 2021, 12)
    assert [c["item_code"] for c in want["columns"]] == ["A1", "A2", "A3"]
    surfaces.check_scores_csv_and_xlsx(home, want, 2021, 12, tmp_path)
    p01 = next(
        r for r in csv.DictReader((tmp_path / "s.csv").open(encoding="utf-8-sig")) if r["单位编号"] == "P01"
    )
    assert {k: p01[k] for k in ("省域外签约项目投资额(亿元)", "省域外签约项目投资额目标(亿元)")} == {
        "省域外签约项目投资额(亿元)": "36.0",
        "省域外签约项目投资额目标(亿元)": "40.0",
    }
    assert (p01["龙头企业项目数(个)"], p01["龙头企业项目数目标(个)"]) == ("4", "3")
    assert [p01[h] for h in ("省域外签约项目投资额得分", "龙头企业项目数得分", "其他工作得分")] == [
        "45.0",
        "30.0",
        "16.5",
    ]
    assert (p01["总分"], p01["组内排名"], p01["考核分组"]) == ("91.5", "1", "全体单位")
    surfaces.check_explain(home, want, 2021, 12)
    assert surfaces.check_receipts(home, want, 2021, 12) == 2  # P01 and P02 reported 2021-W51
    surfaces.check_submission(home, want, 2021, 12)


def test_report_shows_method_a(warehouse, tmp_path):
    """`zhaoshang report`: the HTML in headless Chromium and the PDF's text show every unit with its total and
    every item label of Method A."""
    from tests.methods import surfaces

    home = surfaces.copy_of(warehouse, tmp_path)
    surfaces.check_report(home, surfaces.expected(warehouse, 2021, 12), 2021, 12)
