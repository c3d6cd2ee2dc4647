"""A failed build changes nothing; a lost or damaged warehouse comes back from the archive and the journal; a
backup restored into a new home answers as the original. Real commands on copies of the session's demo home
(which holds a superseded report version and a frozen December), after a rejected file and a resubmission."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import duckdb
import pytest

from tests.cli.conftest import copy_home
from tests.cli.test_commands import zhaoshang

pytestmark = pytest.mark.slow  # copies of the demo home, a rebuild and two builds: about 6 minutes

RAW = {  # every column, so versions, received times, warnings and rejections all count
    "report_files": "select * from raw.report_files order by all",
    "ledger_rows": "select * from raw.ledger_rows order by all",
    "lead_rows": "select * from raw.lead_rows order by all",
    "row_issues": "select * from raw.row_issues order by all",
    "rejected_files": "select * from raw.rejected_files order by all",
    "entry_rows": "select * from raw.entry_rows order by all",
    "frozen_files": "select * from submissions.frozen_files order by all",
}


def rows(home: Path, queries: dict[str, str]) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in queries.items()}
    finally:
        con.close()


def score_totals(home: Path) -> list[tuple]:
    """Every row of marts.score_totals; doubles to 9 places (a sum over rows in another order may differ in
    its last bit)."""
    found = rows(home, {"totals": "select * from marts.score_totals order by all"})["totals"]
    return [tuple(round(v, 9) if isinstance(v, float) else v for v in row) for row in found]


def output(proc: subprocess.CompletedProcess[str]) -> str:
    return proc.stdout + proc.stderr


@pytest.fixture(scope="module")
def story(demo_pristine, tmp_path_factory) -> Path:
    """The demo home, then a file rejected (an unknown unit) and December resubmitted (v2)."""
    source, proc = demo_pristine
    assert proc.returncode == 0, output(proc)[-3000:]
    home = copy_home(source, tmp_path_factory.mktemp("story") / "home")
    bad = home / "inbox" / "2021-W50" / "ZZ9.xlsx"
    bad.parent.mkdir(exist_ok=True)
    bad.write_bytes(b"not a workbook")
    ingest = zhaoshang("ingest", home=home)
    assert ingest.returncode == 3, output(ingest)[-3000:]
    resubmit = zhaoshang(
        "submit", "--month", "2021-12", "--resubmit", "--reason", "更正 P03 协议引资额", home=home
    )
    assert resubmit.returncode == 0, output(resubmit)[-3000:]
    return home


def test_the_story_home_holds_a_superseded_version_a_rejection_and_two_submissions(story):
    raw = rows(story, RAW)
    assert any(row[10] == 2 for row in raw["report_files"])  # `version` of the resent week
    assert [r[1] for r in raw["rejected_files"]] == ["2021-W50/ZZ9.xlsx"]
    assert {(r[0], r[1]) for r in raw["frozen_files"]} == {("2021-12", 1), ("2021-12", 2)}
    kinds = [
        line.split('"event": "')[1].split('"')[0] for line in (story / "journal" / "ingest.jsonl").open()
    ]
    assert kinds.count("submission_recorded") == 2 and kinds.count("file_rejected") == 1


def test_rm_warehouse_then_rebuild_gives_back_every_raw_row_and_submission_record(story, tmp_path):
    home = copy_home(story, tmp_path / "home")
    before, scores = rows(home, RAW), score_totals(home)
    (home / "warehouse.duckdb").unlink()

    proc = zhaoshang("rebuild", home=home)

    assert proc.returncode == 0, output(proc)[-3000:]
    assert "Traceback" not in output(proc)
    after = rows(home, RAW)
    for table in RAW:
        assert after[table] == before[table], table
    assert score_totals(home) == scores
    verify = zhaoshang("verify", home=home)
    assert verify.returncode == 0, output(verify)
    assert "all 2 frozen version(s) intact" in verify.stdout


def test_a_truncated_warehouse_is_one_sentence_naming_rebuild(story, tmp_path):
    home = copy_home(story, tmp_path / "home")
    subprocess.run(["truncate", "-s", "100000", str(home / "warehouse.duckdb")], check=True)

    proc = zhaoshang("status", home=home)

    assert proc.returncode == 1, output(proc)
    assert "Traceback" not in output(proc) and "IOException" not in output(proc)
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "zhaoshang rebuild" in lines[0], proc.stderr
    assert lines[0].index("损坏") < lines[0].index("damaged")  # Chinese first


@pytest.mark.parametrize("damage", ["not_a_database", "random_block"])
def test_a_damaged_warehouse_never_answers(story, tmp_path, damage):
    """Bytes that are no database, and a block of random bytes inside a table (its checksum fails): `status`
    reads every table, so it names the damage instead of answering from the blocks it happens to read."""
    home = copy_home(story, tmp_path / "home")
    path = home / "warehouse.duckdb"
    if damage == "not_a_database":
        path.write_bytes(b"PK\x03\x04 this is not a warehouse" * 1000)
    else:
        con = duckdb.connect(str(path), read_only=True)
        # a block DuckDB uses for raw.ledger_rows (the largest table): its data starts after the headers
        blocks = con.execute(
            "select distinct block_id from pragma_storage_info('raw.ledger_rows') "
            "where block_id >= 0 order by block_id limit 1"
        ).fetchall()
        block_size = con.execute("select block_size from pragma_database_size()").fetchone()[0]
        con.close()
        offset = 3 * 4096 + blocks[0][0] * block_size + 4096
        with open(path, "r+b") as fh:
            fh.seek(offset)
            fh.write(os.urandom(4096))

    proc = zhaoshang("status", home=home)

    assert proc.returncode == 1, output(proc)
    assert "Traceback" not in output(proc)
    assert "zhaoshang rebuild" in proc.stderr and "缺报" not in proc.stdout


def test_a_failed_build_leaves_the_previous_scores_readable_and_unchanged(story, tmp_path):
    """Raw rows that change every unit's C score, and a rejection row whose reason code is gone (fails the
    `error` test not_null_stg_rejected_files_reason_code, which dbt runs before it builds the scores)."""
    home = copy_home(story, tmp_path / "home")
    before = score_totals(home)
    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute("update raw.ledger_rows set contract_amount = contract_amount * 3")
    con.execute("alter table raw.rejected_files alter column reason_code drop not null")
    con.execute("update raw.rejected_files set reason_code = null")
    con.close()

    failed = zhaoshang("build", home=home)

    assert failed.returncode == 1, output(failed)[-3000:]
    assert "Traceback" not in output(failed)
    assert "not_null_stg_rejected_files_reason_code" in failed.stdout
    assert "2021-W50/ZZ9.xlsx" in failed.stdout  # the input behind the failing rows
    assert score_totals(home) == before
    assert not [p.name for p in home.iterdir() if re.search(r"building", p.name)]

    con = duckdb.connect(str(home / "warehouse.duckdb"))
    con.execute("update raw.rejected_files set reason_code = 'unknown_unit'")
    con.close()
    passed = zhaoshang("build", home=home)
    assert passed.returncode == 0, output(passed)[-3000:]
    assert score_totals(home) != before  # the failed build had withheld a real change


def test_a_leftover_copy_of_a_killed_build_is_removed_by_the_next_command(story, tmp_path):
    home = copy_home(story, tmp_path / "home")
    dead = subprocess.Popen(["true"])  # a process that has ended: its pid names no build
    dead.wait()
    leftover = home / f"warehouse.building-{dead.pid}.duckdb"
    leftover.write_bytes(b"half a build")

    proc = zhaoshang("status", home=home)

    assert proc.returncode == 0, output(proc)
    assert not leftover.exists()
    assert "interrupted build" in proc.stderr


def test_backup_restored_into_a_new_home_answers_as_the_original(story, tmp_path):
    original = copy_home(story, tmp_path / "original")
    backup = tmp_path / "zhaoshang.tar.gz"

    made = zhaoshang("backup", "--out", str(backup), home=original)

    assert made.returncode == 0, output(made)
    restored = tmp_path / "other-disk" / "home"
    restored.mkdir(parents=True)
    subprocess.run(["tar", "-xzf", str(backup), "-C", str(restored)], check=True)  # as README says
    for command in (["status"], ["verify"], ["scores", "--month", "2021-12"]):
        here, there = zhaoshang(*command, home=original), zhaoshang(*command, home=restored)
        assert here.returncode == there.returncode == 0, output(there)
        assert there.stdout.replace(str(restored), "HOME") == here.stdout.replace(str(original), "HOME")
    assert rows(restored, RAW) == rows(original, RAW)
