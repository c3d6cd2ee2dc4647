"""Receipts and next week's templates as Dagster assets of the weekly run, on three units' sample year with
two rejected files: every file gets a receipt, a rejection carries the quarantine's reason, the figures are
the marts' figures."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import pytest
from openpyxl import load_workbook

from basics import registers
from basics.home import Home
from basics.weeks import period_of
from orchestration.definitions import defs
from orchestration.jobs import BUILD_JOB, WEEKLY_JOB
from orchestration.partitions import partition_range_tags
from orchestration.resources import HomeResource
from tests.helpers.workbooks import ledger_row, write_report
from zhaoshang.sample_data import write_sample_inbox

pytestmark = pytest.mark.slow  # a dbt build over three units' sample year

UNITS = ["P01", "P02", "D01"]
MISMATCH = "2021-W12/P02.xlsx"  # its cover names P03: rejected (unit_mismatch), the week stays unreported
UNKNOWN = "2021-W12/X99.xlsx"  # no such unit: rejected (unknown_unit)


def materialize(loaded: dict[str, Any], selection: Any, **kwargs: Any) -> dg.ExecuteInProcessResult:
    return dg.materialize(
        loaded["assets"],
        resources=loaded["resources"],
        instance=loaded["instance"],
        selection=selection,
        **kwargs,
    )


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    home = Home(tmp_path_factory.mktemp("home")).ensure()
    write_sample_inbox(home.inbox, year=2021, seed=7, units=UNITS)
    write_report(home.inbox / MISMATCH, [ledger_row(project_code="P02-X")], cover_unit="P03")
    write_report(home.inbox / UNKNOWN, [ledger_row(project_code="X99-1")])
    os.environ["ZHAOSHANG_WAREHOUSE"] = str(home.warehouse)
    definitions = defs()
    resources = {**definitions.resources, "home": HomeResource(root=str(home.root))}
    with dg.instance_for_test() as instance:
        out = {"home": home, "assets": list(definitions.assets), "resources": resources, "instance": instance}
        out["ingest"] = materialize(
            out,
            "weekly_reports",
            tags=partition_range_tags("2020-12-28", "2021-12-20"),
        )
        out["build"] = materialize(
            out, dg.AssetSelection.groups("registers", "staging", "intermediate", "marts", "units")
        )
        yield out


def query(home: Home, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def receipt(home: Home, week: str, unit: str) -> dict[str, Any]:
    """The 回执 sheet as {English key: value} and {Chinese label: value}."""
    ws = load_workbook(home.root / "receipts" / week / f"{unit}.xlsx")["回执"]
    out: dict[str, Any] = {}
    for label, value, english, *_ in ws.iter_rows(min_row=2, values_only=True):
        if label is not None:
            out[label] = value
        if english is not None:
            out[english] = value
    return out


def metadata(result: dg.ExecuteInProcessResult, key: str) -> dict[str, Any]:
    """Metadata of the asset's last materialization (a partition range materialises every partition)."""
    event = [e for e in result.get_asset_materialization_events() if e.asset_key.to_user_string() == key][-1]
    return {k: getattr(v, "value", v) for k, v in event.materialization.metadata.items()}


def test_the_weekly_run_writes_receipts_and_templates_after_the_build(loaded):
    assert loaded["ingest"].success and loaded["build"].success
    definitions = defs()
    for job in (WEEKLY_JOB, BUILD_JOB):
        keys = {k.to_user_string() for k in definitions.resolve_job_def(job).asset_layer.selected_asset_keys}
        assert {"unit_receipts", "unit_templates", "marts/score_totals", "marts/score_points"} <= keys, job
    graph = definitions.resolve_asset_graph()
    upstream = {k.to_user_string() for k in graph.get(dg.AssetKey("unit_receipts")).parent_keys}
    assert {"marts/score_totals", "marts/score_points", "marts/score_columns"} <= upstream


def test_every_file_received_has_a_receipt(loaded):
    home = loaded["home"]
    accepted = query(home, "select distinct week_label, unit_code from raw.report_files")
    assert len(accepted) > 100
    expected = {f"{week}/{unit}.xlsx" for week, unit in accepted} | {MISMATCH, UNKNOWN}
    written = {
        p.relative_to(home.root / "receipts").as_posix() for p in (home.root / "receipts").rglob("*.xlsx")
    }
    assert written == expected
    assert metadata(loaded["build"], "unit_receipts")["receipts"] == len(expected)
    summary = metadata(loaded["ingest"], "weekly_reports")["receipts"]
    assert "已接收（第1版）" in summary and "已拒收" in summary


@pytest.mark.parametrize("path", [MISMATCH, UNKNOWN])
def test_a_rejected_files_receipt_carries_the_quarantine_reason(loaded, path):
    home = loaded["home"]
    week, name = path.split("/")
    reason = (home.quarantine / week / f"{name}.reason.txt").read_text("utf-8").splitlines()
    zh = reason[0].removeprefix("拒收原因：")
    en = reason[1].removeprefix("Reason: ")
    facts = receipt(home, week, name.removesuffix(".xlsx"))
    assert facts["拒收原因"] == zh and facts["Reason"] == en
    assert facts["结果"].startswith("已拒收")
    assert "B1" in zh if path == MISMATCH else "X99" in zh


def scores(home: Home, unit: str, year: int, month: int) -> dict[str, Any]:
    """The unit-month's score_totals row, and its points per item of the 2021 method (marts.score_points)."""
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        cursor = con.execute(
            "select * from marts.score_totals where unit_code = ? and year = ? and month = ?",
            [unit, year, month],
        )
        out = dict(zip([d[0] for d in cursor.description], cursor.fetchone(), strict=True))
        for item, value, target, points in con.execute(
            "select item_code, max(case when line = 'item' then value end), "
            "max(case when line = 'item' then target end), sum(points) from marts.score_points "
            "where unit_code = ? and year = ? and month = ? group by item_code",
            [unit, year, month],
        ).fetchall():
            out[item] = (value, target, points)
        return out
    finally:
        con.close()


# the 2021 method's lines on a receipt: (Chinese label, item code, part)
RECEIPT_LINES = [
    ("协议引资额(亿元)", "C", 0),
    ("协议引资额目标(亿元)", "C", 1),
    ("协议引资额得分", "C", 2),
    ("实际到位资金得分", "F", 2),
    ("优质项目(个)", "Q", 0),
    ("重大项目得分", "M", 2),
    ("落地转化率", "R", 0),
    ("落地转化率得分", "R", 2),
    ("缺报周报（减分）", "missing_report", 2),
    ("线索反馈超时（减分）", "late_feedback", 2),
]


@pytest.mark.parametrize(
    ("week", "unit"), [("2021-W12", "P02"), ("2021-W12", "P01"), ("2021-W30", "D01"), ("2021-W51", "P01")]
)
def test_a_receipts_figures_are_the_marts_figures(loaded, week, unit):
    home = loaded["home"]
    facts = receipt(home, week, unit)
    year, month = period_of(week)  # the month the week reports (2021-W30, ending 1 August, reports July)
    marts = scores(home, unit, year, month)
    for label, item, part in RECEIPT_LINES:
        truth = marts.get(item, (None, None, 0.0 if item in ("missing_report", "late_feedback") else None))[
            part
        ]
        shown = facts[label]
        assert (shown == "不适用") if truth is None else shown == pytest.approx(truth, abs=1e-12), label
    for label, column in (
        ("基础得分", "base_score"),
        ("加分", "bonus"),
        ("减分", "deductions"),
        ("总分", "total_score"),
    ):
        truth = marts[column]
        assert facts[label] == ("不适用" if truth is None else pytest.approx(truth, abs=1e-12)), label
    assert facts["组内排名"] == marts["rank_in_group"]
    assert facts["收到时间"].endswith("（北京时间）") and "年" in facts["收到时间"]
    missing = query(
        home,
        "select ref from marts.score_points where unit_code = ? and year = ? and month = ? "
        "and item_code = 'missing_report' and line = 'event' order by ref",
        [unit, year, month],
    )
    listed = facts["缺报周次"]
    assert listed == ("、".join(ref for (ref,) in missing) or "无")
    if unit == "P02" and week == "2021-W12":
        assert "2021-W12" in listed  # its only file that week was rejected


def test_next_weeks_templates_are_prefilled_from_the_last_week(loaded):
    home = loaded["home"]
    # the sample year's last week is 2021-W51 (Sunday 26 December; W52 ends in 2022)
    folder = home.root / "templates" / "2021-W52"
    active = {code for code, unit in registers.units().items() if unit.active_on(date(2022, 1, 2))}
    assert {p.stem for p in folder.glob("*.xlsx")} == active
    ws = load_workbook(folder / "P01.xlsx")["项目台账"]
    codes = [row[0] for row in ws.iter_rows(min_row=2, values_only=True) if row[0]]
    stored = query(
        home,
        "select project_code from raw.ledger_rows where unit_code = 'P01' and week_label = '2021-W51' "
        "order by row_number",
    )
    assert codes == [code for (code,) in stored] and codes
    blank = load_workbook(folder / "B01.xlsx")["项目台账"]  # B01 sent nothing: an empty ledger
    assert blank.max_row == 1


def test_a_corrected_resend_rewrites_only_its_receipt(loaded):
    home = loaded["home"]
    path: Path = home.inbox / MISMATCH
    write_report(path, [ledger_row(project_code="P02-X")], cover_unit="P02")
    ingest = materialize(
        loaded,
        "weekly_reports",
        tags=partition_range_tags("2021-03-22", "2021-03-22"),
    )
    assert metadata(ingest, "weekly_reports")["accepted"] == 1
    again = materialize(loaded, "unit_receipts")
    assert metadata(again, "unit_receipts")["receipts"] == 1
    facts = receipt(home, "2021-W12", "P02")
    assert facts["结果"].startswith("已接收（第1版）")
    files = load_workbook(home.root / "receipts" / "2021-W12" / "P02.xlsx")["文件记录"]
    results = [row[3] for row in files.iter_rows(min_row=2, values_only=True)]
    assert results == ["已拒收 / rejected", "已接收 / accepted"]
