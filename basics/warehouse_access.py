"""Open the DuckDB warehouse, waiting (with one message) while another process holds its lock.

DuckDB allows one writing process, or several readers, at a time. A command that meets a lock says at once
who holds it and waits for it (up to `$ZHAOSHANG_LOCK_WAIT` seconds, default 1800), never a lock traceback.
"""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import duckdb

from basics.errors import UserError

EXIT_BUSY = 1  # SPEC 6: a run that could not complete
_PID = re.compile(r"PID (\d+)")


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


def open_warehouse(
    path: Path,
    *,
    read_only: bool = False,
    say: Callable[[str], None] | None = None,
) -> duckdb.DuckDBPyConnection:
    """A connection to the warehouse file; waits while another process holds it (one message, at once)."""
    deadline = time.monotonic() + _lock_wait_seconds()
    told = False
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
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
