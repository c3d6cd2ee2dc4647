"""Write `<home>/reports/YYYY-MM/v<N>/`: the bulletin's HTML, PDF and workbook; a new version each time,
never overwriting an earlier one (the committee may hold a printed copy of it)."""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from basics.home import Home
from basics.warehouse_reader import is_postgres_home, open_reader
from bulletin.content import gather
from bulletin.pdf import NoBrowser, print_pdf
from bulletin.render import render_html
from bulletin.workbook import write_workbook

VERSION_DIR = re.compile(r"v(\d+)")


@dataclass(frozen=True)
class BulletinFiles:
    folder: Path
    html: Path
    pdf: Path | None  # None when no Chromium is installed (the reason is in `note`)
    xlsx: Path
    units: int
    note: str | None = None
    version: int = 1


def bulletin_versions(home: Home, year: int, month: int) -> list[int]:
    """Versions of the month's bulletin already written (`reports/YYYY-MM/v<N>/`)."""
    folder = home.root / "reports" / f"{year}-{month:02d}"
    if not folder.is_dir():
        return []
    return sorted(int(m[1]) for p in folder.iterdir() if p.is_dir() and (m := VERSION_DIR.fullmatch(p.name)))


def write_bulletin(home: Home, year: int, month: int, with_pdf: bool = True) -> BulletinFiles:
    """Gather the month from the warehouse (read-only) and write the three files.

    Raises LookupError when the month has no scores and FileNotFoundError when there is no warehouse.
    """
    if not home.warehouse.exists() and not is_postgres_home(home.root):
        raise FileNotFoundError(f"warehouse not found: {home.warehouse}")
    label = f"{year}-{month:02d}"
    version = max(bulletin_versions(home, year, month), default=0) + 1
    with open_reader(home.root, home.warehouse) as con:  # the published warehouse: PostgreSQL or the file
        b = gather(con, year, month, home.gate_reports / label, home.submissions / label, version)
    month_dir = home.root / "reports" / label
    month_dir.mkdir(parents=True, exist_ok=True)
    work = month_dir / f".v{version}.{os.getpid()}.tmp"  # written whole, then renamed: never half a version
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        stem = f"月度考核通报_{label}"
        html = work / f"{stem}.html"
        html.write_text(render_html(b), encoding="utf-8")
        write_workbook(work / f"{stem}.xlsx", b)
        note = None
        if with_pdf:
            try:
                print_pdf(html, work / f"{stem}.pdf")
            except NoBrowser as err:
                note = str(err)
        folder = month_dir / f"v{version}"
        os.rename(work, folder)  # fails rather than replace a version another run wrote meanwhile
    finally:
        shutil.rmtree(work, ignore_errors=True)
    pdf = folder / f"{stem}.pdf"
    return BulletinFiles(
        folder,
        folder / html.name,
        pdf if pdf.exists() else None,
        folder / f"{stem}.xlsx",
        len(b.standings),
        note,
        version,
    )
