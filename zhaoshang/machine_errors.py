"""The machine refusing: a full disk or a missing permission, as one sentence with what to do (exit 1).

Such errors surface as OSError, as sqlite's "disk I/O error" from the Dagster instance, as DuckDB's IO errors,
or inside a failed run's message; each becomes the same sentence instead of a traceback.
"""

from __future__ import annotations

import errno

from basics.errors import UserError
from basics.home import Home

EXIT_MACHINE = 1
_FULL = ("no space left", "database or disk is full", "disk i/o error", "disk is full", "errno 28", "enospc")
_DENIED = ("permission denied", "read-only file system", "operation not permitted", "errno 13", "errno 30")


def machine_problem(exc: BaseException, home: Home) -> UserError | None:
    """The user-facing sentence for a full disk or a refused permission; None for anything else."""
    codes = {getattr(e, "errno", None) for e in _chain(exc)}
    text = " ".join(str(e) for e in _chain(exc)).lower()
    if codes & {errno.ENOSPC, errno.EDQUOT} or any(marker in text for marker in _FULL):
        return UserError(
            f"磁盘已满，无法写入 {home.root} / the disk holding {home.root} is full.",
            "请清理磁盘空间后重新运行本命令（未完成的部分不会被保留）"
            " / free some space and run the command again (nothing half-written is kept).",
            exit_code=EXIT_MACHINE,
        )
    if codes & {errno.EACCES, errno.EPERM, errno.EROFS} or any(marker in text for marker in _DENIED):
        where = next((e.filename for e in _chain(exc) if getattr(e, "filename", None)), home.root)
        return UserError(
            f"没有读写 {where} 的权限 / no permission to read or write {where}.",
            "请用有权限的账户运行，或用 --home 指定可写的文件夹"
            " / run as an account that may write there, or choose a writable folder with --home.",
            exit_code=EXIT_MACHINE,
        )
    return None


def _chain(exc: BaseException) -> list[BaseException]:
    out: list[BaseException] = []
    while exc is not None and exc not in out:
        out.append(exc)
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return out
