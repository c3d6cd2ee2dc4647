"""Print the HTML bulletin to PDF with the machine's headless Chromium (nothing fetched, a fresh profile)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--disable-quic",
    "--no-pdf-header-footer",
]


class NoBrowser(RuntimeError):
    """Chromium is not installed: the PDF cannot be printed."""


def chromium() -> str:
    """The Chromium executable (`$ZHAOSHANG_CHROMIUM`, else the first on PATH)."""
    explicit = os.environ.get("ZHAOSHANG_CHROMIUM")
    if explicit:
        return explicit
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    raise NoBrowser("找不到 Chromium，无法生成 PDF / Chromium not found: run `bash .ci/install` as root")


def print_pdf(html: Path, pdf: Path, timeout: float = 120) -> Path:
    """`html` (a local file) -> `pdf`, written whole or not at all."""
    tmp_pdf = pdf.with_name(f".{pdf.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="zhaoshang-chromium-") as profile:
        cmd = [
            chromium(),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--print-to-pdf={tmp_pdf}",
            html.resolve().as_uri(),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
    if proc.returncode != 0 or not tmp_pdf.exists() or tmp_pdf.stat().st_size == 0:
        tmp_pdf.unlink(missing_ok=True)
        raise RuntimeError(f"Chromium could not print {html.name}: {proc.stderr.strip()[-500:]}")
    os.replace(tmp_pdf, pdf)
    return pdf
