"""Control and bidi characters from data (file names, cell values) reach the officer's terminal only escaped,
through the real `zhaoshang` commands."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.cli.test_commands import zhaoshang

EVIL = "\x1b[2J\x07\u202e"  # clear the screen, ring the bell, then show the rest right to left
SHOWN = r"\x1b[2J\x07\u202e"
RAW = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.mark.slow  # one ingestion and one status: about a minute
def test_hostile_names_and_values_are_shown_escaped_by_ingest_and_status(tmp_path: Path):
    inbox = tmp_path / "inbox"
    (inbox / "2021-W05").mkdir(parents=True)
    (inbox / "2021-W05" / f"ZZ{EVIL}9.xlsx").write_bytes(b"not a workbook")  # a file name
    # cell values the rejection sentence quotes (no header row: row 1 is shown)
    (inbox / "2021-W05" / "P01.csv").write_text(f"项目{EVIL}甲,金额\n乙,1\n", encoding="utf-8")
    ingest = zhaoshang("ingest", home=tmp_path)
    assert ingest.returncode == 3, ingest.stdout + ingest.stderr
    status = zhaoshang("status", home=tmp_path)
    assert status.returncode == 0, status.stdout + status.stderr
    for proc in (ingest, status):
        out = proc.stdout + proc.stderr
        assert not RAW.findall(out.replace("\n", "")), RAW.findall(out)
        assert f"2021-W05/ZZ{SHOWN}9.xlsx" in out and f"项目{SHOWN}甲、金额" in out
        assert "Traceback" not in out
    # the Chinese-first sentences are left whole around the escapes
    assert f"单位编号“ZZ{SHOWN}9”不在单位名册中" in ingest.stdout
