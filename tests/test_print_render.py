"""Every printed document as the bureau prints it: each workbook kind (weekly template, receipt, submission
workbook and its gate sheet, the committee's bulletin workbook) converted to PDF by LibreOffice headless in
one call, and the bulletin's HTML printed by Chromium. A document fails when a cell's text does not come out
whole (clipped by its row height or its neighbour, or a code broken across lines) or any text
is under 8 pt."""

from __future__ import annotations

import math
import re
import shutil
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

import duckdb
import openpyxl
import pytest

from basics.home import Home
from bulletin import write_bulletin
from expectations.gate import mark_latest, run_gate
from ingestion.discover import parse_week_folder
from submission import submit_month
from tests.gate.dataset import MONTH, YEAR
from tests.gate.fixtures import clean_home
from tests.gate.test_gate_faults import remove_report
from tests.gate.warehouse import copy_home
from unit_workbooks.receipt import gather_all, pending_receipts, receipt_path, write_receipt
from unit_workbooks.template import write_templates

pytestmark = pytest.mark.slow  # LibreOffice and Chromium

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
ARTEFACTS = Path(__file__).resolve().parent / "artefacts"  # for a human to look at; git-ignored
MIN_PT = 8.0
WAIVER = {"P06": "园区网络故障，已电话报告并书面说明"}  # a waived failure: its 问题说明 ends "（已豁免：…）"


@dataclass(frozen=True)
class Printed:
    xlsx: Path | None
    pdf: Path

    @property
    def text(self) -> str:
        """The PDF's text in drawing order (a cell's lines stay together), without any whitespace."""
        return re.sub(r"\s+", "", _run("pdftotext", "-raw", str(self.pdf), "-"))

    def font_sizes(self) -> dict[float, str]:
        """Every font size used on the pages (pt, as placed: after any print scaling) -> a text in it."""
        xml = _run("pdftohtml", "-xml", "-i", "-zoom", "1", "-stdout", str(self.pdf))
        root = ET.fromstring(xml)
        sizes = {spec.get("id"): float(spec.get("size")) for spec in root.iter("fontspec")}
        out: dict[float, str] = {}
        for node in root.iter("text"):
            words = "".join(node.itertext()).strip()
            if words:
                out.setdefault(sizes[node.get("font")], words)
        return out


def _run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=240, check=True).stdout


def _workbooks(home: Home, out: Path) -> dict[str, Path]:
    """One workbook of each kind, from the clean February warehouse (with one waived missing report)."""
    remove_report(home, "P06", "2021-W07")
    gate_dir = home.gate_reports / f"{YEAR}-{MONTH:02d}" / "run"
    gate = run_gate(home.warehouse, YEAR, MONTH, waivers=WAIVER, report_dir=gate_dir)
    mark_latest(gate_dir)
    submitted = submit_month(home, YEAR, MONTH, gate, WAIVER, None)
    bulletin = write_bulletin(home, YEAR, MONTH, with_pdf=False)
    (template,) = write_templates(home.warehouse, parse_week_folder("2021-W09"), ["P02"], out / "template")
    con = duckdb.connect(str(home.warehouse))
    try:
        pending = pending_receipts(con, out)
        key = next(k for k in sorted(pending) if k[1] == "P01")
        (facts,) = gather_all(con, {key: pending[key]})
    finally:
        con.close()
    receipt = write_receipt(facts, receipt_path(out / "receipt", *key))
    return {
        "template": template.path,
        "receipt": receipt,
        "submission": submitted.xlsx,
        "bulletin_workbook": bulletin.xlsx,
        "bulletin_html": bulletin.html,
    }


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Printed]:
    if SOFFICE is None:
        pytest.fail("LibreOffice is not installed: run `bash .ci/install` as root")
    from bulletin.pdf import print_pdf

    tmp = tmp_path_factory.mktemp("render")
    files = _workbooks(copy_home(clean_home(tmp_path_factory), tmp / "home"), tmp)
    pdf_dir = tmp / "pdf"
    books = {kind: path for kind, path in files.items() if path.suffix == ".xlsx"}
    named = {}
    for kind, path in books.items():  # unique names: one LibreOffice call converts them all
        named[kind] = shutil.copy(path, tmp / f"{kind}.xlsx")
    subprocess.run(
        [SOFFICE, "--headless", "--norestore", f"-env:UserInstallation={(tmp / 'lo').as_uri()}",
         "--convert-to", "pdf", "--outdir", str(pdf_dir), *map(str, named.values())],
        capture_output=True, timeout=600, check=True,
    )  # fmt: skip
    out = {kind: Printed(Path(named[kind]), pdf_dir / f"{kind}.pdf") for kind in books}
    html = files["bulletin_html"]
    out["bulletin_html"] = Printed(None, print_pdf(html, pdf_dir / "bulletin_html.pdf"))
    ARTEFACTS.mkdir(exist_ok=True)
    for kind, doc in out.items():
        shutil.copy(doc.pdf, ARTEFACTS / f"render_{kind}.pdf")
    return out


def cell_texts(xlsx: Path) -> dict[str, list[str]]:
    """Sheet -> the text of every non-empty string cell of a printed (visible) sheet."""
    book = openpyxl.load_workbook(xlsx)
    out = {}
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        cells = (c.value for row in ws.iter_rows() for c in row)
        out[ws.title] = [v for v in cells if isinstance(v, str) and v.strip()]
    return out


KINDS = ["template", "receipt", "submission", "bulletin_workbook"]


@pytest.mark.parametrize("kind", KINDS)
def test_every_cell_prints_whole(printed, kind) -> None:
    doc = printed[kind]
    text = doc.text
    clipped = [
        f"{sheet}: {value}"
        for sheet, values in cell_texts(doc.xlsx).items()
        for value in values
        if re.sub(r"\s+", "", value) not in text
    ]
    assert not clipped, f"{kind}: cells not printed whole:\n" + "\n".join(clipped[:20])


@pytest.mark.parametrize("kind", [*KINDS, "bulletin_html"])
def test_no_text_under_8_pt(printed, kind) -> None:
    small = {size: words for size, words in printed[kind].font_sizes().items() if size < MIN_PT}
    assert not small, f"{kind}: text under {MIN_PT} pt: {small}"


def _east_asian_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def geometry_problems(xlsx: Path) -> list[str]:
    """Cells the printed page cuts off, judged from the workbook alone: wrapped text taller than its row,
    one-line text taller than its row, or wider than its column(s) with a filled cell to its right.
    A column is as wide as its number of '0' digits of the 11 pt default font; a line is 1.2 x the font."""
    book = openpyxl.load_workbook(xlsx)
    out = []
    for ws in book.worksheets:
        if ws.sheet_state != "visible":
            continue
        merged = {(r.min_row, r.min_col): r for r in ws.merged_cells.ranges}
        covered = {(row, col) for r in ws.merged_cells.ranges for row, col in _cells(r)}

        for row in ws.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or not cell.value.strip():
                    continue
                if (cell.row, cell.column) in covered and (cell.row, cell.column) not in merged:
                    continue
                span = merged.get((cell.row, cell.column))
                cols = range(cell.column, (span.max_col if span else cell.column) + 1)
                rows = range(cell.row, (span.max_row if span else cell.row) + 1)
                chars = sum(_width(ws, c) for c in cols)
                tall = sum(_height(ws, r) for r in rows)
                size = cell.font.sz or 11
                units = [_east_asian_width(p) * size / 11 for p in cell.value.split("\n")]
                if cell.alignment.wrap_text:
                    lines = sum(max(1, math.ceil(u / max(chars - 1, 1))) for u in units)
                else:
                    lines = len(units)
                    right = ws.cell(cell.row, cols[-1] + 1).value
                    if max(units) > chars and right not in (None, ""):
                        out.append(f"{ws.title}!{cell.coordinate} wider than its column: {cell.value[:30]}")
                if tall + 0.5 < lines * size * 1.2:
                    out.append(f"{ws.title}!{cell.coordinate} {lines} line(s) of {size} pt in {tall} pt")
    return out


def _width(ws, col: int) -> float:  # noqa: ANN001
    """A column's width; one <col> element may cover several columns (min..max)."""
    for dim in ws.column_dimensions.values():
        if dim.min is not None and dim.min <= col <= (dim.max or dim.min) and dim.width:
            return dim.width
    return 8.43


def _height(ws, row: int) -> float:  # noqa: ANN001
    dim = ws.row_dimensions.get(row)
    return dim.height if dim is not None and dim.height else 15.0


def _cells(r) -> list[tuple[int, int]]:  # noqa: ANN001
    return [(row, col) for row in range(r.min_row, r.max_row + 1) for col in range(r.min_col, r.max_col + 1)]


@pytest.mark.parametrize("kind", KINDS)
def test_every_cell_fits_its_row_and_column(printed, kind) -> None:
    problems = geometry_problems(printed[kind].xlsx)
    assert not problems, f"{kind}: " + "\n".join(problems[:20])


def test_the_known_defects_are_gone(printed) -> None:
    """The ones the officer found: the template's instructions, the waived 问题说明, codes cut in two."""
    assert "填报说明/Howtofill" in printed["template"].text
    assert "（已豁免：园区网络故障，已电话报告并书面说明）" in printed["submission"].text
    for kind in ("template", "receipt", "bulletin_workbook", "bulletin_html"):
        raw = _run("pdftotext", "-layout", str(printed[kind].pdf), "-")
        cut = re.findall(r"\b[A-Z]\d{2}-(?:L\d{0,2})?$", raw, flags=re.M)  # a lead code broken in two
        assert not cut, (kind, cut)
