"""Write `<home>/reports/YYYY-MM/`: the bulletin's HTML, PDF and workbook, each replaced whole."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import duckdb

from basics.home import Home
from bulletin.content import gather
from bulletin.pdf import NoBrowser, print_pdf
from bulletin.render import render_html
from bulletin.workbook import write_workbook


@dataclass(frozen=True)
class BulletinFiles:
    folder: Path
    html: Path
    pdf: Path | None  # None when no Chromium is installed (the reason is in `note`)
    xlsx: Path
    units: int
    note: str | None = None


def write_bulletin(home: Home, year: int, month: int, with_pdf: bool = True) -> BulletinFiles:
    """Gather the month from the warehouse (read-only) and write the three files.

    Raises LookupError when the month has no scores and FileNotFoundError when there is no warehouse.
    """
    if not home.warehouse.exists():
        raise FileNotFoundError(f"warehouse not found: {home.warehouse}")
    label = f"{year}-{month:02d}"
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        b = gather(con, year, month, home.gate_reports / label)
    finally:
        con.close()
    folder = home.root / "reports" / label
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"月度考核通报_{label}"
    html = _replace(folder / f"{stem}.html", lambda p: p.write_text(render_html(b), encoding="utf-8"))
    xlsx = _replace(folder / f"{stem}.xlsx", lambda p: write_workbook(p, b))
    pdf, note = None, None
    if with_pdf:
        try:
            pdf = print_pdf(html, folder / f"{stem}.pdf")
        except NoBrowser as err:
            note = str(err)
    return BulletinFiles(folder, html, pdf, xlsx, len(b.standings), note)


def _replace(path: Path, write) -> Path:  # type: ignore[no-untyped-def]
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)
    return path
