"""Assessment scores (SPEC 3) on one hand-made inbox: real .xlsx reports → ingestion → one real `dbt build`.

Year 2021, reports from 2020-W53 (ends Sun 3 Jan 2021, so it belongs to January 2021) to 2021-W12 (ends Sun
28 Mar), hence months 1..3 are scored. Weeks ending in January: 3, 10, 17, 24, 31 Jan (2020-W53, W01..W04);
February: 7, 14, 21, 28 Feb (W05..W08); March: 7, 14, 21, 28 Mar (W09..W12). 13 weeks in all.

Parameters (methods/2021.yml; seed scoring_parameters for the 7 days and 50 亿): weights C 40, F 30, Q 10,
M 10, R 10, ratio cap 1.2, total weight 100,
lead bonus +1 signed / +2 landed capped at 5, missing report 1 (cap 10), late feedback 0.5 (cap 5), 7 days,
major project >= 50 亿.

Units and the case each one carries (targets C, F, Q, M, R are in TARGETS below):
  P01  SPEC 3's worked example (platform X), misses 2021-W10, shares lead P01-L1 to P02, receives P03-L4 late
  P02  every indicator applies (receiver of P01-L1)
  P03  1.2 cap with only C applying (weight 40 rescaled to 100); lead bonus over its cap (3 signed + landed)
  P04  a signed project later terminated (still counted as signed); a project that leaves the ledger
  P05  R with no signed project (0, not NULL); reports only W01 and W12: missing-report cap
  P06  a 2020 report that must not feed 2021; first 2021 report in February (no snapshot in January)
  P07  active from 2021-03-01 (register): only March is scored and expected; misses W11
  D01  resent week: 2021-W12 version 2 (amount 20) supersedes version 1 (amount 50)
  D02  + D05: the same project (name + investor) reported by both in 2021-W12: counted for neither
  D03  every target 0: no applicable indicator, base/total/rank NULL
  D04  no targets row at all: base/total/rank NULL
  D06  receives leads from B03 answered late or never: late-feedback deductions and their cap
  B01..B03  ranks within bureau sections, B02 and B03 tie (B03's 5 亿 is 0.1 + 0.2 + 4.7)
Every ledger also lists a neutral project <unit>X (在谈, 其他, no amount, no funds) that counts nowhere, so no
report is header-only.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from basics.home import Home
from tests.helpers.postgres_fixtures import BACKENDS, built_on_postgres, dbt_project_copy
from tests.helpers.spec6 import SPEC6_EXPORT
from tests.helpers.workbooks import week_path, write_report
from tests.scoring.conftest import config_folder, dbt_build, ingest, query
from tests.scoring.timeline import Project, ledger_at, sunday, weeks

pytestmark = pytest.mark.slow  # one real `dbt build` of its own hand-made inbox

d = date
ALL_WEEKS = weeks("2020-W53", "2021-W12")

TARGETS = [
    # year, unit, C, F, Q, M, R
    "2021,P01,100,20,1,0,0.5",
    "2021,P02,200,50,2,1,0.5",
    "2021,P03,100,0,0,0,0",
    "2021,P04,50,10,1,0,0.5",
    "2021,P05,10,0,0,0,0.3",
    "2021,P06,10,10,0,0,0",
    "2021,P07,20,5,0,0,0.3",
    "2021,D01,20,0,0,0,0",
    "2021,D02,30,0,0,0,0",
    "2021,D03,0,0,0,0,0",
    # D04: no row
    "2021,D05,10,0,0,0,0",
    "2021,D06,10,0,0,0,0",
    "2021,B01,10,0,0,0,0",
    "2021,B02,10,0,0,0,0",
    "2021,B03,10,0,0,0,0",
]


def lead(lead_id: str, to_unit: str, shared_on: date) -> dict:
    return {
        "lead_id": lead_id,
        "project_name": f"线索{lead_id}",
        "investor": f"线索投资{lead_id}",
        "to_unit": to_unit,
        "shared_on": shared_on,
    }


D01_LEAD_PROJECT = Project(
    "D01L",
    amount=50,
    signed_on=d(2021, 2, 1),
    landed_on=d(2021, 3, 1),
    lead_id="P03-L1",
    feedback_on=d(2021, 1, 7),
    appears_on=d(2021, 1, 7),
)
DUPLICATE = {"name": "共享产业项目", "investor": "同一投资集团"}

# unit -> (weeks reported, projects, {week: shared leads})
UNITS: dict[str, tuple[list[str], list[Project], dict[str, list[dict]]]] = {
    "P01": (
        [w for w in ALL_WEEKS if w != "2021-W10"],
        [
            # (a) industrial, 世界500强, signed 2 Feb, 80 亿, funds 12, landed 10 Mar
            Project(
                "P01A",
                industry="装备制造",
                investor_type="世界500强",
                amount=80,
                funds=12,
                signed_on=d(2021, 2, 2),
                landed_on=d(2021, 3, 10),
            ),
            # (b) industrial, 其他, signed 5 Mar, 50 亿, funds 3
            Project("P01B", industry="材料", amount=50, funds=3, signed_on=d(2021, 3, 5)),
            # (c) industry 其他 (not industrial), 上市公司, signed 10 Jan, 30 亿, funds 5
            Project(
                "P01C",
                industry="其他",
                investor_type="上市公司",
                amount=30,
                funds=5,
                signed_on=d(2021, 1, 10),
            ),
            # the lead P03 shared to X on 1 Mar, answered 12 Mar (first listed in X's W11 report)
            Project(
                "P01Z",
                industry="其他",
                lead_id="P03-L4",
                feedback_on=d(2021, 3, 12),
                appears_on=d(2021, 3, 12),
            ),
        ],
        {"2021-W01": [lead("P01-L1", "P02", d(2021, 1, 5))]},
    ),
    "P02": (
        ALL_WEEKS,
        [
            Project(
                "P02L",
                industry="装备制造",
                investor_type="央企",
                amount=60,
                funds=10,
                signed_on=d(2021, 2, 20),
                landed_on=d(2021, 3, 25),
                lead_id="P01-L1",
                feedback_on=d(2021, 1, 8),
                appears_on=d(2021, 1, 8),
            ),
            Project(
                "P02Y",
                industry="智能产业",
                investor_type="上市公司",
                amount=20,
                funds=5,
                signed_on=d(2021, 1, 15),
            ),
        ],
        {},
    ),
    "P03": (
        ALL_WEEKS,
        [Project("P03Z", industry="消费品", amount=130, signed_on=d(2021, 1, 20))],
        {
            "2021-W01": [
                lead("P03-L1", "D01", d(2021, 1, 6)),
                lead("P03-L2", "D02", d(2021, 1, 6)),
                lead("P03-L3", "B01", d(2021, 1, 6)),
            ],
            "2021-W09": [lead("P03-L4", "P01", d(2021, 3, 1))],
        },
    ),
    "P04": (
        ALL_WEEKS,
        [
            Project(
                "P04T1",
                industry="装备制造",
                investor_type="世界500强",
                amount=40,
                funds=2,
                signed_on=d(2021, 1, 10),
                terminated_on=d(2021, 3, 15),
            ),
            Project("P04T2", industry="材料", funds=3),
            # signed 5 Jan, on the ledger until the report ending 14 Feb (W06), then gone
            Project(
                "P04T3",
                industry="汽摩",
                amount=30,
                funds=1,
                signed_on=d(2021, 1, 5),
                leaves_on=d(2021, 2, 15),
            ),
        ],
        {},
    ),
    "P05": (["2021-W01", "2021-W12"], [Project("P05N")], {}),
    "P06": (
        ["2020-W52", *weeks("2021-W05", "2021-W12")],
        [
            # 2020: a project signed in December 2020 with 8 亿 of 2020 funds (only in 2020-W52)
            Project(
                "P06A",
                amount=100,
                funds=8,
                signed_on=d(2020, 12, 1),
                appears_on=d(2020, 12, 1),
                leaves_on=d(2020, 12, 28),
            ),
            # the same project in 2021: funds start again from 0
            Project("P06A", amount=100, funds=0, signed_on=d(2020, 12, 1), appears_on=d(2020, 12, 28)),
            Project(
                "P06B", industry="材料", amount=10, funds=1, signed_on=d(2021, 2, 3), appears_on=d(2021, 2, 1)
            ),
        ],
        {},
    ),
    "P07": (
        ["2021-W09", "2021-W10", "2021-W12"],
        [
            Project(
                "P07S",
                industry="智能产业",
                amount=10,
                funds=2,
                signed_on=d(2021, 3, 3),
                landed_on=d(2021, 3, 20),
                appears_on=d(2021, 3, 1),
            )
        ],
        {},
    ),
    "D01": (ALL_WEEKS, [D01_LEAD_PROJECT], {}),
    "D02": (
        ALL_WEEKS,
        [
            Project(
                "D02L",
                industry="消费品",
                amount=15,
                signed_on=d(2021, 2, 2),
                landed_on=d(2021, 3, 2),
                lead_id="P03-L2",
                feedback_on=d(2021, 1, 7),
                appears_on=d(2021, 1, 7),
            ),
            Project("D02DUP", amount=30, signed_on=d(2021, 3, 2), appears_on=d(2021, 3, 1), **DUPLICATE),
        ],
        {},
    ),
    "D03": (ALL_WEEKS, [Project("D03P", amount=5, signed_on=d(2021, 1, 12))], {}),
    "D04": (ALL_WEEKS, [Project("D04P", amount=5, signed_on=d(2021, 1, 12))], {}),
    "D05": (
        ALL_WEEKS,
        [
            Project("D05E", industry="其他"),
            Project("D05DUP", amount=30, signed_on=d(2021, 3, 25), appears_on=d(2021, 3, 22), **DUPLICATE),
        ],
        {},
    ),
    "D06": (
        ALL_WEEKS,
        [
            Project(
                "D06F10",
                industry="其他",
                lead_id="B03-L10",
                feedback_on=d(2021, 1, 20),
                appears_on=d(2021, 1, 18),
            ),
            Project(
                "D06F11",
                industry="其他",
                lead_id="B03-L11",
                feedback_on=d(2021, 1, 8),
                appears_on=d(2021, 1, 4),
            ),
        ],
        {},
    ),
    "B01": (
        ALL_WEEKS,
        [
            Project(
                "B01L",
                industry="智能产业",
                amount=20,
                signed_on=d(2021, 2, 3),
                landed_on=d(2021, 3, 3),
                lead_id="P03-L3",
                feedback_on=d(2021, 1, 7),
                appears_on=d(2021, 1, 7),
            )
        ],
        {},
    ),
    "B02": (ALL_WEEKS, [Project("B02P", amount=5, signed_on=d(2021, 1, 15))], {}),
    "B03": (
        ALL_WEEKS,
        [
            Project("B03P1", amount=0.1, signed_on=d(2021, 1, 15)),
            Project("B03P2", amount=0.2, signed_on=d(2021, 1, 15)),
            Project("B03P3", amount=4.7, signed_on=d(2021, 1, 15)),
        ],
        {
            # to D06: L01..L07 never answered, L10 answered 20 Jan (late), L11 answered 8 Jan (on time)
            "2021-W01": [lead(f"B03-L{i:02d}", "D06", d(2021, 1, 4)) for i in (1, 2, 3, 4, 5, 6, 7, 10, 11)],
            "2021-W04": [lead("B03-L13", "D06", d(2021, 1, 28))],  # due 4 Feb: late from February
            "2021-W09": [lead("B03-L14", "D06", d(2021, 3, 1)), lead("B03-L15", "D06", d(2021, 3, 1))],
            "2021-W12": [lead("B03-L12", "D06", d(2021, 3, 26))],  # due 2 Apr: not late at 31 Mar
        },
    ),
}


def tracked(unit: str) -> Project:
    """A neutral project (在谈, 其他, no amount, no funds) so no ledger is empty: it counts nowhere."""
    return Project(f"{unit}X", industry="其他")


def write_unit_reports(inbox, unit, report_weeks, projects, leads):
    for week in report_weeks:
        ledger = ledger_at([*projects, tracked(unit)], sunday(week))
        write_report(week_path(inbox, week, unit), ledger, leads.get(week))


@pytest.fixture(scope="module")
def duckdb_built(tmp_path_factory) -> tuple[Path, Path]:
    """The hand-made inbox ingested and built on DuckDB: (dbt project copy for PostgreSQL, warehouse)."""
    root = tmp_path_factory.mktemp("scores")
    home = Home(root / "home").ensure()
    inbox = root / "inbox"
    for unit, (report_weeks, projects, leads) in UNITS.items():
        write_unit_reports(inbox, unit, report_weeks, projects, leads)
    ingest(home, inbox)
    # D01 resends 2021-W12: the amount of its project is corrected from 50 to 20 亿 (version 2 wins)
    write_unit_reports(inbox, "D01", ["2021-W12"], [dataclasses.replace(D01_LEAD_PROJECT, amount=20)], {})
    resent = ingest(home, inbox)
    assert [(o.unit_code, o.week_label, o.version) for o in resent.accepted] == [("D01", "2021-W12", 2)]
    seconds = dbt_build(config_folder(root, TARGETS), home.warehouse)
    print(f"dbt build on the hand-made inbox: {seconds:.1f} s")
    return dbt_project_copy(root), home.warehouse


@pytest.fixture(scope="module", params=BACKENDS)
def warehouse(request, duckdb_built):
    """Each test runs on the DuckDB build, then on the same build on PostgreSQL (same raw rows and models)."""
    project, duckdb_warehouse = duckdb_built
    if request.param == "duckdb":
        return duckdb_warehouse
    return built_on_postgres(request, project, duckdb_warehouse, "scores")


def score(warehouse, unit, month, year=2021):
    """The unit-month's row of the SPEC §6 export (value_c … rank_in_type)."""
    rows = query(
        warehouse,
        f"select * from {SPEC6_EXPORT} where year = ? and month = ? and unit_code = ?",
        [year, month, unit],
    )
    assert len(rows) == 1, (unit, year, month, rows)
    return rows[0]


def items(warehouse, unit, month, year=2021):
    rows = query(
        warehouse,
        "select kind, reason, points, ref from marts.score_items "
        "where year = ? and month = ? and unit_code = ? order by reason, ref",
        [year, month, unit],
    )
    return [(r["kind"], r["reason"], r["points"], r["ref"]) for r in rows]


def approx(value):
    return pytest.approx(value, abs=0.005)


# --- SPEC 3 worked example ------------------------------------------------------------------------


def test_worked_example_march(warehouse):
    """Platform X = P01, targets C 100, F 20, Q 1, M 0, R 0.5, period January-March.
    C = 80 (a) + 50 (b) = 130 -> 1.3 capped 1.2; F = 12 + 3 = 15 -> 0.75; Q = 2 (a, c) -> 2 capped 1.2;
    M target 0 -> NULL (value 2: a 80 and b 50 are both >= 50); R = 1/3 (a landed 10 Mar) -> 0.667.
    Weights 40/30/10/10 over 90 scaled by 100/90:
      C 40 x 1.2 x 100/90 = 53.333; F 30 x 0.75 x 100/90 = 25.000; Q 10 x 1.2 x 100/90 = 13.333;
      R 10 x (1/3)/0.5 x 100/90 = 7.407; base = 99.074.
    Bonus: lead P01-L1 shared 5 Jan, P02 signed 20 Feb (+1) and landed 25 Mar (+2) = +3.
    Deductions: 2021-W10 (ends 14 Mar) missing -1; P03-L4 shared to X 1 Mar, answered 12 Mar > 8 Mar: -0.5.
    Total = 99.074 + 3 - 1.5 = 100.574."""
    row = score(warehouse, "P01", 3)
    assert row["unit_type"] == "platform"
    assert (row["value_c"], row["value_f"], row["value_q"], row["value_m"]) == (130, 15, 2, 2)
    assert row["value_r"] == approx(1 / 3)
    assert (row["target_c"], row["target_f"], row["target_q"], row["target_m"], row["target_r"]) == (
        100,
        20,
        1,
        0,
        0.5,
    )
    assert row["score_c"] == approx(53.333)
    assert row["score_f"] == approx(25.000)
    assert row["score_q"] == approx(13.333)
    assert row["score_m"] is None
    assert row["score_r"] == approx(7.407)
    assert row["base_score"] == approx(99.074)
    assert row["bonus"] == approx(3)
    assert row["deductions"] == approx(1.5)
    assert row["total_score"] == approx(100.574)
    assert row["snapshot_week_label"] == "2021-W12"
    assert items(warehouse, "P01", 3) == [
        ("deduction", "late_feedback", 0.5, "P03-L4"),
        ("bonus", "lead_landed", 2.0, "P01-L1"),
        ("bonus", "lead_signed", 1.0, "P01-L1"),
        ("deduction", "missing_report", 1.0, "2021-W10"),
    ]


def test_worked_example_unit_earlier_months(warehouse):
    """P01 in January (snapshot W04, 31 Jan): only c signed (10 Jan). C = 0 -> 0; F = 15 -> 0.75 -> 22.5;
    Q = 1 (c) -> 1.0 -> 10; R = 0 landed / 1 signed = 0 -> 0; base = (0 + 22.5 + 10 + 0) x 100/90 = 36.111.
    No bonus (P02 signs in February), no deduction. Total 36.111.
    February (snapshot W08, 28 Feb): a (2 Feb) and c signed. C = 80 -> 0.8 -> 32; F 22.5; Q = 2 -> 1.2 -> 12;
    R = 0/2 -> 0; base = (32 + 22.5 + 12) x 100/90 = 73.889; bonus: P02 signed the lead 20 Feb (+1),
    not landed yet; total 74.889."""
    jan = score(warehouse, "P01", 1)
    assert jan["score_c"] == approx(0)
    assert jan["base_score"] == approx(36.111)
    assert jan["total_score"] == approx(36.111)
    feb = score(warehouse, "P01", 2)
    assert feb["base_score"] == approx(73.889)
    assert feb["bonus"] == approx(1)
    assert feb["total_score"] == approx(74.889)
    assert items(warehouse, "P01", 2) == [("bonus", "lead_signed", 1.0, "P01-L1")]


# --- indicators, cap, redistribution --------------------------------------------------------------


def test_every_indicator_applies(warehouse):
    """P02, targets C 200, F 50, Q 2, M 1, R 0.5 (weights sum to 100, no rescaling). March:
    C = 60 + 20 = 80 -> 0.4 -> 16; F = 10 + 5 = 15 -> 0.3 -> 9; Q = 1 (上市公司; 央企 is not) -> 0.5 -> 5;
    M = 1 (60 >= 50) -> 1.0 -> 10; R = 1 landed / 2 signed = 0.5 -> 1.0 -> 10. Base 50, total 50.
    February: the lead project signed 20 Feb, not landed: R = 0/2 = 0; base 16 + 9 + 5 + 10 + 0 = 40."""
    row = score(warehouse, "P02", 3)
    assert (row["value_c"], row["value_f"], row["value_q"], row["value_m"]) == (80, 15, 1, 1)
    assert row["value_r"] == approx(0.5)
    assert [row[f"score_{i}"] for i in "cfqmr"] == [approx(16), approx(9), approx(5), approx(10), approx(10)]
    assert row["base_score"] == approx(50)
    assert row["total_score"] == approx(50)
    assert score(warehouse, "P02", 2)["base_score"] == approx(40)


def test_ratio_cap_and_zero_targets_redistribute(warehouse):
    """P03, only C applies (target 100; F, Q, M, R targets 0): weight 40 rescaled to 100.
    C = 130 -> 1.3 capped 1.2 -> 40 x 1.2 x 100/40 = 120 in every month (signed 20 Jan)."""
    for month in (1, 2, 3):
        row = score(warehouse, "P03", month)
        assert row["value_c"] == 130
        assert row["score_c"] == approx(120)
        assert (row["score_f"], row["score_q"], row["score_m"], row["score_r"]) == (None, None, None, None)
        assert row["base_score"] == approx(120)


def test_no_applicable_indicator_gives_null_base(warehouse):
    """D03 (all targets 0) and D04 (no targets row): no base score, no total, no rank; values still shown."""
    for unit in ("D03", "D04"):
        row = score(warehouse, unit, 3)
        assert row["value_c"] == 5
        assert row["base_score"] is None
        assert row["total_score"] is None
        assert row["rank_in_type"] is None
        assert row["deductions"] == approx(0)


def test_r_with_no_signed_project_is_zero(warehouse):
    """P05, targets C 10, R 0.3 (weights 40 + 10 = 50, scaled by 2): nothing signed.
    C = 0 -> 0; R = 0 (no signed project), score_r = 0 (not NULL); base 0."""
    row = score(warehouse, "P05", 3)
    assert row["value_r"] == 0
    assert row["score_r"] == approx(0)
    assert row["score_c"] == approx(0)
    assert row["score_f"] is None
    assert row["base_score"] == approx(0)


def test_terminated_signed_project_and_project_leaving_ledger(warehouse):
    """P04, targets C 50, F 10, Q 1, M 0, R 0.5 (scale 100/90).
    January (W04): T1 signed 10 Jan (40 亿, 世界500强, funds 2), T2 在谈 (funds 3),
      T3 signed 5 Jan (30 亿, funds 1).
      C = 70 -> 1.4 capped 1.2 -> 48; F = 6 -> 0.6 -> 18; Q = 1 -> 10; R = 0/2 -> 0;
      base = 76 x 100/90 = 84.444.
    February (W08): T3 left the ledger after W06: C = 40 -> 0.8 -> 32; F = 5 -> 0.5 -> 15; Q = 1 -> 10;
      R = 0/1 -> 0; base = 57 x 100/90 = 63.333.
    March (W12): T1 terminated on 15 Mar but it signed in the period: still counted -> same as February."""
    assert score(warehouse, "P04", 1)["base_score"] == approx(84.444)
    assert score(warehouse, "P04", 2)["base_score"] == approx(63.333)
    march = score(warehouse, "P04", 3)
    assert (march["value_c"], march["value_f"], march["value_q"]) == (40, 5, 1)
    assert march["base_score"] == approx(63.333)
    rows = query(
        warehouse,
        "select project_code, stage, counted_c, counted_q, counted_r_signed "
        "from marts.fct_unit_month_projects where year = 2021 and month = 3 and unit_code = 'P04' "
        "order by project_code",
    )
    assert [
        (r["project_code"], r["stage"], r["counted_c"], r["counted_q"], r["counted_r_signed"]) for r in rows
    ] == [
        ("P04T1", "terminated", True, True, True),
        ("P04T2", "negotiating", False, False, False),
        ("P04X", "negotiating", False, False, False),
    ]
    dims = {
        r["project_code"]: r
        for r in query(warehouse, "select * from marts.dim_project where unit_code = 'P04'")
    }
    assert dims["P04T3"]["is_current"] is False and dims["P04T3"]["last_week_label"] == "2021-W06"
    assert dims["P04T1"]["stage"] == "terminated" and dims["P04T1"]["is_current"] is True


# --- bonus ----------------------------------------------------------------------------------------


def test_lead_bonus_cap(warehouse):
    """P03 shared P03-L1/L2/L3 on 6 Jan to D01, D02, B01; each receiver signed in February, landed in March.
    January: nothing signed yet -> 0. February: 3 x 1 = 3. March: 3 x (1 + 2) = 9 before cap -> capped 5.
    P03-L4 (to P01) is not signed: no item. March total = 120 + 5 = 125."""
    assert score(warehouse, "P03", 1)["bonus"] == approx(0)
    assert score(warehouse, "P03", 2)["bonus"] == approx(3)
    march = score(warehouse, "P03", 3)
    assert march["bonus"] == approx(5)
    assert march["bonus_before_cap"] == approx(9)
    assert march["total_score"] == approx(125)
    assert items(warehouse, "P03", 3) == [
        ("bonus", "lead_landed", 2.0, "P03-L1"),
        ("bonus", "lead_landed", 2.0, "P03-L2"),
        ("bonus", "lead_landed", 2.0, "P03-L3"),
        ("bonus", "lead_signed", 1.0, "P03-L1"),
        ("bonus", "lead_signed", 1.0, "P03-L2"),
        ("bonus", "lead_signed", 1.0, "P03-L3"),
    ]


# --- deductions -----------------------------------------------------------------------------------


def test_missing_reports_and_cap(warehouse):
    """P05 reported only 2021-W01 (10 Jan) and 2021-W12 (28 Mar).
    January: 2020-W53 (3 Jan), W02, W03, W04 missing -> 4; total 0 - 4 = -4.
    February: + W05..W08 -> 8; total -8.  March: + W09, W10, W11 -> 11 items, capped at 10; total -10."""
    assert items(warehouse, "P05", 1) == [
        ("deduction", "missing_report", 1.0, w) for w in ("2020-W53", "2021-W02", "2021-W03", "2021-W04")
    ]
    assert score(warehouse, "P05", 1)["total_score"] == approx(-4)
    assert score(warehouse, "P05", 2)["total_score"] == approx(-8)
    march = score(warehouse, "P05", 3)
    assert len(items(warehouse, "P05", 3)) == 11
    assert march["deductions"] == approx(10)
    assert march["total_score"] == approx(-10)


def test_late_feedback_and_cap(warehouse):
    """D06 (target C 10, nothing signed: base 0) receives B03's leads:
      L01..L07 shared 4 Jan, never answered: late in every month (31 Jan > 11 Jan);
      L10 shared 4 Jan, answered 20 Jan > 11 Jan: late; L11 answered 8 Jan: on time;
      L13 shared 28 Jan, never answered: due 4 Feb, so late from February only (31 Jan is not past it);
      L14, L15 shared 1 Mar, never answered: late in March (31 Mar > 8 Mar);
      L12 shared 26 Mar: due 2 Apr, not late at 31 Mar.
    January 8 x 0.5 = 4 -> total -4; February 9 x 0.5 = 4.5 -> -4.5; March 11 x 0.5 = 5.5 capped 5 -> -5."""
    jan = items(warehouse, "D06", 1)
    assert [ref for _, _, _, ref in jan] == [f"B03-L{i:02d}" for i in (1, 2, 3, 4, 5, 6, 7, 10)]
    assert {(k, r, p) for k, r, p, _ in jan} == {("deduction", "late_feedback", 0.5)}
    assert score(warehouse, "D06", 1)["total_score"] == approx(-4)
    assert score(warehouse, "D06", 2)["total_score"] == approx(-4.5)
    assert [ref for *_, ref in items(warehouse, "D06", 2)][-1] == "B03-L13"
    march = score(warehouse, "D06", 3)
    assert [ref for *_, ref in items(warehouse, "D06", 3)] == [
        f"B03-L{i:02d}" for i in (1, 2, 3, 4, 5, 6, 7, 10, 13, 14, 15)
    ]
    assert march["deductions"] == approx(5)
    assert march["total_score"] == approx(-5)
    # sharing leads that are not signed earns B03 nothing
    assert score(warehouse, "B03", 3)["bonus"] == approx(0)


# --- periods, versions, duplicates, ranks ---------------------------------------------------------


def test_unit_active_from_mid_year(warehouse):
    """P07 is active from 1 Mar 2021: no January/February rows; in March the expected weeks are W09..W12,
    it missed W11 only (-1). Targets C 20, F 5, R 0.3 (weights 40 + 30 + 10 = 80, scale 100/80):
    C = 10 -> 0.5 -> 20; F = 2 -> 0.4 -> 12; R = 1/1 -> 3.33 capped 1.2 -> 12;
    base = 44 x 1.25 = 55; total 54."""
    rows = query(warehouse, "select month from marts.score_totals where unit_code = 'P07' and year = 2021")
    assert [r["month"] for r in rows] == [3]
    row = score(warehouse, "P07", 3)
    assert row["base_score"] == approx(55)
    assert row["total_score"] == approx(54)
    assert items(warehouse, "P07", 3) == [("deduction", "missing_report", 1.0, "2021-W11")]


def test_earlier_year_never_feeds_the_year(warehouse):
    """P06 reported 2020-W52 (a project signed Dec 2020 with 8 亿 funds), then 2021 from W05 (7 Feb).
    January 2021 has no snapshot: C = F = 0 (2020's funds do not count), base 0; missing 2020-W53
    (it belongs to January 2021) and W01..W04 -> 5; total -5. Targets C 10, F 10 (scale 100/70).
    February: B signed 3 Feb (10 亿, funds 1): C 1.0 -> 40; F = 0 + 1 -> 0.1 -> 3; base 43 x 100/70 = 61.429;
    total 61.429 - 5 = 56.429. 2020 itself is scored for P06 (months 1..12), with no targets (base NULL)."""
    jan = score(warehouse, "P06", 1)
    assert (jan["value_c"], jan["value_f"], jan["base_score"]) == (0, 0, approx(0))
    assert jan["snapshot_week_label"] is None
    assert [ref for *_, ref in items(warehouse, "P06", 1)] == [
        "2020-W53",
        "2021-W01",
        "2021-W02",
        "2021-W03",
        "2021-W04",
    ]
    assert jan["total_score"] == approx(-5)
    feb = score(warehouse, "P06", 2)
    assert feb["base_score"] == approx(61.429)
    assert feb["total_score"] == approx(56.429)
    dec = score(warehouse, "P06", 12, year=2020)
    assert dec["snapshot_week_label"] == "2020-W52"
    assert dec["value_f"] == 8 and dec["base_score"] is None
    other_2020 = query(warehouse, "select distinct unit_code from marts.score_totals where year = 2020")
    assert [r["unit_code"] for r in other_2020] == ["P06"]


def test_resent_week_version_two_wins(warehouse):
    """D01 sent 2021-W12 twice: version 1 says 50 亿, version 2 says 20 亿. Only C applies (target 20).
    March uses version 2: C = 20 -> 1.0 -> 100 (version 1 would give 50/20 capped 1.2 -> 120)."""
    row = score(warehouse, "D01", 3)
    assert row["value_c"] == 20
    assert row["base_score"] == approx(100)
    files = query(
        warehouse,
        "select version, versions_received from marts.expected_reports "
        "where unit_code = 'D01' and week_label = '2021-W12'",
    )
    assert files == [{"version": 2, "versions_received": 2}]
    # February (W08, version 1 only) still says 50: capped at 120
    assert score(warehouse, "D01", 2)["base_score"] == approx(120)


def test_project_reported_by_two_units_counts_for_neither(warehouse):
    """共享产业项目 / 同一投资集团 is on D02's ledger from W10 and on D05's in W12: in the March
    snapshots (W12) both rows are excluded. D02 (target C 30): C = 15 (its lead project) -> 0.5 -> 50
    (not 45 -> 120).
    D05 (target C 10): C = 0 -> base 0."""
    assert score(warehouse, "D02", 3)["value_c"] == 15
    assert score(warehouse, "D02", 3)["base_score"] == approx(50)
    assert score(warehouse, "D05", 3)["value_c"] == 0
    assert score(warehouse, "D05", 3)["base_score"] == approx(0)
    dups = query(
        warehouse,
        "select distinct unit_code, week_label from marts.fct_unit_month_projects "
        "where is_cross_unit_duplicate order by unit_code",
    )
    assert dups == [
        {"unit_code": "D02", "week_label": "2021-W12"},
        {"unit_code": "D05", "week_label": "2021-W12"},
    ]
    flagged = query(
        warehouse,
        "select unit_code, counted_c from marts.fct_unit_month_projects "
        "where year = 2021 and month = 3 and is_cross_unit_duplicate order by unit_code",
    )
    assert flagged == [{"unit_code": "D02", "counted_c": False}, {"unit_code": "D05", "counted_c": False}]


def test_ranks_within_type_with_ties(warehouse):
    """March totals. Platforms: P03 125, P01 100.574, P04 63.333, P06 56.429, P07 54, P02 50, P05 -10.
    Departments: D01 100, D02 50, D05 0, D06 -5; D03 and D04 have no total and no rank.
    Bureau sections: B01 C 20/10 capped -> 120; B02 5 亿 and B03 0.1 + 0.2 + 4.7 亿 -> 50 each:
    a tie, both rank 2."""
    rows = query(
        warehouse,
        "select unit_code, rank_in_group from marts.score_totals "
        "where year = 2021 and month = 3 order by unit_code",
    )
    ranks = {r["unit_code"]: r["rank_in_group"] for r in rows}
    assert ranks == {
        "P03": 1,
        "P01": 2,
        "P04": 3,
        "P06": 4,
        "P07": 5,
        "P02": 6,
        "P05": 7,
        "D01": 1,
        "D02": 2,
        "D05": 3,
        "D06": 4,
        "D03": None,
        "D04": None,
        "B01": 1,
        "B02": 2,
        "B03": 2,
    }
    assert score(warehouse, "B03", 3)["total_score"] == approx(50)
    # January: B01's lead project is not signed yet (0); B02 and B03 tie first
    jan = query(
        warehouse,
        "select unit_code, rank_in_group from marts.score_totals "
        "where year = 2021 and month = 1 and unit_type = 'bureau_section' order by unit_code",
    )
    assert [r["rank_in_group"] for r in jan] == [3, 1, 1]


# --- district -------------------------------------------------------------------------------------


def test_district_indicators_march(warehouse):
    """District, March 2021 (same definitions over all units, duplicates excluded):
    industrial contract amount = P01 130 + P02 80 + P03 130 + P04 40 + P06 10 + P07 10 + D01 20 + D02 15
      + D03 5 + D04 5 + B01 20 + B02 5 + B03 5 = 475 (target 1000 -> completion 0.475);
    consumer goods = P03 130 + D02 15 = 145 (target 100 -> 1.45); quality = P01 a, c + P02 Y + P04 T1 = 4;
    major (industrial >= 50) = P01 a 80, b 50 + P02 60 + P03 130 = 4;
    landing rate = 6 landed (P01 a, P02 L, P07 S, D01, D02 L, B01) / 18 signed = 0.3333."""
    rows = query(
        warehouse,
        "select indicator, value, target, completion from marts.district_month_indicators "
        "where year = 2021 and month = 3",
    )
    got = {r["indicator"]: r for r in rows}
    assert got["contract_amount_industrial"]["value"] == approx(475)
    assert got["contract_amount_industrial"]["completion"] == approx(0.475)
    assert got["contract_amount_consumer_goods"]["value"] == approx(145)
    assert got["contract_amount_consumer_goods"]["completion"] == approx(1.45)
    assert got["quality_projects"]["value"] == 4
    assert got["major_projects"]["value"] == 4
    assert got["landing_conversion_rate"]["value"] == approx(6 / 18)
    assert got["share_out_of_city"]["value"] == approx(0)  # every hand-made project is 市内
    assert got["contract_amount_other"]["value"] == approx(30)  # P01 c (not industrial)
    assert got["projects_terminated"]["value"] == 1
    assert got["share_sci_tech"]["target"] is None
