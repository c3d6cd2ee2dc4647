"""Versioned bulletins around a resubmission: each `report` run is a new `reports/YYYY-MM/v<N>/`, earlier ones
untouched; a submitted month's bulletin shows the frozen figures (read back from its PDF and compared with the
frozen CSV) and says on page one where the current warehouse differs from them."""

from __future__ import annotations

import csv
import hashlib
import subprocess
from pathlib import Path

import pytest

from basics.home import Home
from bulletin import write_bulletin
from bulletin.content import HEADLINE
from expectations.gate import run_gate
from submission import submit_month
from tests.gate.dataset import MONTH, YEAR
from tests.gate.warehouse import copy_home, execute

pytestmark = pytest.mark.slow  # three bulletins printed by Chromium

CORRECTION = (  # P01 corrects a contract: the district's industrial amount goes from 920 to 930 亿元
    "update marts.district_month_indicators set value = 930, completion = 0.93 "
    "where year = 2021 and month = 2 and indicator = 'contract_amount_industrial'",
    "update marts.score_points set value = 70 "
    "where year = 2021 and month = 2 and unit_code = 'P01' and item_code = 'C' and line = 'item'",
    # the project row behind the correction (the snapshot rows are a view of the raw rows of the kept reports)
    "update raw.ledger_rows as l set contract_amount = l.contract_amount + 10 "
    "where exists (select 1 from marts.fct_unit_month_projects as s "
    "where s.file_sha256 = l.file_sha256 and s.sheet = l.sheet and s.row_number = l.row_number "
    "and s.year = 2021 and s.month = 2 and s.unit_code = 'P01' and s.project_code = ("
    "select min(project_code) from marts.fct_unit_month_projects "
    "where year = 2021 and month = 2 and unit_code = 'P01' and counted_c))",
)


def first_page(pdf: Path) -> str:
    text = subprocess.run(
        ["pdftotext", "-layout", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return " ".join(text.split())  # a sentence may wrap


def frozen_headline(csv_path: Path) -> dict[str, str]:
    """indicator -> its value as the frozen CSV states it (the last column is the indicator code)."""
    with open(csv_path, encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    return {r[-1]: r[3] for r in rows[1:] if r[-1] in HEADLINE}


@pytest.fixture
def home(base_home: Home, tmp_path: Path) -> Home:
    """A private copy of the clean February warehouse (tests/gate/fixtures.py)."""
    return copy_home(base_home, tmp_path / "home")


def digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}


def test_bulletins_are_versioned_and_show_the_submitted_figures(home: Home) -> None:
    v1 = submit_month(home, YEAR, MONTH, run_gate(home.warehouse, YEAR, MONTH), None, None)
    first = write_bulletin(home, YEAR, MONTH)
    assert first.version == 1 and first.folder == home.root / "reports" / "2021-02" / "v1"
    assert first.pdf is not None
    page = first_page(first.pdf)
    frozen = frozen_headline(v1.csv)
    assert frozen["contract_amount_industrial"] == "920.00" and len(frozen) == len(HEADLINE)
    for value in frozen.values():
        assert value in page
    assert "本通报为第1版" in page and "已报送市级考核关键指标第1版" in page and "一致" in page
    kept = digests(first.folder)

    execute(home, *CORRECTION)  # a later build changed the figures; the city still holds v1
    second = write_bulletin(home, YEAR, MONTH)
    assert second.folder.name == "v2" and digests(first.folder) == kept
    page = first_page(second.pdf)
    for value in frozen.values():  # still the submitted figures, and the difference stated on page one
        assert value in page
    assert "当前数据仓库与报送第1版有1项不同" in page
    assert "新引进产业类项目协议引资额报送920.00亿元、现为930.00亿元" in page.replace(" ", "")

    v2 = submit_month(home, YEAR, MONTH, run_gate(home.warehouse, YEAR, MONTH), None, "P01 更正协议引资额")
    third = write_bulletin(home, YEAR, MONTH)
    assert third.folder.name == "v3" and digests(first.folder) == kept
    page = first_page(third.pdf)
    resubmitted = frozen_headline(v2.csv)
    assert resubmitted["contract_amount_industrial"] == "930.00"
    for value in resubmitted.values():
        assert value in page
    assert "已报送市级考核关键指标第2版" in page and "不同" not in page
    assert sorted(p.name for p in (home.root / "reports" / "2021-02").iterdir()) == ["v1", "v2", "v3"]


def test_an_unsubmitted_month_says_so(home: Home) -> None:
    files = write_bulletin(home, YEAR, MONTH, with_pdf=False)
    html = files.html.read_text(encoding="utf-8")
    assert "本月尚未报送市级考核关键指标" in html and "zhaoshang" not in html.split("<body>")[1]
