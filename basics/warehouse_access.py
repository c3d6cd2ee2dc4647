"""Open the DuckDB warehouse, waiting (with one message) while another process holds its lock; tell a
damaged file from a busy one; build into a copy and switch it in whole.

DuckDB allows one writing process, or several readers, at a time. A command that meets a lock says at once
who holds it and waits for it (up to `$ZHAOSHANG_LOCK_WAIT` seconds, default 1800), never a lock traceback.
A file DuckDB cannot read (truncated, not a database, a block failing its checksum) is one sentence naming
`zhaoshang rebuild` (`WarehouseDamaged`).

A build never writes the live file: `begin_build` checkpoints the warehouse and copies it to
`warehouse.building-<pid>.duckdb` beside it, dbt builds the copy, and `finish_build` moves the copy over the
live file (`os.replace`, fsync'd) only when every model and test passed. Readers keep reading the previous
build meanwhile; a failed or killed build leaves it untouched, and `remove_leftover_builds` deletes the copy
of a build whose process is gone.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb

from basics import terms as t
from basics.errors import UserError

EXIT_BUSY = 1  # SPEC 6: a run that could not complete
EXIT_DAMAGED = 1
_PID = re.compile(r"PID (\d+)")
# what DuckDB says of a file it cannot read (checked case-insensitively)
_DAMAGE = (
    "not a valid duckdb database file",
    "could not read enough bytes",
    "corrupt database file",
    "does not match stored checksum",
    "invalid database header",
    "failed to deserialize",
    "serialization error",
)
# a build's, a rebuild's and a schema upgrade's working copy (`basics.warehouse_schema`)
BUILDING = re.compile(r"^(?P<stem>.+)\.(?:(?:re)?building|migrating)-(?P<pid>\d+)\.duckdb(?:\.wal|\.tmp)?$")


def _lock_wait_seconds() -> float:
    return float(os.environ.get("ZHAOSHANG_LOCK_WAIT", "1800"))


def holder(message: str) -> tuple[str, str]:
    """Who holds the lock, from DuckDB's message (中文, English): the command and when it started."""
    found = _PID.search(message)
    if not found:
        return "另一个程序", "another program"
    pid = int(found[1])
    try:
        import psutil

        process = psutil.Process(pid)
        args = " ".join(process.cmdline())
        at = datetime.fromtimestamp(process.create_time()).strftime("%Y-%m-%d %H:%M:%S")
    except Exception:  # gone already, or not ours to look at
        return f"进程 {pid}", f"process {pid}"
    for word, zh, en in (
        ("build", "构建", "the build"),
        ("dbt", "构建", "the build"),
        ("ingest", "导入", "the ingestion"),
        ("submit", "报送", "the submission"),
        ("demo", "演示", "the demo"),
        ("dagster", "Dagster 运行", "a Dagster run"),
    ):
        if word in args:
            return f"{zh}（{at} 开始，进程 {pid}）", f"{en} started at {at} (process {pid})"
    return f"进程 {pid}（{at} 开始）", f"process {pid} started at {at}"


def is_lock_error(exc: BaseException) -> bool:
    text = str(exc)
    return isinstance(exc, duckdb.IOException) and ("lock" in text.lower())


def is_damage(exc: BaseException) -> bool:
    """Whether an error (or one it was raised from) is DuckDB failing to read a damaged file."""
    seen: list[BaseException] = []
    while exc is not None and exc not in seen:
        seen.append(exc)
        text = str(exc).lower()
        if any(marker in text for marker in _DAMAGE) and not is_lock_error(exc):
            return True
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return False


def damage_text(text: str) -> bool:
    """Whether a message (a failed run's, a dbt log line) reports a damaged warehouse file."""
    return any(marker in text.lower() for marker in _DAMAGE)


class WarehouseDamaged(UserError):
    """The warehouse file cannot be read: one sentence that names `zhaoshang rebuild`."""

    def __init__(self, path: Path | str) -> None:
        path = Path(path)
        super().__init__(
            f"{t.WAREHOUSE}文件 {path} {t.DAMAGED}，无法读取（文件被截断、不是数据库文件或校验失败）"
            f"，请运行 `zhaoshang rebuild --home {path.parent}` 由{t.ARCHIVE}和{t.JOURNAL}{t.REBUILD}"
            f" / the warehouse file {path} is damaged and cannot be read (truncated, not a database or "
            f"failing its checksums): run `zhaoshang rebuild --home {path.parent}` to recreate it from the "
            "archive and the journal.",
            exit_code=EXIT_DAMAGED,
        )


def open_warehouse(
    path: Path,
    *,
    read_only: bool = False,
    say: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file; waits while another process holds it (one message, at once).

    Raises WarehouseDamaged when DuckDB cannot read the file."""
    deadline = time.monotonic() + _lock_wait_seconds()
    told = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.Error as exc:
            if is_damage(exc):
                raise WarehouseDamaged(path) from None
            if not is_lock_error(exc):
                raise
            zh, en = holder(str(exc))
            if not told:
                (say or _stderr)(f"仓库正被{zh}使用，等待… / the warehouse is in use by {en}; waiting …")
                told = True
            if time.monotonic() > deadline:
                raise UserError(
                    f"仓库仍被{zh}占用（已等待 {_lock_wait_seconds():.0f} 秒）"
                    f" / the warehouse is still in use by {en}.",
                    "请等其完成后再运行本命令 / run this command again once it has finished.",
                    exit_code=EXIT_BUSY,
                ) from None
            time.sleep(0.5)


def _stderr(line: str) -> None:
    print(line, file=sys.stderr, flush=True)


def check_readable(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Read every column of every table once, so that a block failing its checksum is found now (and named)
    rather than answering some queries and failing others; raises WarehouseDamaged."""
    try:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_type = 'BASE TABLE' and table_catalog = current_database() order by all"
        ).fetchall()
        for schema, table in tables:
            con.execute(f'select count(*), sum(hash(x)) from "{schema}"."{table}" as x').fetchall()
    except duckdb.Error as exc:
        if is_damage(exc):
            raise WarehouseDamaged(path) from None
        raise


# building into a copy ------------------------------------------------------------------------------------


def fsync_path(path: Path) -> None:
    """Flush a file (or a folder's entries) to disk."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def copy_checkpointed(con: duckdb.DuckDBPyConnection, live: Path, dest: Path) -> None:
    """Checkpoint the warehouse open on `con` (every committed change then lies in `live` itself) and copy
    the file to `dest`, whole or not at all (through `dest`.tmp)."""
    con.execute("checkpoint")
    partial = dest.with_name(dest.name + ".tmp")
    shutil.copyfile(live, partial)
    fsync_path(partial)
    os.replace(partial, dest)


def switch_in(copy: Path, live: Path) -> None:
    """Replace `live` by the checkpointed `copy`: fsync it, replace, fsync the folder; never leaves a WAL."""
    if _wal(copy).exists():  # never leave a WAL behind that belongs to no file
        raise RuntimeError(f"{_wal(copy)} remained after the checkpoint")
    fsync_path(copy)
    os.replace(copy, live)
    fsync_path(live.parent)


def _building_alive(pid: int, path: Path) -> bool:
    """Is the process that made this building copy still running (and not a newer one with its pid)?"""
    try:
        import psutil

        process = psutil.Process(pid)
        return process.create_time() <= path.lstat().st_mtime + 1.0
    except Exception:  # gone (or the file vanished meanwhile)
        return False


def remove_leftover_builds(live: Path) -> list[Path]:
    """Delete the building copies (and their WAL) of builds whose process is gone; return them."""
    removed = []
    folder = live.parent
    if not folder.is_dir():
        return removed
    for path in sorted(folder.iterdir()):
        found = BUILDING.match(path.name)
        if not found or found["stem"] != live.stem or _building_alive(int(found["pid"]), path):
            continue
        path.unlink(missing_ok=True)
        removed.append(path)
    return removed


@dataclass(frozen=True)
class Build:
    """A build in progress: the copy dbt writes, and the live file's state when it was copied."""

    live: Path
    building: Path
    live_state: tuple[int, int] | None  # (size, mtime_ns) of the live file at the copy; None: no live file


def _state(path: Path) -> tuple[int, int] | None:
    try:
        info = path.stat()
    except FileNotFoundError:
        return None
    return info.st_size, info.st_mtime_ns


def _wal(path: Path) -> Path:
    return path.with_name(path.name + ".wal")


def begin_build(live: Path, say: Callable[[str], None] | None = None) -> Build:
    """Checkpoint the live warehouse and copy it to this process's building file (the caller holds the
    warehouse pool, so no writer runs until `finish_build` or `discard_build`)."""
    remove_leftover_builds(live)
    building = live.with_name(f"{live.stem}.building-{os.getpid()}.duckdb")
    for path in (building, _wal(building)):
        path.unlink(missing_ok=True)
    if live.exists():
        con = open_warehouse(live, say=say)  # waits (with a message) while another process holds the file
        try:
            copy_checkpointed(con, live, building)
        except duckdb.Error as exc:
            if is_damage(exc):
                raise WarehouseDamaged(live) from None
            raise
        finally:
            con.close()
    return Build(live, building, _state(live))


class WarehouseChanged(RuntimeError):
    """The live file changed while the build ran (a writer outside the pool): the build is not switched in."""


def finish_build(build: Build) -> None:
    """Switch the built copy in: checkpoint it, fsync it, replace the live file, fsync the folder."""
    if _state(build.live) != build.live_state or _wal(build.live).exists():
        discard_build(build)
        raise WarehouseChanged(
            f"{t.WAREHOUSE}在{t.BUILD}期间被改动，本次结果未采用，原有结果保持不变；请重新运行 "
            "`zhaoshang build` / the warehouse changed during the build: its result was not used (the "
            "previous build stays); run `zhaoshang build` again."
        )
    con = duckdb.connect(str(build.building))
    try:
        con.execute("checkpoint")
    finally:
        con.close()
    switch_in(build.building, build.live)


def discard_build(build: Build) -> None:
    """Delete the building copy (a failed build): the live file was never touched."""
    for path in (
        build.building,
        _wal(build.building),
        build.building.with_name(build.building.name + ".tmp"),
    ):
        path.unlink(missing_ok=True)
