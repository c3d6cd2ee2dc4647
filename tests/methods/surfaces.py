"""Every surface a person reads shows the method's own items and the marts' totals: `zhaoshang scores`
(terminal, --csv, --xlsx), `zhaoshang explain`, the receipts and the submission workbook, run on a copy of a
methods test's warehouse (no new build).

The expected figures are read straight from `marts.score_totals` and `marts.score_points` here (each test
module also checks a few against its worked example by hand).
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from basics.home import Home
from basics.weeks import week_end
from tests.conftest import PROJECT_ROOT, VENV_BIN
from tests.scoring.conftest import query


def zhaoshang(home: Home, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "ZHAOSHANG_HOME"}
    return subprocess.run(
        [str(VENV_BIN / "zhaoshang"), *args, "--home", str(home.root)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def copy_of(warehouse: Path, root: Path) -> Home:
    """A copy of the methods test's home (its warehouse was built from the test's method)."""
    shutil.copytree(warehouse.parent, root / "home")
    return Home(root / "home")


def expected(warehouse: Path, year: int, month: int) -> dict[str, Any]:
    """score_totals by unit, the method's columns (label, kind), and each unit's points per item."""
    totals = {
        r["unit_code"]: r
        for r in query(
            warehouse, "select * from marts.score_totals where year = ? and month = ?", [year, month]
        )
    }
    (method,) = {r["method_code"] for r in totals.values()}
    columns = query(
        warehouse,
        "select item_code, label_zh, kind from marts.score_columns "
        "where method_code = ? order by column_order",
        [method],
    )
    points: dict[tuple[str, str], float | None] = {}
    for r in query(
        warehouse,
        "select unit_code, item_code, sum(points) as points from marts.score_points "
        "where year = ? and month = ? group by unit_code, item_code",
        [year, month],
    ):
        points[(r["unit_code"], r["item_code"])] = r["points"]
    return {"totals": totals, "columns": columns, "points": points}


def header_of(column: dict[str, Any]) -> str:
    """The Chinese header of an item's points: 〈label〉得分 (indicators), 〈label〉（加分/减分）."""
    if column["kind"] in ("indicator", "manual"):
        return f"{column['label_zh']}得分"
    return f"{column['label_zh']}（{ {'bonus': '加分', 'deduction': '减分'}[column['kind']] }）"


def check_scores_csv_and_xlsx(home: Home, want: dict[str, Any], year: int, month: int, tmp: Path) -> None:
    label = f"{year}-{month:02d}"
    proc = zhaoshang(
        home, "scores", "--month", label, "--csv", str(tmp / "s.csv"), "--xlsx", str(tmp / "s.xlsx")
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    rows = list(csv.DictReader(io.StringIO((tmp / "s.csv").read_text("utf-8-sig"))))
    assert {r["单位编号"] for r in rows} == set(want["totals"])
    headers = list(rows[0])
    item_headers = [header_of(c) for c in want["columns"]]
    assert [h for h in headers if h in item_headers] == item_headers  # every item, in the method's order
    for r in rows:
        unit = r["单位编号"]
        total = want["totals"][unit]
        assert float(r["总分"]) == round(total["total_score"], 2), (unit, r["总分"])
        assert r["组内排名"] == ("" if total["rank_in_group"] is None else str(total["rank_in_group"]))
        for column in want["columns"]:
            got = r[header_of(column)]
            truth = want["points"].get((unit, column["item_code"]))
            if truth is None and column["kind"] not in ("indicator", "manual"):
                truth = 0.0
            assert (got == "") if truth is None else float(got) == round(truth, 2), (unit, column, got)
    book = openpyxl.load_workbook(tmp / "s.xlsx").active
    xlsx_headers = [c.value for c in book[3]]
    assert xlsx_headers == headers
    for row in book.iter_rows(min_row=4, values_only=True):
        record = dict(zip(xlsx_headers, row, strict=True))
        assert record["总分"] == round(want["totals"][record["单位编号"]]["total_score"], 2)
    terminal = zhaoshang(home, "scores", "--month", label)
    assert terminal.returncode == 0, terminal.stderr
    for column in want["columns"]:
        assert header_of(column) in terminal.stdout, column
    for total in want["totals"].values():
        assert f"{total['total_score']:,.2f}" in terminal.stdout


def check_explain(home: Home, want: dict[str, Any], year: int, month: int) -> None:
    for unit, total in want["totals"].items():
        proc = zhaoshang(home, "explain", "--unit", unit, "--month", f"{year}-{month:02d}")
        assert proc.returncode == 0, proc.stdout + proc.stderr
        shown = f"{total['total_score']:,.2f}".rstrip("0").rstrip(".")
        assert f"总分 {shown} =" in proc.stdout, proc.stdout
        for column in want["columns"]:
            if (unit, column["item_code"]) in want["points"]:
                assert column["label_zh"].removesuffix("（合计封顶）") in proc.stdout, column


def check_receipts(home: Home, want: dict[str, Any], year: int, month: int) -> int:
    """Receipts of the weeks ending in the month: the method's items, the unit's total; how many."""
    from unit_workbooks.receipt import write_pending_receipts

    written = write_pending_receipts(home.warehouse, home.root)
    seen = 0
    for receipt in written:
        end = week_end(receipt.folder)
        if (end.year, end.month) != (year, month) or receipt.unit not in want["totals"]:
            continue
        sheet = openpyxl.load_workbook(receipt.path)["回执"]
        lines = {r[0]: r[1] for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] is not None}
        total = want["totals"][receipt.unit]
        assert lines["总分"] == pytest.approx(total["total_score"], abs=1e-9), lines
        assert lines["组内排名"] == total["rank_in_group"]
        for column in want["columns"]:
            assert header_of(column) in lines, (receipt.path, column)
        seen += 1
    return seen


def check_submission(home: Home, want: dict[str, Any], year: int, month: int) -> None:
    """`zhaoshang submit` (every unit's missing weeks waived: the test world reports few weeks)."""
    units = sorted(r["unit_code"] for r in query(home.warehouse, "select unit_code from marts.dim_unit"))
    waivers = [f"{u}=测试数据只含少数周次" for u in units]
    proc = zhaoshang(home, "submit", "--month", f"{year}-{month:02d}", "--waive", *waivers)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (book,) = (home.submissions / f"{year}-{month:02d}" / "v1").glob("*.xlsx")
    rows = list(openpyxl.load_workbook(book)["单位得分"].iter_rows(values_only=True))
    top, sub = rows[2], rows[3]
    headers = [t or s for t, s in zip(top, sub, strict=True)]
    for column in want["columns"]:
        if column["kind"] in ("indicator", "manual"):
            assert any(h and h.startswith(column["label_zh"]) for h in top), column
        else:
            assert header_of(column) in headers, column
    by_unit = {r[-1]: r for r in rows[4:]}
    assert set(by_unit) == set(want["totals"])
    total_col = headers.index("总分")
    for unit, total in want["totals"].items():
        assert by_unit[unit][total_col] == round(total["total_score"], 2)
        assert by_unit[unit][1] == total["rank_in_group"]


def check_report(home: Home, want: dict[str, Any], year: int, month: int) -> None:
    """`zhaoshang report`: the HTML opened in headless Chromium shows every unit with its total and every item
    label of the method; the PDF's text (pdftotext) names every unit and every item label, with each total."""
    import re

    from playwright import sync_api

    from bulletin.pdf import FLAGS, chromium

    label = f"{year}-{month:02d}"
    proc = zhaoshang(home, "report", "--month", label)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    folder = max((home.root / "reports" / label).glob("v*"), key=lambda p: int(p.name[1:]))
    names = {
        r["unit_code"]: r["name_zh"]
        for r in query(home.warehouse, "select unit_code, name_zh from marts.dim_unit")
    }
    labels = [c["label_zh"] for c in want["columns"]]
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=[f for f in FLAGS if f != "--headless"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort())
            page.goto((folder / f"月度考核通报_{label}.html").as_uri(), wait_until="load", timeout=60_000)
            rows = page.eval_on_selector_all(
                "table.ranking tr[data-unit]",
                "rows => rows.map(r => [r.dataset.unit, r.querySelector('.unit-name').textContent,"
                " r.querySelector('td.total').textContent])",
            )
            shown = page.inner_text("body")
        finally:
            browser.close()
    assert {unit: (name, total) for unit, name, total in rows} == {
        unit: (names[unit], f"{total['total_score']:.2f}") for unit, total in want["totals"].items()
    }
    for text in labels:
        assert text in shown, text
    pdf = subprocess.run(
        ["pdftotext", str(folder / f"月度考核通报_{label}.pdf"), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    flat = re.sub(r"\s+", "", pdf)
    for unit, total in want["totals"].items():
        assert names[unit] in flat and f"{total['total_score']:.2f}" in flat, unit
    for text in labels:
        assert re.sub(r"\s+", "", text) in flat, text
