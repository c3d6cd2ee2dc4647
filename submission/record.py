"""The warehouse's record of every frozen submission version, and the check of the folders against it.

`submissions.frozen_files` holds one row per file of each version (manifest.json included): month, version,
file name, sha256, size, the reasons (waivers, resubmission) and when it was frozen. A version the record
holds cannot be created again, even when its folder was moved away; `verify` reports every file that was
altered, removed or added since.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from basics.home import Home

RECORD_DDL = """
create schema if not exists submissions;
create table if not exists submissions.frozen_files (
    month       varchar not null,   -- YYYY-MM
    version     integer not null,
    file_name   varchar not null,
    sha256      varchar not null,
    bytes       bigint not null,
    reasons     varchar,            -- JSON: waivers {unit: reason} and resubmit_reason
    created_at  timestamp not null,
    primary key (month, version, file_name)
);
"""


def ensure_record(con: duckdb.DuckDBPyConnection) -> None:
    con.execute(RECORD_DDL)


def _has_record(con: duckdb.DuckDBPyConnection) -> bool:
    return bool(
        con.execute(
            "select count(*) from information_schema.tables "
            "where table_schema = 'submissions' and table_name = 'frozen_files'"
        ).fetchone()[0]
    )


def recorded_versions(con: duckdb.DuckDBPyConnection, month: str) -> list[int]:
    if not _has_record(con):
        return []
    rows = con.execute(
        "select distinct version from submissions.frozen_files where month = ? order by version", [month]
    ).fetchall()
    return [v for (v,) in rows]


def record_version(
    con: duckdb.DuckDBPyConnection,
    month: str,
    version: int,
    files: dict[str, tuple[str, int]],
    reasons: dict[str, Any],
    created_at: datetime,
) -> None:
    """Insert the version's files (name -> (sha256, bytes)); the caller holds the transaction."""
    text = json.dumps(reasons, ensure_ascii=False, sort_keys=True)
    for name, (sha, size) in sorted(files.items()):
        con.execute(
            "insert into submissions.frozen_files values (?, ?, ?, ?, ?, ?, ?)",
            [month, version, name, sha, size, text, created_at],
        )


@dataclass(frozen=True)
class Finding:
    """One problem of a frozen version; `tampered` ones make `verify` exit 6."""

    month: str
    version: int
    file: str | None
    zh: str
    en: str
    tampered: bool = True

    def line(self) -> str:
        where = f"{self.month} v{self.version}" + (f" {self.file}" if self.file else "")
        return f"{where}: {self.zh} / {self.en}"


def _recorded(con: duckdb.DuckDBPyConnection | None) -> dict[tuple[str, int], dict[str, str]]:
    if con is None or not _has_record(con):
        return {}
    out: dict[tuple[str, int], dict[str, str]] = {}
    for month, version, name, sha in con.execute(
        "select month, version, file_name, sha256 from submissions.frozen_files order by month, version"
    ).fetchall():
        out.setdefault((month, version), {})[name] = sha
    return out


def _on_disk(home: Home) -> dict[tuple[str, int], Path]:
    from submission.submit import VERSION_DIR

    out = {}
    if home.submissions.is_dir():
        for month in sorted(p for p in home.submissions.iterdir() if p.is_dir()):
            for folder in month.iterdir():
                if folder.is_dir() and (m := VERSION_DIR.match(folder.name)):
                    out[(month.name, int(m[1]))] = folder
    return out


def _compare(month: str, version: int, folder: Path, expected: dict[str, str]) -> list[Finding]:
    from submission.submit import sha256

    findings = []
    for name, sha in sorted(expected.items()):
        path = folder / name
        if not path.is_file():
            findings.append(Finding(month, version, name, "文件缺失", "the file is missing"))
        elif sha256(path) != sha:
            findings.append(
                Finding(
                    month,
                    version,
                    name,
                    "文件已被修改（校验值不符）",
                    "the file was altered (sha256 differs)",
                )
            )
    for extra in sorted(p.name for p in folder.iterdir() if p.name not in expected):
        findings.append(Finding(month, version, extra, "冻结后新增的文件", "a file added after freezing"))
    return findings


def verify(home: Home, con: duckdb.DuckDBPyConnection | None) -> tuple[int, list[Finding]]:
    """(versions checked, findings): every recorded version against the record, every other version folder
    against its own manifest.json."""
    recorded = _recorded(con)
    disk = _on_disk(home)
    findings: list[Finding] = []
    for (month, version), files in sorted(recorded.items()):
        folder = disk.get((month, version))
        if folder is None:
            findings.append(
                Finding(month, version, None, "整个版本文件夹缺失", "the whole version folder is missing")
            )
            continue
        findings += _compare(month, version, folder, files)
    for (month, version), folder in sorted(disk.items()):
        if (month, version) in recorded:
            continue
        manifest = folder / "manifest.json"
        try:
            listed = {f["name"]: f["sha256"] for f in json.loads(manifest.read_text("utf-8"))["files"]}
        except (OSError, ValueError, KeyError, TypeError):
            findings.append(
                Finding(
                    month,
                    version,
                    "manifest.json",
                    "清单缺失或无法读取",
                    "the manifest is missing or unreadable",
                )
            )
            continue
        listed["manifest.json"] = ""
        findings += [f for f in _compare(month, version, folder, listed) if f.file != "manifest.json"]
        findings.append(
            Finding(
                month,
                version,
                None,
                "仓库中没有该版本的报送记录（按其清单核验）",
                "the warehouse has no record of this version (checked against its manifest)",
                tampered=False,
            )
        )
    return len(set(recorded) | set(disk)), findings
