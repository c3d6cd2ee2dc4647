"""The year-end snapshot of SPEC 3 (corrected 2026-12) on one hand-made inbox: .xlsx reports → ingestion → one
real `dbt build`. Every expected value below is computed by hand from SPEC 3.

The snapshot of a period is the unit's report of the ISO week that contains the period end (or, until it has
arrived, its latest earlier report); dated facts count by their calendar dates; F reads funds_ytd from the
unit's last report of week-year y when the week of the period end belongs to y + 1.

  P01  2021 ends on a Friday in 2021-W52 (Mon 27 Dec 2021 .. Sun 2 Jan 2022). Reports W51 and W52.
       P01A industrial, 20 亿, signed 10 Dec 2021, funds 2: in W51 and W52.
       P01B industrial (装备制造), 世界500强, 60 亿, signed Tue 28 Dec 2021, funds 4: only in W52.
       December 2021: snapshot W52 (contains 31 Dec) → C = 20 + 60 = 80, Q = 1 (B), M = 1 (B, 60 ≥ 50),
       F = 2 + 4 = 6 (W52 is week-year 2021), R = 0 landed / 2 signed = 0.
       (The earlier rule took W51: C 20, Q 0, M 0, F 2 — the 28 December signing counted nowhere.)
       January 2022 (scored: W52's Sunday is 2 Jan 2022): the week of 31 Jan (2022-W05) has not arrived, the
       latest earlier report is W52 → nothing signed in 2022: C = Q = M = 0; F = 0 (no report of week-year
       2022; the earlier rule showed 2021's funds, 6).
       Targets 2021: C 100, F 10, Q 1, M 1, R 0.5 → 40 x 0.8 + 30 x 0.6 + 10 x 1 + 10 x 1 + 10 x 0 = 70.
  P02  2024 ends on a Tuesday, in 2025-W01 (Mon 30 Dec 2024 .. Sun 5 Jan 2025). Reports 2024-W52 (ends Sun 29
       Dec 2024) and 2025-W01.
       P02A industrial, 30 亿, signed 5 Dec 2024: funds 7 in W52; funds 0.5 in 2025-W01 (the new week-year).
       P02B industrial, 上市公司, 50 亿, signed Mon 30 Dec 2024, funds 1: only in 2025-W01.
       P02C industrial, 在谈, funds 2: only in W52 (dropped from the W01 report).
       December 2024: snapshot 2025-W01 → C = 30 + 50 = 80, Q = 1 (B), M = 1 (B, 50 ≥ 50); F from the last
       report of week-year 2024, W52: 7 + 2 = 9 (not W01's 0.5 + 1). (Earlier rule: W52, C 30, Q 0, M 0.)
       January 2025: snapshot 2025-W01 (week of 31 Jan not arrived) → C = 0; F = 0.5 + 1 = 1.5 (W01 is
       week-year 2025).
  P03  Reports only 2021-W51 (ends 26 Dec 2021): December 2021 falls back to it, C = 10 (signed 20 Dec 2021);
       no report in 2022, so no row for January 2022.
"""

from __future__ import annotations

from datetime import date

import pytest

from basics.home import Home
from tests.helpers.spec6 import SPEC6_EXPORT
from tests.helpers.workbooks import week_path, write_report
from tests.scoring.conftest import config_folder, dbt_build, ingest, query
from tests.scoring.timeline import Project, ledger_at, sunday

pytestmark = pytest.mark.slow  # one real `dbt build` of its own hand-made inbox

d = date

TARGETS = [
    # year, unit, C, F, Q, M, R
    "2021,P01,100,10,1,1,0.5",
    "2022,P01,100,10,1,1,0.5",
    "2021,P03,100,10,1,1,0.5",
    "2024,P02,100,10,1,1,0.5",
    "2025,P02,100,10,1,1,0.5",
]

UNITS: dict[str, tuple[list[str], list[Project]]] = {
    "P01": (
        ["2021-W51", "2021-W52"],
        [
            Project("P01A", amount=20, funds=2, signed_on=d(2021, 12, 10), appears_on=d(2021, 12, 1)),
            Project(
                "P01B",
                investor_type="世界500强",
                amount=60,
                funds=4,
                signed_on=d(2021, 12, 28),
                appears_on=d(2021, 12, 28),
            ),
        ],
    ),
    "P02": (
        ["2024-W52", "2025-W01"],
        [
            # the same project before and after the week-year turns: funds_ytd restarts
            Project(
                "P02A",
                amount=30,
                funds=7,
                signed_on=d(2024, 12, 5),
                appears_on=d(2024, 12, 1),
                leaves_on=d(2024, 12, 30),
            ),
            Project("P02A", amount=30, funds=0.5, signed_on=d(2024, 12, 5), appears_on=d(2024, 12, 30)),
            Project(
                "P02B",
                investor_type="上市公司",
                amount=50,
                funds=1,
                signed_on=d(2024, 12, 30),
                appears_on=d(2024, 12, 30),
            ),
            Project("P02C", funds=2, appears_on=d(2024, 12, 1), leaves_on=d(2024, 12, 30)),
        ],
    ),
    "P03": (
        ["2021-W51"],
        [Project("P03A", amount=10, signed_on=d(2021, 12, 20), appears_on=d(2021, 12, 1))],
    ),
}


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory):
    root = tmp_path_factory.mktemp("year_end")
    home = Home(root / "home").ensure()
    inbox = root / "inbox"
    for unit, (report_weeks, projects) in UNITS.items():
        for week in report_weeks:
            write_report(week_path(inbox, week, unit), ledger_at(projects, sunday(week)))
    ingest(home, inbox)
    dbt_build(config_folder(root, TARGETS), home.warehouse)
    return home.warehouse


def score(warehouse, unit: str, year: int, month: int) -> dict:
    """The unit-month's row of the SPEC §6 export (value_c … rank_in_type)."""
    rows = query(
        warehouse,
        f"select * from {SPEC6_EXPORT} where year = ? and month = ? and unit_code = ?",
        [year, month, unit],
    )
    assert len(rows) == 1, (unit, year, month, rows)
    return rows[0]


def values(row: dict) -> tuple:
    return (row["value_c"], row["value_f"], row["value_q"], row["value_m"])


def test_signing_in_the_last_week_counts_in_december(warehouse):
    dec = score(warehouse, "P01", 2021, 12)
    assert dec["snapshot_week_label"] == "2021-W52"
    assert values(dec) == pytest.approx((80, 6, 1, 1))
    assert dec["value_r"] == pytest.approx(0)
    assert dec["base_score"] == pytest.approx(70, abs=0.005)


def test_and_never_in_january_of_the_next_year(warehouse):
    jan = score(warehouse, "P01", 2022, 1)
    assert jan["snapshot_week_label"] == "2021-W52"
    assert values(jan) == pytest.approx((0, 0, 0, 0))


def test_year_ending_on_tuesday_takes_f_from_the_last_report_of_the_week_year(warehouse):
    dec = score(warehouse, "P02", 2024, 12)
    assert dec["snapshot_week_label"] == "2025-W01"
    assert values(dec) == pytest.approx((80, 9, 1, 1))
    jan = score(warehouse, "P02", 2025, 1)
    assert jan["snapshot_week_label"] == "2025-W01"
    assert values(jan) == pytest.approx((0, 1.5, 0, 0))


def test_rows_behind_december_2024_show_which_report_each_counts_from(warehouse):
    rows = query(
        warehouse,
        "select week_label, project_code, in_snapshot, in_funds_report, counted_c, counted_f "
        "from marts.fct_unit_month_projects where year = 2024 and month = 12 and unit_code = 'P02' "
        "order by week_label, project_code",
    )
    assert [tuple(r.values()) for r in rows] == [
        ("2024-W52", "P02A", False, True, False, True),
        ("2024-W52", "P02C", False, True, False, True),
        ("2025-W01", "P02A", True, False, True, False),
        ("2025-W01", "P02B", True, False, True, False),
    ]


def test_unit_without_the_last_week_falls_back_to_its_latest_report(warehouse):
    dec = score(warehouse, "P03", 2021, 12)
    assert dec["snapshot_week_label"] == "2021-W51"
    assert dec["value_c"] == pytest.approx(10)
    assert not query(warehouse, "select 1 from marts.score_totals where unit_code = 'P03' and year = 2022")


def test_district_december_counts_the_year_end_signings(warehouse):
    rows = query(
        warehouse,
        "select year, indicator, value from marts.district_month_indicators "
        "where month = 12 and indicator in ('contract_amount_industrial', 'funds_in_place_industrial', "
        "'quality_projects', 'major_projects') order by year, indicator",
    )
    assert [(r["year"], r["indicator"], r["value"]) for r in rows] == [
        # 2021: P01 80 + P03 10; funds P01 6 (P03A has none); Q, M: P01B
        (2021, "contract_amount_industrial", pytest.approx(90)),
        (2021, "funds_in_place_industrial", pytest.approx(6)),
        (2021, "major_projects", pytest.approx(1)),
        (2021, "quality_projects", pytest.approx(1)),
        # 2024: P02 only
        (2024, "contract_amount_industrial", pytest.approx(80)),
        (2024, "funds_in_place_industrial", pytest.approx(9)),
        (2024, "major_projects", pytest.approx(1)),
        (2024, "quality_projects", pytest.approx(1)),
    ]


def test_the_w52_receipt_shows_the_year_to_date_of_2021(warehouse, tmp_path):
    """2021-W52 (27 Dec 2021 .. 2 Jan 2022) is December 2021's report: its receipt shows 2021's year to date
    (C 80, base score 70 as computed above), not January 2022's."""
    from openpyxl import load_workbook

    from unit_workbooks.receipt import write_pending_receipts

    write_pending_receipts(warehouse, tmp_path)
    book = load_workbook(tmp_path / "receipts" / "2021-W52" / "P01.xlsx", read_only=True)
    lines = [[c for c in row if c is not None] for row in book.worksheets[0].iter_rows(values_only=True)]
    text = "\n".join(" ".join(map(str, line)) for line in lines)
    assert "本年累计（2021年1月1日至12月末" in text, text
    assert "2022年1月1日" not in text
    base = next((line for line in lines if "base score" in line), None)
    assert base is not None, text
    assert float(base[1]) == pytest.approx(70, abs=0.005), base
    contracted = next((line for line in lines if line and line[0] == "协议引资额(亿元)"), None)
    assert contracted is not None, text
    assert float(contracted[1]) == pytest.approx(80), contracted
