"""The warehouse file's life on small real DuckDB files: a build's copy switched in whole or not at all, the
damage DuckDB reports named as such, the journal read back as written."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import duckdb
import pytest

from basics import journal
from basics.warehouse_access import (
    WarehouseChanged,
    WarehouseDamaged,
    begin_build,
    check_readable,
    discard_build,
    finish_build,
    open_warehouse,
    remove_leftover_builds,
)
from ingestion.replay import latest_events


def _warehouse(path: Path, value: int = 1) -> Path:
    con = duckdb.connect(str(path))
    con.execute("create schema marts; create table marts.score_totals as select ? as total", [value])
    con.execute(
        "create schema raw; create table raw.t as select range as i, 'x' || range as s from range(50000)"
    )
    con.close()
    return path


def _total(path: Path) -> int:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute("select total from marts.score_totals").fetchone()[0]
    finally:
        con.close()


def _write_total(path: Path, value: int) -> None:
    con = duckdb.connect(str(path))
    con.execute("update marts.score_totals set total = ?", [value])
    con.close()


def test_a_finished_build_replaces_the_live_file_and_leaves_no_copy(tmp_path):
    live = _warehouse(tmp_path / "warehouse.duckdb")
    build = begin_build(live)
    _write_total(build.building, 2)
    assert _total(live) == 1  # readers see the previous build while dbt works on the copy

    finish_build(build)

    assert _total(live) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb"]


def test_a_discarded_build_changes_nothing(tmp_path):
    live = _warehouse(tmp_path / "warehouse.duckdb")
    before = live.read_bytes()
    build = begin_build(live)
    _write_total(build.building, 2)

    discard_build(build)

    assert live.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warehouse.duckdb"]


def test_a_write_to_the_live_file_during_the_build_keeps_the_build_out(tmp_path):
    live = _warehouse(tmp_path / "warehouse.duckdb")
    build = begin_build(live)
    _write_total(build.building, 2)
    _write_total(live, 3)  # a writer that did not hold the warehouse pool

    with pytest.raises(WarehouseChanged):
        finish_build(build)

    assert _total(live) == 3 and not build.building.exists()


def test_only_the_copies_of_dead_processes_are_removed(tmp_path):
    live = _warehouse(tmp_path / "warehouse.duckdb")
    ended = subprocess.Popen(["true"])
    ended.wait()
    dead = tmp_path / f"warehouse.building-{ended.pid}.duckdb"
    dead_wal = tmp_path / f"warehouse.building-{ended.pid}.duckdb.wal"
    mine = tmp_path / f"warehouse.building-{os.getpid()}.duckdb"
    other = tmp_path / f"other.building-{ended.pid}.duckdb"
    for path in (dead, dead_wal, mine, other):
        path.write_bytes(b"x")

    removed = remove_leftover_builds(live)

    assert set(removed) == {dead, dead_wal}
    assert mine.exists() and other.exists() and live.exists()


@pytest.mark.parametrize("damage", ["truncated", "not_a_database", "empty"])
def test_a_damaged_file_is_named_with_rebuild(tmp_path, damage):
    path = _warehouse(tmp_path / "warehouse.duckdb")
    if damage == "truncated":
        os.truncate(path, 100_000)
    elif damage == "not_a_database":
        path.write_bytes(b"hello" * 5000)
    else:
        path.write_bytes(b"")

    with pytest.raises(WarehouseDamaged) as raised:
        open_warehouse(path, read_only=True)

    assert "zhaoshang rebuild" in str(raised.value) and str(path) in str(raised.value)


def test_a_block_failing_its_checksum_is_found_by_reading_every_table(tmp_path):
    path = _warehouse(tmp_path / "warehouse.duckdb")
    con = duckdb.connect(str(path), read_only=True)
    block = con.execute(
        "select min(block_id) from pragma_storage_info('raw.t') where block_id >= 0"
    ).fetchone()[0]
    size = con.execute("select block_size from pragma_database_size()").fetchone()[0]
    con.close()
    with open(path, "r+b") as fh:
        fh.seek(3 * 4096 + block * size + 4096)
        fh.write(os.urandom(4096))
    con = open_warehouse(path, read_only=True)
    try:
        assert con.execute("select total from marts.score_totals").fetchone()[0] == 1  # answers, unaware
        with pytest.raises(WarehouseDamaged):
            check_readable(con, path)
    finally:
        con.close()


def test_the_journal_reads_back_what_was_appended_and_skips_a_line_cut_short(tmp_path):
    path = tmp_path / "journal" / "ingest.jsonl"
    journal.append(path, journal.REPORT_ACCEPTED, source_path="2021-W05/P01.xlsx", sha256="a", version=1)
    journal.append(path, journal.FILE_REJECTED, source_path="2021-W05/ZZ9.xlsx", sha256="b", 备注="中文")
    with open(path, "ab") as fh:
        fh.write(b'{"event": "report_acc')  # a crash in the middle of a line

    events = [event for _, event in journal.read(path)]

    assert [e["event"] for e in events] == [journal.REPORT_ACCEPTED, journal.FILE_REJECTED]
    assert events[1]["备注"] == "中文" and events[0]["version"] == 1


def test_a_broken_line_inside_the_journal_is_named(tmp_path):
    path = tmp_path / "ingest.jsonl"
    journal.append(path, journal.REPORT_ACCEPTED, source_path="a", sha256="a")
    with open(path, "ab") as fh:
        fh.write(b"garbage\n")
    journal.append(path, journal.REPORT_ACCEPTED, source_path="b", sha256="b")

    with pytest.raises(ValueError, match=":2 "):
        list(journal.read(path))


def test_the_replay_keeps_the_last_event_of_a_file_journaled_twice():
    """A report journaled, its commit lost in a crash, then ingested again: one version, the later time."""
    first = {"event": journal.REPORT_ACCEPTED, "source_path": "w/P01.xlsx", "sha256": "a", "at": "1"}
    again = {**first, "at": "2"}
    other = {"event": journal.REPORT_ACCEPTED, "source_path": "w/P02.xlsx", "sha256": "b", "at": "1"}
    unread = {"event": journal.FILE_REJECTED, "source_path": "w/x", "sha256": None, "at": "3"}

    kept = latest_events([(1, first), (2, other), (3, again), (4, unread), (5, dict(unread))])

    assert [line for line, _ in kept] == [2, 3, 4, 5]
