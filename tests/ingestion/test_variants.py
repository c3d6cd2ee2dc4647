"""Every accepted way of writing the same report loads the same normalised values as the plain workbook."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from basics.home import Home
from ingestion.pipeline import ingest_inbox
from tests.helpers.workbooks import LEDGER_HEADERS, week_path, write_csv_report, write_report
from tests.ingestion.reports import (
    PLAIN_EXPECTED_FIRST,
    TRADITIONAL_HEADERS,
    WEEK,
    plain_ledger,
    traditional,
    write_columns,
)
from tests.ingestion.views import ledger_values, rows, table_counts

DATE_FIELDS = ("signed_on", "landed_on", "started_on", "producing_on", "feedback_on")


def _dates_as(fmt: Callable[[date], Any]) -> list[dict[str, Any]]:
    return [
        {k: fmt(v) if k in DATE_FIELDS and v is not None else v for k, v in r.items()} for r in plain_ledger()
    ]


def _yes_no_as(yes: Any, no: Any) -> list[dict[str, Any]]:
    return [{**r, "is_sci_tech": yes if r["is_sci_tech"] == "是" else no} for r in plain_ledger()]


def _wan(inbox: Path) -> None:
    ledger = [
        {**r, **{f: r[f] * 10_000 for f in ("contract_amount", "funds_ytd") if r.get(f) is not None}}
        for r in plain_ledger()
    ]
    write_report(
        week_path(inbox, WEEK, "P01"),
        ledger,
        headers={"contract_amount": "协议引资额(万元)", "funds_ytd": "本年实际到位资金（万元）"},
    )


def _shuffled(inbox: Path) -> None:
    order = list(LEDGER_HEADERS)
    random.Random(5).shuffle(order)
    write_columns(week_path(inbox, WEEK, "P01"), plain_ledger(), order)


def _brackets_and_spaces(inbox: Path) -> None:
    write_report(
        week_path(inbox, WEEK, "P01"),
        plain_ledger(),
        headers={
            "project_code": " 项目编号 ",
            "contract_amount": "协议引资额（亿元）",
            "funds_ytd": "本年实际到位资金 (亿元)",
            "land_mu": "用地【亩】",
            "stage": "项目阶段*",
            "investor_type": "企业　类型",
        },
    )


VARIANTS: dict[str, Callable[[Path], Any]] = {
    "traditional": lambda inbox: write_report(
        week_path(inbox, WEEK, "P01"),
        traditional(plain_ledger()),
        headers=TRADITIONAL_HEADERS,
        ledger_sheet="項目台賬",
    ),
    "wan_yuan": _wan,
    "dates_iso_text": lambda inbox: write_report(
        week_path(inbox, WEEK, "P01"), _dates_as(lambda d: d.isoformat())
    ),
    "dates_slash": lambda inbox: write_report(
        week_path(inbox, WEEK, "P01"), _dates_as(lambda d: f"{d.year}/{d.month}/{d.day}")
    ),
    "dates_chinese": lambda inbox: write_report(
        week_path(inbox, WEEK, "P01"), _dates_as(lambda d: f"{d.year}年{d.month}月{d.day}日")
    ),
    "dates_excel_datetime": lambda inbox: write_report(
        week_path(inbox, WEEK, "P01"), _dates_as(lambda d: datetime(d.year, d.month, d.day, 9, 30))
    ),
    "yes_no_y_n": lambda inbox: write_report(week_path(inbox, WEEK, "P01"), _yes_no_as("Y", "n")),
    "yes_no_1_0": lambda inbox: write_report(week_path(inbox, WEEK, "P01"), _yes_no_as(1, 0)),
    "yes_no_true_false": lambda inbox: write_report(
        week_path(inbox, WEEK, "P01"), _yes_no_as("true", "FALSE")
    ),
    "yes_no_excel_bool": lambda inbox: write_report(week_path(inbox, WEEK, "P01"), _yes_no_as(True, False)),
    "csv_utf8": lambda inbox: write_csv_report(week_path(inbox, WEEK, "P01", "csv"), plain_ledger()),
    "csv_utf8_bom": lambda inbox: write_csv_report(
        week_path(inbox, WEEK, "P01", "csv"), plain_ledger(), encoding="utf-8-sig"
    ),
    "csv_gb18030": lambda inbox: write_csv_report(
        week_path(inbox, WEEK, "P01", "csv"), plain_ledger(), encoding="gb18030"
    ),
    "csv_gb18030_traditional_wan": lambda inbox: write_csv_report(
        week_path(inbox, WEEK, "P01", "csv"),
        [
            {**r, **{f: r[f] * 10_000 for f in ("contract_amount", "funds_ytd") if r.get(f) is not None}}
            for r in traditional(plain_ledger())
        ],
        encoding="gb18030",
        headers={
            **TRADITIONAL_HEADERS,
            "contract_amount": "協議引資額（萬元）",
            "funds_ytd": "本年實際到位資金(萬元)",
        },
    ),
    "shuffled_columns": _shuffled,
    "brackets_and_spaces": _brackets_and_spaces,
}


@pytest.fixture(scope="module")
def plain_values(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    home = Home(tmp_path_factory.mktemp("plain") / "home").ensure()
    write_report(week_path(home.inbox, WEEK, "P01"), plain_ledger())
    report = ingest_inbox(home)
    assert len(report.accepted) == 1 and not report.rejected
    assert rows(home, "select count(*) as n from raw.row_issues") == [{"n": 0}]
    return ledger_values(home)


def test_plain_report_is_normalised_to_codes_and_yi_yuan(plain_values: list[dict[str, Any]]) -> None:
    first = plain_values[0]
    assert {k: first[k] for k in PLAIN_EXPECTED_FIRST} == PLAIN_EXPECTED_FIRST
    assert [r["stage"] for r in plain_values] == ["producing", "signed", "negotiating", "terminated"]
    assert [r["origin"] for r in plain_values] == ["yrd", "gba", "overseas", "in_city"]
    assert [r["is_sci_tech"] for r in plain_values] == [True, False, False, True]
    assert plain_values[2]["contract_amount"] is None and plain_values[2]["signed_on"] is None


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_variant_loads_the_same_values(variant: str, home: Home, plain_values: list[dict[str, Any]]) -> None:
    VARIANTS[variant](home.inbox)
    report = ingest_inbox(home)
    assert [r.message() for r in report.rejected] == []
    assert len(report.accepted) == 1
    assert table_counts(home)["row_issues"] == 0, rows(home, "select * from raw.row_issues")
    loaded = ledger_values(home)
    if variant.startswith(("traditional", "csv_gb18030_traditional")):
        # names keep the unit's spelling; the duplicate-detection key is the same as the Simplified one
        assert loaded[0]["project_name"] == "智能終端產業園"
        loaded = [
            {**r, "project_name": p["project_name"], "investor": p["investor"]}
            for r, p in zip(loaded, plain_values, strict=True)
        ]
    assert loaded == plain_values
