"""The submission workbook as the city bureau prints it: converted to PDF by LibreOffice headless."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import duckdb
import pytest

from basics.home import Home
from expectations.gate import run_gate
from submission import submit_month
from submission.export import INDICATOR_HEADERS, SUB_HEADERS, score_groups
from submission.score_sheet import load
from tests.gate.dataset import MONTH, YEAR

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PLAIN = "(the whole document in drawing order, a cell's lines together, without white space)"


@pytest.fixture(scope="module")
def printed(base_home: Home, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list[str]]:
    """Sheet name -> the text of each of its printed pages (the page header names the sheet)."""
    if SOFFICE is None:
        pytest.fail("LibreOffice is not installed: run `bash .ci/install` as root")
    from tests.gate.warehouse import copy_home

    tmp = tmp_path_factory.mktemp("print")
    home = copy_home(base_home, tmp / "home")
    result = submit_month(home, YEAR, MONTH, run_gate(home.warehouse, YEAR, MONTH), None, None)
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(tmp / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(tmp), str(result.xlsx)],
        capture_output=True, timeout=240, check=True,
    )  # fmt: skip
    pdf = tmp / f"{result.xlsx.stem}.pdf"
    info = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width > height, "landscape"
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    sheets: dict[str, list[str]] = {}
    for page in text.split("\f"):
        if page.strip():
            sheets.setdefault(page.strip().splitlines()[0].strip(), []).append(page)
    plain = subprocess.run(
        ["pdftotext", "-raw", str(pdf), "-"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    sheets[PLAIN] = [re.sub(r"\s+", "", plain)]  # a header wrapped in its cell reads as one piece here
    artefacts = Path(__file__).resolve().parents[1] / "artefacts"  # for a human to look at; git-ignored
    artefacts.mkdir(exist_ok=True)
    shutil.copy(pdf, artefacts / "submission.pdf")
    return sheets


def test_main_sheet_on_one_landscape_page_with_sign_off(printed) -> None:
    (page,) = printed["市级考核关键指标"]
    for header in INDICATOR_HEADERS:
        assert header in page
    assert "新引进产业类项目协议引资额" in page and "50亿元以上产业类项目数" in page
    for field in ("填报单位", "负责人", "联系人", "联系电话", "填报日期"):
        assert field in page
    assert re.search(r"生成时间：\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}（北京时间）", page)
    assert not re.search(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}", page)  # no ISO / UTC timestamps
    assert "第 1 页" in page


def test_unit_scores_on_at_most_two_pages_with_every_header_whole(printed, base_home: Home) -> None:
    con = duckdb.connect(str(base_home.warehouse), read_only=True)
    try:
        sheet = load(con, [YEAR], MONTH)  # the 2021 method's items (marts.score_columns)
    finally:
        con.close()
    pages = printed["单位得分"]
    assert 1 <= len(pages) <= 2
    text = "\n".join(pages)
    (plain,) = printed[PLAIN]
    for group, cols in score_groups(sheet):
        assert group in plain, group  # a header cut (by the page or its cell) would not read as one piece
        if len(cols) > 1:
            assert group in text, group  # a group header is on one line
            assert all(sub in text for sub in SUB_HEADERS.values())
    assert "实际到位资金(亿元)" in text and "缺报周报（减分）" in plain
    assert "得分空白表示该单位该项目标为0" in text  # blank scores explained
    assert "江津综合保税区" in text


def test_checks_sheet_reads_in_chinese_first(printed) -> None:
    text = "\n".join(printed["数据质量检查"])
    assert "检查时间" in text and "北京时间" in text
    first_cells = [line.split()[0] for line in text.splitlines() if "阻断" in line or "警告" in line]
    assert first_cells and not [c for c in first_cells if re.fullmatch(r"[a-z_]+", c)]
