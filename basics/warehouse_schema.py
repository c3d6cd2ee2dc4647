"""Versioned schema of the tables the project writes itself (not dbt's): ordered steps, and the upgrade of a
warehouse made by an older release.

A schema is the sum of its steps: step 1 creates the tables as the first versioned release had them, and each
later release appends a step (add a column with a default, fill it, rebuild a table) and never edits one
already released. A new warehouse runs every step; `raw.schema_version` records each step applied, so the
warehouse's version is the highest recorded. A warehouse from before versioning (its raw tables exist, the
version table does not) is version 0.

`upgrade` brings an older warehouse to the newest version before anything else opens it: under the
warehouse's write lock it checkpoints the live file, copies it to `warehouse.migrating-<pid>.duckdb`, runs
the missing steps on the copy in one transaction, and moves the copy over the live file (`os.replace`,
fsync'd) only when every step succeeded. The live file is never written meanwhile: a step that fails (or a
killed process) leaves it exactly as it was, and the copy is deleted (a killed process's copy by
`warehouse_access.remove_leftover_builds`). A warehouse from a newer release is refused.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb

from basics import terms as t
from basics.errors import UserError
from basics.warehouse_access import (
    WarehouseDamaged,
    copy_checkpointed,
    is_damage,
    open_warehouse,
    switch_in,
)

VERSION_TABLE = "raw.schema_version"
# a warehouse with this table but no version table was made before versioning (version 0)
LEGACY_TABLE = ("raw", "report_files")
EXIT_SCHEMA = 1  # SPEC 6: a run that could not complete

VERSION_DDL = f"""
create schema if not exists raw;
create table if not exists {VERSION_TABLE} (
    version     integer primary key,
    applied_at  timestamp not null default current_timestamp,
    what        varchar not null    -- the step, in English
);
"""


@dataclass(frozen=True)
class Step:
    """One change of the schema: `version` is the version it brings the warehouse to; `apply` is SQL (any
    number of statements) or a function of the connection. It runs inside the upgrade's transaction."""

    version: int
    what: str
    apply: str | Callable[[duckdb.DuckDBPyConnection], None]

    def run(self, con: duckdb.DuckDBPyConnection) -> None:
        if callable(self.apply):
            self.apply(con)
        else:
            con.execute(self.apply)


def add_column(table: str, column: str, sql_type: str, default: str = "null") -> str:
    """The SQL of a step that adds a column (a literal default fills the rows already there)."""
    return f"alter table {table} add column if not exists {column} {sql_type} default {default};"


def latest(steps: Sequence[Step]) -> int:
    """The version the steps lead to (checking they are numbered 1, 2, 3 … in order)."""
    numbers = [step.version for step in steps]
    if numbers != list(range(1, len(numbers) + 1)):
        raise ValueError(f"schema steps must be numbered 1, 2, 3 … in order, not {numbers}")
    return len(numbers)


def _has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ? "
            "and table_catalog = current_database()",
            [schema, table],
        ).fetchone()[0]
    )


def read_version(con: duckdb.DuckDBPyConnection) -> int | None:
    """The warehouse's schema version; 0 for one made before versioning; None for one without raw tables."""
    if _has_table(con, *VERSION_TABLE.split(".")):
        return con.execute(f"select coalesce(max(version), 0) from {VERSION_TABLE}").fetchone()[0]
    return 0 if _has_table(con, *LEGACY_TABLE) else None


def _record(con: duckdb.DuckDBPyConnection, step: Step) -> None:
    con.execute(f"insert into {VERSION_TABLE} (version, what) values (?, ?)", [step.version, step.what])


class SchemaNewer(UserError):
    """The warehouse was made by a newer release: this one does not open it."""

    def __init__(self, path: Path | str, found: int, known: int) -> None:
        super().__init__(
            f"{t.WAREHOUSE} {path} 的结构版本为 {found}，比本程序支持的版本 {known} 新"
            f"（由更新的 zhaoshang 建立），本程序不打开它，请使用建立它的版本 / the warehouse {path} has "
            f"schema v{found}, newer than v{known} that this release knows (a newer zhaoshang made it): it "
            "is not opened; use that release.",
            exit_code=EXIT_SCHEMA,
        )


class SchemaOutdated(UserError):
    """A connection met a warehouse of an older schema that was not upgraded first (a caller's mistake)."""

    def __init__(self, found: int, known: int) -> None:
        super().__init__(
            f"{t.WAREHOUSE}的结构版本 {found} 低于本程序的 {known}，需要先升级：请运行任一 zhaoshang 命令"
            f"（如 `zhaoshang status`）完成升级 / the warehouse has schema v{found}, older than v{known}: "
            "it must be migrated first; any zhaoshang command (e.g. `zhaoshang status`) migrates it.",
            exit_code=EXIT_SCHEMA,
        )


class SchemaUpgradeFailed(UserError):
    """A step failed: the warehouse is as it was before the upgrade started."""

    def __init__(self, path: Path, found: int, known: int, step: Step | None, cause: BaseException) -> None:
        where = f"第 {step.version} 步（{step.what}）" if step else "复制或替换文件时"
        where_en = f"step {step.version} ({step.what})" if step else "copying or switching the file"
        reason = str(cause).strip().splitlines()[0] if str(cause).strip() else type(cause).__name__
        super().__init__(
            f"{t.WAREHOUSE} {path} 从结构版本 {found} 升级到 {known} 失败，{where}出错：{reason}；"
            f"{t.WAREHOUSE}保持原样未改动 / migrating the warehouse from schema v{found} to v{known} failed "
            f"at {where_en}: {reason}; the warehouse was left exactly as it was.",
            exit_code=EXIT_SCHEMA,
        )


def ensure_schema(con: duckdb.DuckDBPyConnection, steps: Sequence[Step]) -> None:
    """On a new warehouse, run every step; on one at the newest version, nothing. An older one must have
    been upgraded first (`upgrade`: SchemaOutdated), a newer one is refused (SchemaNewer)."""
    known = latest(steps)
    found = read_version(con)
    if found == known:
        return
    if found is not None and found > known:
        raise SchemaNewer(con.execute("select current_database()").fetchone()[0], found, known)
    if found is not None:
        raise SchemaOutdated(found, known)
    con.execute("begin")
    try:
        con.execute(VERSION_DDL)
        for step in steps:
            step.run(con)
            _record(con, step)
        con.execute("commit")
    except BaseException:
        con.execute("rollback")
        raise


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def _peek(path: Path, say: Callable[[str], None] | None) -> int | None:
    con = open_warehouse(path, read_only=True, say=say)
    try:
        return read_version(con)
    except duckdb.Error as exc:
        if is_damage(exc):
            raise WarehouseDamaged(path) from None
        raise
    finally:
        con.close()


def migrating_copy(live: Path) -> Path:
    """The copy an upgrade works on (a killed one's is removed with the builds' leftovers)."""
    return live.with_name(f"{live.stem}.migrating-{os.getpid()}.duckdb")


def _remove(copy: Path) -> None:
    for path in (copy, copy.with_name(copy.name + ".wal"), copy.with_name(copy.name + ".tmp")):
        path.unlink(missing_ok=True)


def upgrade(
    live: Path, steps: Sequence[Step], say: Callable[[str], None] | None = None
) -> tuple[int, int] | None:
    """Bring the warehouse at `live` to the newest version of `steps`; (old, new) when it migrated, None
    when there was nothing to do (no file, no raw tables yet, already current). One line through `say`."""
    known = latest(steps)
    if not live.exists():
        return None
    found = _peek(live, say)  # read only: the common case (current) takes no write lock
    if found is None or found == known:
        return None
    if found > known:
        raise SchemaNewer(live, found, known)
    con = open_warehouse(live, say=say)  # the write lock: no other process writes until the copy is in place
    copy = migrating_copy(live)
    step: Step | None = None
    try:
        found = read_version(con)  # another process may have migrated it meanwhile
        if found is None or found == known:
            return None
        if found > known:
            raise SchemaNewer(live, found, known)
        try:
            _remove(copy)
            copy_checkpointed(con, live, copy)
            work = duckdb.connect(str(copy))
            try:
                work.execute("begin")
                work.execute(VERSION_DDL)
                for step in steps[found:]:
                    step.run(work)
                    _record(work, step)
                step = None
                work.execute("commit")
                work.execute("checkpoint")
            finally:
                work.close()
            switch_in(copy, live)  # the one moment the live file changes: whole, or not at all
        except BaseException as exc:  # Ctrl+C too: the copy goes, the live file was not touched
            _remove(copy)
            if not isinstance(exc, Exception):
                raise
            if is_damage(exc):
                raise WarehouseDamaged(live) from None
            raise SchemaUpgradeFailed(live, found, known, step, exc) from exc
    finally:
        con.close()
    (say or _stderr)(
        f"{t.WAREHOUSE}已从结构版本 {found} 升级到 {known} / "
        f"warehouse migrated from schema v{found} to v{known}."
    )
    return found, known
