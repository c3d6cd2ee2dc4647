"""Move a rejected report from the inbox to `quarantine/<week or _no_week>/`, with a bilingual reason file."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

from basics.home import Home
from ingestion.discover import LEADS_SUFFIX, Candidate
from ingestion.outcomes import Rejection

REASON_SUFFIX = ".reason.txt"
NAME_MAX = 255  # bytes of one file name on the file systems the bureau uses


def _split(name: str) -> tuple[str, str]:
    lower = name.lower()
    if lower.endswith(LEADS_SUFFIX):
        return name[: -len(LEADS_SUFFIX)], name[-len(LEADS_SUFFIX) :]
    path = Path(name)
    return path.stem, path.suffix


def fit(stem: str, tail: str) -> str:
    """`stem + tail`, the stem shortened (with '…') so that the name fits in NAME_MAX bytes."""
    if len((stem + tail).encode()) <= NAME_MAX:
        return stem + tail
    room = NAME_MAX - len(("…" + tail).encode())
    cut = stem.encode()[: max(room, 0)].decode("utf-8", "ignore")
    return cut + "…" + tail


def reason_name(name: str) -> str:
    return fit(name, REASON_SUFFIX)


def _free_names(folder: Path, names: list[str]) -> list[str]:
    """The names themselves, or `<stem>.<n><suffix>` for the smallest n that frees all of them."""
    n = 1
    while True:
        chosen = names if n == 1 else [fit(s, f".{n}{x}") for s, x in map(_split, names)]
        targets = chosen + [reason_name(chosen[0])]
        if not any(os.path.lexists(folder / t) for t in targets):
            return chosen
        n += 1


WEEK_FOLDER = ("周文件夹", "week folder")  # where a corrected file goes back (entries: their month folder)


def reason_text(
    rejection: Rejection,
    archive_path: str | None,
    rejected_at: datetime,
    put_back: tuple[str, str] = WEEK_FOLDER,
) -> str:
    """The reason file: what is wrong, where, and what was expected, in Chinese then English."""

    def show(value: object) -> str:
        return "—" if value in (None, "") else str(value)

    return "\n".join(
        [
            f"拒收原因：{rejection.reason_zh}",
            f"Reason: {rejection.reason_en}",
            "",
            f"文件 / File: {rejection.file}",
            f"工作表 / Sheet: {show(rejection.sheet)}",
            f"行 / Row: {show(rejection.row)}",
            f"列 / Column: {show(rejection.column)}",
            f"值 / Value: {show(rejection.value)}",
            f"应为 / Expected: {rejection.expected}",
            f"代码 / Code: {rejection.reason_code}",
            f"SHA-256: {show(rejection.sha256)}",
            f"归档 / Archived copy: {show(archive_path)}",
            f"时间 / Rejected at: {rejected_at.isoformat(sep=' ', timespec='seconds')}",
            "",
            f"请修改后重新放入收件箱对应的{put_back[0]}。",
            f"Please correct the file and put it back into its {put_back[1]}.",
            "",
        ]
    )


def _move(source: Path, target: Path, regular: bool) -> None:
    """Move a file, or a link/pipe itself (renamed only: its target is never read, moved or copied)."""
    if regular:
        shutil.move(source, target)
    else:
        os.rename(source, target)


def quarantine_report(
    home: Home,
    folder: Path,
    candidate: Candidate,
    rejection: Rejection,
    archive_path: str | None,
    rejected_at: datetime,
    put_back: tuple[str, str] = WEEK_FOLDER,
) -> str | None:
    """Move the report's file(s) into `folder` beside a reason file; return the main file's path relative to
    home, or None when the file system refused the move (the file stays in the inbox; the reason says so)."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = candidate.paths
    names = _free_names(folder, [p.name for p in sources])
    text = reason_text(rejection, archive_path, rejected_at, put_back)
    moved: str | None = (folder / names[0]).relative_to(home.root).as_posix()
    try:
        for source, name in zip(sources, names, strict=True):
            _move(source, folder / name, candidate.kind == "file")
    except OSError as exc:
        moved = None
        text += (
            f"\n文件无法移入隔离区，仍在收件箱（{exc.strerror or exc}），请手工移走。"
            f"\nThe file could not be moved to quarantine and stays in the inbox ({exc.strerror or exc}); "
            "please move it away by hand.\n"
        )
    (folder / reason_name(names[0])).write_text(text, encoding="utf-8")
    return moved
