"""`zhaoshang report`: the bulletin opened in a real headless Chromium, its PDF and its workbook."""

from __future__ import annotations

import re
import subprocess

import duckdb
import openpyxl
import pytest

from bulletin.pdf import FLAGS, chromium
from expectations.gate import GX_CACHE
from tests.bulletin.conftest import LABEL, Report, keep_artefact, zhaoshang
from tests.gate.dataset import MONTH, YEAR

# The real `zhaoshang report` (gate, HTML, Chromium PDF): the fast loop skips it.
pytestmark = pytest.mark.slow

CHARTS = {"points", "cumulative_contract_amount_industrial", "cumulative_funds_in_place_industrial", "funnel",
          "industries", "leads"}  # fmt: skip
LOCAL = re.compile(r"^(file:|data:|about:blank)")


def marts(report: Report) -> dict[str, tuple[str, float | None]]:
    con = duckdb.connect(str(report.home.warehouse), read_only=True)
    try:
        rows = con.execute(
            "select s.unit_code, u.name_zh, s.total_score from marts.score_totals s "
            "join marts.dim_unit u using (unit_code) where s.year = ? and s.month = ?",
            [YEAR, MONTH],
        ).fetchall()
    finally:
        con.close()
    return {code: (name, total) for code, name, total in rows}


def test_report_writes_html_pdf_and_workbook(report: Report) -> None:
    assert report.proc.returncode == 0, report.proc.stdout + report.proc.stderr
    for suffix in ("html", "pdf", "xlsx"):
        assert report.file(suffix).stat().st_size > 0
        assert str(report.file(suffix)) in report.proc.stdout
    html = report.file("html").read_text(encoding="utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", html)  # nothing to fetch
    assert "<script" not in html


def test_the_bulletin_in_chromium(report: Report, tmp_path) -> None:
    """Loads from disk with no request leaving the file, no console error, every unit with its total, every
    chart drawn; the screenshot is kept."""
    from playwright import sync_api

    outside, errors = [], []
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium(), args=[f for f in FLAGS if f != "--headless"])
        try:
            page = browser.new_page(viewport={"width": 1000, "height": 1400})
            page.on("request", lambda r: None if LOCAL.match(r.url) else outside.append(r.url))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.route(re.compile(r"^(?!file:|data:)"), lambda route: route.abort())
            page.goto(report.file("html").as_uri(), wait_until="load", timeout=60_000)
            rows = page.eval_on_selector_all(
                "table.ranking tr[data-unit]",
                "rows => rows.map(r => [r.dataset.unit, r.querySelector('.unit-name').textContent,"
                " r.querySelector('td.total').textContent])",
            )
            charts = page.eval_on_selector_all(
                "svg.chart",
                """svgs => svgs.map(s => [s.dataset.chart, s.getBoundingClientRect().height,
                    [...s.querySelectorAll('rect, path, circle')].filter(e => {
                        const b = e.getBBox(); return b.width > 0 && b.height > 0; }).length])""",
            )
            unit_pages = page.eval_on_selector_all("section.unit-page", "s => s.map(e => e.dataset.unit)")
            shot = tmp_path / "bulletin.png"
            page.screenshot(path=str(shot), full_page=True)
            keep_artefact(shot)
        finally:
            browser.close()
    assert outside == [] and errors == []
    expected = marts(report)
    assert len(expected) >= 15
    shown = {unit: (name, total) for unit, name, total in rows}
    assert set(shown) == set(expected) == set(unit_pages)
    for unit, (name, total) in expected.items():
        assert shown[unit] == (name, f"{total:.2f}"), unit
    assert {name for name, _, _ in charts} == CHARTS
    for name, height, shapes in charts:
        assert height > 50 and shapes >= 3, (name, height, shapes)


def test_the_pdf_is_chinese_and_one_page_per_unit(report: Report, tmp_path) -> None:
    pdf = report.file("pdf")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60, check=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    expected = marts(report)
    assert pages <= 2 + len(expected)
    assert "招商引资工作月度考核通报" in text and "各单位考核排名" in text
    for name, total in expected.values():
        assert name in text and f"{total:.2f}" in text
    # every unit page is one page: its own heading appears on exactly one page
    per_page = text.split("\f")
    for name, _ in expected.values():
        assert sum(1 for page in per_page[2:] if f"{name}（" in page) == 1, name
    subprocess.run(["pdftoppm", "-r", "60", "-png", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "page")],
                   timeout=120, check=True)  # fmt: skip
    for picture in sorted(tmp_path.glob("page-*.png")):
        keep_artefact(picture.rename(picture.with_name(f"bulletin_{picture.name}")))


def test_the_committee_workbook_lists_every_point(report: Report) -> None:
    wb = openpyxl.load_workbook(report.file("xlsx"), read_only=True)
    assert wb.sheetnames == ["排名", "得分明细", "项目明细", "线索共享"]
    ranking = list(wb["排名"].iter_rows(min_row=5, values_only=True))
    expected = marts(report)
    assert {r[-1] for r in ranking} == set(expected)
    for r in ranking:
        assert r[-2] == pytest.approx(expected[r[-1]][1])
    detail = list(wb["得分明细"].iter_rows(min_row=5, values_only=True))
    for unit, (_, total) in expected.items():
        assert sum(r[6] or 0 for r in detail if r[-1] == unit) == pytest.approx(total), unit


def test_report_of_a_month_without_scores_is_one_sentence(report: Report) -> None:
    proc = zhaoshang(report.home, "report", "--month", "2019-05")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    assert "2019-05" in proc.stderr and "没有考核得分" in proc.stderr
    assert not (report.home.root / "reports" / "2019-05").exists()


def test_gate_latest_points_at_the_newest_run(report: Report) -> None:
    month = report.home.gate_reports / LABEL
    latest = month / "latest"
    assert latest.is_symlink() and (latest / "checks.json").exists()
    # the gate's runs; `.gx-cache` beside them holds the GX outcomes an unchanged month reuses
    runs = [p for p in month.iterdir() if p.is_dir() and not p.is_symlink() and p.name != GX_CACHE]
    assert runs and all((p / "checks.json").is_file() for p in runs)
    newest = max(runs, key=lambda p: (p / "checks.json").stat().st_mtime)
    assert latest.resolve() == newest.resolve()
    html = report.file("html").read_text(encoding="utf-8")
    assert "数据质量检查" in html and "尚未运行数据质量检查" not in html
