"""Hostile committee entries files (`inbox/entries/YYYY-MM/`): each is refused with one sentence, through the
weekly reports' own walk, limits, inspection and quarantine; the valid file beside them loads; nothing outside
the home changes; the process never aborts. Values must be finite and bounded, the month folder sane, and an
entry lives in one file of its month.

The bombs are ingested in a subprocess capped at 4 GiB of address space (as in test_hostile_files.py): a
reader that tried to allocate a bomb's declared size would die there instead of taking the machine down.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from basics.home import Home
from ingestion.limits import ENTRY_VALUE_LIMIT, MAX_FILE_BYTES, first_month, last_month
from ingestion.pipeline import ingest_inbox
from tests.conftest import PROJECT_ROOT
from tests.helpers import hostile
from tests.ingestion.test_hostile_files import _chattr, _tree_digest
from tests.methods.build import ENTRY_HEADERS, write_entries

N = hostile.Numeric
GOOD = [("P01", "A3", 16.5, None, "考核委员会", "年度评议")]
INGEST = """
import json, sys
from pathlib import Path
from basics.home import Home
from ingestion.pipeline import ingest_inbox
report = ingest_inbox(Home(Path(sys.argv[1])))
print(json.dumps({"entries": [[e.file, e.version, e.rows] for e in report.entries],
                  "rejected": {r.file: [r.reason_code, r.reason_zh, r.reason_en, r.quarantine_path]
                               for r in report.rejected}}))
"""


def _ingest(home: Path) -> dict:
    def cap() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))

    proc = subprocess.run(
        [sys.executable, "-c", INGEST, str(home)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=cap,
    )
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr[-3000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _entry_rows(home: Home) -> list[tuple]:
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        return con.execute(
            "select source_path, version, unit_code, entry_code, value, target from raw.entry_rows "
            "order by source_path, version, row_number"
        ).fetchall()
    finally:
        con.close()


def _month(inbox: Path, month: str) -> Path:
    return inbox / "entries" / month


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("entries_bombs")
    home = Home(tmp / "home").ensure()
    december = _month(home.inbox, "2021-12")
    decoy = tmp / "decoy"
    write_entries(decoy, "2021-10", "outside", [("P02", "A3", 1, None, "外部", "不应读取")])
    (decoy / "secret.xlsx").write_bytes(b"not for the warehouse")
    before = _tree_digest(decoy)

    write_entries(home.inbox, "2021-12", "good", GOOD)
    hostile.dimension_bomb(december / "dimension.xlsx")
    hostile.far_cell(december / "far_cell.xlsx")
    hostile.whitespace_bomb(december / "whitespace.xlsx")
    hostile.xxe(december / "xxe.xlsx")
    hostile.encrypted(december / "encrypted.xlsx")
    hostile.zero_sheets(december / "zero.xlsx")
    with open(december / "big.xlsx", "wb") as fh:
        fh.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing is written, and nothing must be read
    (december / "lines.csv").write_text(",".join(ENTRY_HEADERS) + "\n" + "\n" * 200_001, encoding="utf-8")
    immutable = write_entries(home.inbox, "2021-12", "immutable", [("P99", "A3", 1, None, "委员会", "评议")])
    november = _month(home.inbox, "2021-11")
    november.mkdir(parents=True)
    os.mkfifo(november / "pipe.xlsx")
    os.symlink(decoy / "secret.xlsx", november / "link.xlsx")
    os.symlink(decoy / "entries" / "2021-10", _month(home.inbox, "2021-10"))
    locked = _chattr("+i", immutable)
    try:
        first = _ingest(home.root)
        second = _ingest(home.root)
        yield home, first, second, before, _tree_digest(decoy), locked, immutable
    finally:
        if locked:
            _chattr("-i", immutable)


EXPECTED_CODES = {
    "entries/2021-12/dimension.xlsx": ("sheet_too_large", "A1:XFD1048576"),
    "entries/2021-12/far_cell.xlsx": ("sheet_too_large", "1048576"),
    "entries/2021-12/whitespace.xlsx": ("zip_bomb", "100:1"),
    "entries/2021-12/xxe.xlsx": ("xml_doctype", "DOCTYPE"),
    "entries/2021-12/encrypted.xlsx": ("encrypted", "password"),
    "entries/2021-12/zero.xlsx": ("no_sheet", "no sheet"),
    "entries/2021-12/big.xlsx": ("file_too_large", "32 MiB"),
    "entries/2021-12/lines.csv": ("sheet_too_large", "200000 rows"),
    "entries/2021-11/pipe.xlsx": ("not_a_file", "not a regular file"),
    "entries/2021-11/link.xlsx": ("symlink", "symbolic link"),
    "entries/2021-10": ("symlink", "symbolic link"),
}


@pytest.mark.parametrize("path", sorted(EXPECTED_CODES))
def test_each_hostile_entries_file_is_refused_with_one_sentence(bombs, path):
    home, first, *_ = bombs
    code, words = EXPECTED_CODES[path]
    got_code, zh, en, quarantined = first["rejected"][path]
    assert got_code == code and words in en, (got_code, en)
    assert zh.startswith(f"文件 {path}") and en.startswith(f"File {path}") and "\n" not in zh + en
    target = home.root / quarantined
    month = Path(path).parts[1] if path.count("/") == 2 else "_no_month"  # a link to a folder is no month
    assert quarantined.startswith(f"quarantine/entries/{month}/")
    assert os.path.lexists(target) and not os.path.lexists(home.inbox / path)
    reason = target.with_name(target.name + ".reason.txt").read_text("utf-8")
    assert zh in reason and "月份文件夹" in reason


def test_links_are_quarantined_as_links_and_nothing_outside_the_home_changes(bombs):
    home, first, _, before, after, *_ = bombs
    assert before == after
    assert (home.quarantine / "entries" / "_no_month" / "2021-10").is_symlink()
    assert (home.quarantine / "entries" / "2021-11" / "link.xlsx").is_symlink()
    assert [r[0] for r in _entry_rows(home)] == ["entries/2021-12/good.xlsx"]  # nothing from the decoy


def test_the_valid_file_loads_once_beside_the_bombs_and_the_unmovable_file(bombs):
    home, first, second, _, _, locked, immutable = bombs
    assert first["entries"] == [["entries/2021-12/good.xlsx", 1, 1]]
    assert _entry_rows(home) == [("entries/2021-12/good.xlsx", 1, "P01", "A3", 16.5, None)]
    assert second == {"entries": [], "rejected": {}}  # nothing is read, loaded or rejected twice
    if not locked:
        pytest.skip("chattr +i is not available here: the unmovable file was not tested")
    code, zh, _, quarantined = first["rejected"]["entries/2021-12/immutable.xlsx"]
    assert code == "unknown_unit" and "P99" in zh and quarantined.startswith("(not moved)")
    assert immutable.exists()  # stays in the inbox, and the reason file says so
    text = (home.quarantine / "entries" / "2021-12" / "immutable.xlsx.reason.txt").read_text("utf-8")
    assert "仍在收件箱" in text and "stays in the inbox" in text


def test_a_symlinked_entries_folder_is_never_followed(tmp_path):
    home = Home(tmp_path / "home").ensure()
    outside = tmp_path / "outside"
    for name in ("a", "b", "c"):
        write_entries(outside, "2021-12", name, [("P01", name.upper(), 1, None, "委员会", "评议")])
    before = _tree_digest(outside)
    os.symlink(outside / "entries", home.inbox / "entries")
    report = ingest_inbox(home)
    assert report.entries == [] and [(r.file, r.reason_code) for r in report.rejected] == [
        ("entries", "symlink")
    ]
    assert _tree_digest(outside) == before  # its three files are where they were, unchanged
    assert (home.quarantine / "entries" / "_no_month" / "entries").is_symlink()
    assert not list(home.archive.rglob("*.xlsx")) and _entry_rows(home) == []
    again = ingest_inbox(home)
    assert again.entries == [] and again.rejected == []


@pytest.fixture(scope="module")
def bad_values(tmp_path_factory):
    """One valid file and one file per bad value or month folder, ingested once."""
    home = Home(tmp_path_factory.mktemp("entries_values") / "home").ensure()
    december = _month(home.inbox, "2021-12")

    def value_file(name: str, value: str, target: str = "") -> None:
        row = ["P01", "A3", value, target, "委员会", "评议"]
        hostile.cells_workbook(december / f"{name}.xlsx", "考核录入", [ENTRY_HEADERS, row])

    write_entries(home.inbox, "2021-12", "good", GOOD)
    value_file("nan", N("NaN"))
    value_file("inf", N("INF"))
    value_file("minus_inf", N("-inf"))
    value_file("huge", N("1e308"))
    value_file("text_inf", "1e999")
    value_file("target_nan", N("1"), N("NaN"))
    value_file("too_negative", N("-1e10"))
    for month in ("0000-12", "9999-12"):
        write_entries(home.inbox, month, "year", GOOD)
    report = ingest_inbox(home)
    return home, report


VALUE_CASES = {
    # file: (code, column, value as shown)
    "nan": ("not_finite", "数值", "nan"),
    "inf": ("not_finite", "数值", "inf"),
    "minus_inf": ("not_finite", "数值", "-inf"),
    "text_inf": ("not_finite", "数值", "1e999"),
    "target_nan": ("not_finite", "目标", "nan"),
    "huge": ("out_of_range", "数值", "1e+308"),
    "too_negative": ("out_of_range", "数值", "-10000000000"),
}


@pytest.mark.parametrize("name", sorted(VALUE_CASES))
def test_a_bad_value_is_one_sentence_naming_file_sheet_row_column_value_and_range(bad_values, name):
    _, report = bad_values
    code, column, shown = VALUE_CASES[name]
    path = f"entries/2021-12/{name}.xlsx"
    rejection = next(r for r in report.rejected if r.file == path)
    assert (rejection.reason_code, rejection.sheet, rejection.row, rejection.column, rejection.value) == (
        code,
        "考核录入",
        2,
        column,
        shown,
    )
    limit = f"{ENTRY_VALUE_LIMIT:,.0f}"
    assert rejection.reason_zh.startswith(f"文件 {path} 工作表“考核录入”第2行“{column}”的值“{shown}”")
    assert f"-{limit} 至 {limit}" in rejection.reason_zh
    assert f"File {path}, sheet 考核录入, row 2: column {column}: '{shown}'" in rejection.reason_en


def test_month_folders_of_year_0000_and_9999_are_refused(bad_values):
    _, report = bad_values
    codes = {r.file: (r.reason_code, r.reason_en) for r in report.rejected}
    for month in ("0000-12", "9999-12"):
        code, en = codes[f"entries/{month}/year.xlsx"]
        assert code == "month_out_of_range" and f"between {first_month()} and {last_month()}" in en


def test_no_bad_value_reaches_raw(bad_values):
    home, report = bad_values
    assert [e.file for e in report.entries] == ["entries/2021-12/good.xlsx"]
    assert len(report.rejected) == len(VALUE_CASES) + 2
    assert _entry_rows(home) == [("entries/2021-12/good.xlsx", 1, "P01", "A3", 16.5, None)]


def test_the_same_entry_in_two_files_of_a_month_is_never_counted_twice(home):
    first = write_entries(home.inbox, "2021-12", "评分", [("P01", "A3", 16.5, None, "委员会", "评议")])
    second = write_entries(
        home.inbox,
        "2021-12",
        "补充",
        [("P02", "A3", 18, None, "委员会", "评议"), ("P01", "A3", 17, None, "委员会", "更正")],
    )
    os.utime(first, (1_600_000_000, 1_600_000_000))
    os.utime(second, (1_600_000_100, 1_600_000_100))
    write_entries(home.inbox, "2021-11", "评分", [("P01", "A3", 5, None, "委员会", "评议")])  # another month
    report = ingest_inbox(home)
    assert sorted(e.file for e in report.entries) == [
        "entries/2021-11/评分.xlsx",
        "entries/2021-12/评分.xlsx",
    ]
    [rejection] = report.rejected
    assert (rejection.file, rejection.reason_code, rejection.row, rejection.value) == (
        "entries/2021-12/补充.xlsx",
        "duplicate_entry",
        3,
        "A3",
    )
    assert (
        "entries/2021-12/评分.xlsx 第2行" in rejection.reason_zh
        and "not counted twice" in rejection.reason_en
    )
    # the correction is the same file sent again: it supersedes its earlier version
    write_entries(home.inbox, "2021-12", "评分", [("P01", "A3", 17, None, "委员会", "更正")])
    assert [(e.file, e.version) for e in ingest_inbox(home).entries] == [("entries/2021-12/评分.xlsx", 2)]
    con = duckdb.connect(str(home.warehouse), read_only=True)
    try:
        current = con.execute(
            "select value from raw.entry_rows r where year = 2021 and month = 12 and unit_code = 'P01' "
            "and version = (select max(version) from raw.entry_rows v where v.source_path = r.source_path)"
        ).fetchall()
    finally:
        con.close()
    assert current == [(17.0,)]


def test_an_unreadable_entries_file_is_that_files_rejection(home, monkeypatch):
    from ingestion import discover, pipeline

    write_entries(home.inbox, "2021-12", "good", GOOD)
    write_entries(home.inbox, "2021-12", "locked", [("P02", "A3", 1, None, "委员会", "评议")])
    real = discover.receive

    def refuse(candidate):
        if candidate.path.name == "locked.xlsx":
            raise PermissionError(13, "Permission denied", str(candidate.path))
        return real(candidate)

    monkeypatch.setattr(pipeline, "receive", refuse)
    report = ingest_inbox(home)
    assert [e.file for e in report.entries] == ["entries/2021-12/good.xlsx"]
    [rejection] = report.rejected
    assert rejection.reason_code == "unreadable_file" and "Permission denied" in rejection.reason_en
