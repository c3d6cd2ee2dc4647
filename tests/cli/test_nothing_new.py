"""When nothing new arrived, `weekly` and `ingest` start no Dagster run, read no file again and do not
rebuild, and say so; a file touched but unchanged is read again (its checksum decides), still no rebuild.

On a copy of the session's sample year (`zhaoshang demo`). Timings are in benchmarks/RESULTS.md.
"""

from __future__ import annotations

import json
import os
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from basics.weeks import label_of
from tests.conftest import SampleYear, zhaoshang

pytestmark = pytest.mark.slow  # the session's sample year (a real `zhaoshang demo`)


def runs(home: Path) -> int:
    con = sqlite3.connect(home / "dagster" / "history" / "runs.db")
    try:
        return con.execute("select count(*) from runs").fetchone()[0]
    finally:
        con.close()


def fingerprint(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_size, stat.st_mtime_ns


@pytest.fixture
def home(sample_year: SampleYear, tmp_path: Path) -> Path:
    root = sample_year.copy(tmp_path / "home")
    recorded = json.loads((root / "logs" / "last_build.json").read_text("utf-8"))
    if recorded["week"] != label_of(date.today()):  # the demo ran last week (a session across Monday 0:00)
        assert zhaoshang("weekly", home=root).returncode == 0
    return root


def test_weekly_with_nothing_new_starts_no_run_and_does_not_rebuild(home):
    before, warehouse = runs(home), fingerprint(home / "warehouse.duckdb")
    proc = zhaoshang("weekly", home=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "nothing new in the inbox" in proc.stdout and "no run started" in proc.stdout
    assert "not rebuilt" in proc.stdout and "missing reports" in proc.stdout
    assert runs(home) == before
    assert fingerprint(home / "warehouse.duckdb") == warehouse  # not even opened for writing
    again = zhaoshang("ingest", home=home)
    assert again.returncode == 0 and "accepted 0 report(s)" in again.stdout
    assert "no run started" in again.stdout and runs(home) == before


def test_a_touched_but_unchanged_file_is_read_again_and_nothing_is_rebuilt(home):
    touched = next((home / "inbox").rglob("*.xlsx"))
    os.utime(touched)  # a new mtime, the same bytes: the checksum tells it is the same report
    before = runs(home)
    proc = zhaoshang("weekly", home=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "accepted 0 report(s)" in proc.stdout and "no run started" not in proc.stdout
    assert "not rebuilt" in proc.stdout
    assert runs(home) == before + 1  # the ingestion run only
    quiet = zhaoshang("weekly", home=home)
    assert "no run started" in quiet.stdout and runs(home) == before + 1


def test_a_changed_file_is_ingested_and_the_next_weekly_would_build(home):
    from openpyxl import load_workbook

    from basics.home import Home
    from zhaoshang.freshness import build_is_current

    assert build_is_current(Home(home))
    resent = next((home / "inbox").rglob("*.xlsx"))
    book = load_workbook(resent)
    book.properties.title = "resent"  # other bytes, the same figures: a new version of the same report
    book.save(resent)
    proc = zhaoshang("ingest", home=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "accepted 1 report(s) (1 superseding" in proc.stdout and "no run started" not in proc.stdout
    assert not build_is_current(Home(home))  # `weekly` builds now (its build is tested in test_commands)


def test_weekly_with_nothing_new_imports_neither_dagster_nor_pandas(home):
    """Nothing to read and nothing to build: no Dagster, dbt, GX, nor the readers' pandas (a second each)."""
    from tests.cli.test_cold_start import imported

    out = imported("weekly", "--home", str(home))
    assert out["code"] == 0
    assert out["heavy"] == []
