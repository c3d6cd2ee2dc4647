"""Read-only access to the warehouse for the commands that print from it, and what it knows about itself:
which weeks have arrived, and whether reports arrived after the last build (stale scores)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import duckdb

from basics import terms as t
from basics.errors import UserError
from basics.home import Home
from basics.warehouse_reader import Reader, is_postgres_home, open_reader
from basics.warehouse_url import Warehouse


def require_home(home: Home) -> None:
    """Read-only commands never create a home: a missing one is named (a mistyped --home, most often)."""
    if not home.root.is_dir():
        raise UserError(
            f"{t.HOME} {home.root} 不存在（--home 是否写错？）/ the home folder {home.root} does not exist "
            "(a mistyped --home?).",
            "请检查路径，或先运行 `zhaoshang demo` / `zhaoshang ingest` 建立它 / check the path, or create "
            "it with `zhaoshang demo` or `zhaoshang ingest`.",
        )


def has_warehouse(home: Home) -> bool:
    """Whether there is a published warehouse to read: the DuckDB file, or a PostgreSQL setting."""
    return home.warehouse.exists() or is_postgres_home(home.root)


@contextmanager
def read_only(home: Home) -> Iterator[Reader]:
    """A read-only connection to the published warehouse (the DuckDB file, or PostgreSQL when the home's
    setting names it: `basics.warehouse_reader`), or a UserError telling how to create it."""
    require_home(home)
    if not has_warehouse(home):
        raise UserError(
            f"{home.root} 中还没有{t.WAREHOUSE} / there is no warehouse in {home.root}.",
            "请先运行 `zhaoshang ingest` 和 `zhaoshang build`（或 `zhaoshang demo`）/ "
            "run `zhaoshang ingest` and `zhaoshang build` first (or `zhaoshang demo`).",
        )
    with open_reader(home.root, home.warehouse) as con:
        yield con


@contextmanager
def read_file(home: Home) -> Iterator[Reader]:
    """The home's own DuckDB file, read-only, whatever the warehouse setting: what the writing commands
    (ingest, build, check, submit) keep in the home — the raw tables as ingested, the submission record."""
    require_home(home)
    if not home.warehouse.exists():
        raise UserError(
            f"{home.root} 中还没有{t.WAREHOUSE} / there is no warehouse in {home.root}.",
            "请先运行 `zhaoshang ingest` 和 `zhaoshang build`（或 `zhaoshang demo`）/ "
            "run `zhaoshang ingest` and `zhaoshang build` first (or `zhaoshang demo`).",
        )
    with open_reader(home.root, home.warehouse, published=False) as con:
        yield con


def has_table(con: Reader, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchone()[0]
    )


def require_table(con: Reader, schema: str, table: str) -> None:
    if not has_table(con, schema, table):
        raise UserError(
            f"{t.WAREHOUSE}中还没有 {schema}.{table} / the warehouse has no {schema}.{table} yet.",
            "请先运行 `zhaoshang build` / run `zhaoshang build` first.",
        )


def received_weeks(con: Reader) -> set[tuple[str, str]]:
    """{(unit_code, week_label)} of every accepted report."""
    if not has_table(con, "raw", "report_files"):
        return set()
    return set(con.execute("select distinct unit_code, week_label from raw.report_files").fetchall())


@dataclass(frozen=True)
class Staleness:
    """Reports or committee entries files received after the last build: the scores do not include them."""

    new_files: int
    last_build: datetime | None
    new_entry_files: int = 0

    def what(self) -> tuple[str, str]:
        """The new files in words, Chinese and English, naming only the kinds that arrived."""
        zh, en = [], []
        if self.new_files:
            zh.append(f"{self.new_files} 份{t.WEEKLY_REPORT}")
            en.append(f"{self.new_files} report(s)")
        if self.new_entry_files:
            zh.append(f"{self.new_entry_files} 个{t.ENTRIES}文件")
            en.append(f"{self.new_entry_files} committee entries file(s)")
        return "和".join(zh), " and ".join(en)

    def warning(self) -> str:
        built = f"{self.last_build:%Y-%m-%d %H:%M}" if self.last_build else "从未 never"
        zh, en = self.what()
        return (
            f"注意：上次{t.BUILD}（{built}）之后又收到 {zh}，以下结果尚未包含它们；"
            f"请先运行 `zhaoshang build`。/ warning: {en} arrived after the last build "
            f"({built}); the figures below do not include them yet: run `zhaoshang build` first."
        )


def _columns(con: Reader, schema: str, table: str) -> set[str]:
    return {
        name
        for (name,) in con.execute(
            "select column_name from information_schema.columns where table_schema = ? and table_name = ?",
            [schema, table],
        ).fetchall()
    }


def _entry_files(con: Reader, after: datetime | None = None) -> int:
    """Committee entries file versions in raw.entry_rows (received after `after`, when given)."""
    return con.execute(
        "select count(*) from (select distinct source_path, version from raw.entry_rows "
        "where cast(? as timestamp) is null or received_at > ?) as files",
        [after, after],
    ).fetchone()[0]


DUCKDB = Warehouse("duckdb")


@contextmanager
def _arrivals(home: Home) -> Iterator[Reader | None]:
    """Where the home learns what arrived since its last build: its own DuckDB file (ingestion writes there;
    on a PostgreSQL home only when it opens at once, so a reader never waits for an ingestion), else None
    (a colleague's home with only the setting cannot know)."""
    if not home.warehouse.exists():
        yield None
    elif not is_postgres_home(home.root):
        with read_file(home) as con:
            yield con
    else:
        try:
            reader = Reader(
                "duckdb", duckdb.connect(str(home.warehouse), read_only=True), None, home.warehouse
            )
        except duckdb.Error:  # busy (an ingestion writes it) or unreadable: no warning this time
            yield None
            return
        try:
            yield reader
        finally:
            reader.close()


def staleness(home: Home) -> Staleness | None:
    """None when the scores include every received report and entries file (or nothing to compare)."""
    with _arrivals(home) as con:
        if con is None or not has_table(con, "raw", "report_files"):
            return None
        received = con.execute("select count(*) from raw.report_files").fetchone()[0]
        entries = _entry_files(con) if has_table(con, "raw", "entry_rows") else 0
        if not has_table(con, "marts", "warehouse_build"):
            return Staleness(received, None, entries) if received or entries else None
        built_at, through, files = con.execute(
            "select built_at, reports_received_through, report_files from marts.warehouse_build"
        ).fetchone()
        newer = con.execute(
            "select count(*) from raw.report_files where cast(? as timestamp) is null or received_at > ?",
            [through, through],
        ).fetchone()[0]
        new_entries = entries  # a build before builds recorded entries: none is known to be scored
        if entries and {"entries_received_through", "entry_files"} <= _columns(
            con, "marts", "warehouse_build"
        ):
            entries_through, entry_files = con.execute(
                "select entries_received_through, entry_files from marts.warehouse_build"
            ).fetchone()
            new_entries = max(_entry_files(con, entries_through), entries - entry_files)
    new_files = max(newer, received - files)
    return Staleness(new_files, built_at, new_entries) if new_files or new_entries else None


def warn_if_stale(home: Home) -> None:
    """Print the staleness warning (stderr, so a CSV on stdout stays clean)."""
    import sys

    stale = staleness(home)
    if stale:
        print(stale.warning(), file=sys.stderr)
