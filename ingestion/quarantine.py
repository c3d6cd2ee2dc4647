"""Move a rejected report from the inbox to `quarantine/<week or _no_week>/`, with a bilingual reason file."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

from basics.home import Home
from ingestion.discover import LEADS_SUFFIX, Candidate
from ingestion.outcomes import Rejection

REASON_SUFFIX = ".reason.txt"


def _split(name: str) -> tuple[str, str]:
    lower = name.lower()
    if lower.endswith(LEADS_SUFFIX):
        return name[: -len(LEADS_SUFFIX)], name[-len(LEADS_SUFFIX) :]
    path = Path(name)
    return path.stem, path.suffix


def _free_names(folder: Path, names: list[str]) -> list[str]:
    """The names themselves, or `<stem>.<n><suffix>` for the smallest n that frees all of them."""
    n = 1
    while True:
        chosen = names if n == 1 else [f"{s}.{n}{x}" for s, x in map(_split, names)]
        targets = chosen + [chosen[0] + REASON_SUFFIX]
        if not any((folder / t).exists() for t in targets):
            return chosen
        n += 1


def reason_text(rejection: Rejection, archive_path: str | None, rejected_at: datetime) -> str:
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
            "请修改后重新放入收件箱对应的周文件夹。",
            "Please correct the file and put it back into its week folder.",
            "",
        ]
    )


def planned_path(home: Home, folder: Path, candidate: Candidate) -> str:
    """Where the report's main file will land, relative to home."""
    name = _free_names(folder, [p.name for p in candidate.paths])[0]
    return (folder / name).relative_to(home.root).as_posix()


def quarantine_report(
    home: Home,
    folder: Path,
    candidate: Candidate,
    rejection: Rejection,
    archive_path: str | None,
    rejected_at: datetime,
) -> str:
    """Write the reason file, move the report's file(s) into `folder`; return the main file's path."""
    folder.mkdir(parents=True, exist_ok=True)
    sources = candidate.paths
    names = _free_names(folder, [p.name for p in sources])
    (folder / (names[0] + REASON_SUFFIX)).write_text(
        reason_text(rejection, archive_path, rejected_at), encoding="utf-8"
    )
    for source, name in zip(sources, names, strict=True):
        shutil.move(source, folder / name)
    return (folder / names[0]).relative_to(home.root).as_posix()
