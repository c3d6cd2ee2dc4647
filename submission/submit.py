"""Freeze a month's submission as `submissions/YYYY-MM/v<N>/` (xlsx, csv, checks.json, manifest.json)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import stat
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from basics import journal
from basics.registers import units
from basics.warehouse_access import open_warehouse
from submission.errors import AlreadySubmitted, GateFailed
from submission.export import Content, write_csv, write_xlsx
from submission.figures import connect, district_rows, source_row_counts
from submission.record import ensure_record, record_version, recorded_versions
from submission.score_sheet import load as load_scores

if TYPE_CHECKING:
    from basics.home import Home
    from expectations.results import GateResult

VERSION_DIR = re.compile(r"^v(\d+)$")
READ_ONLY = stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH


@dataclass(frozen=True)
class SubmissionResult:
    year: int
    month: int
    version: int
    folder: Path
    files: dict[str, str]  # file name -> sha256 (manifest.json excluded: it lists the others)
    manifest: Path

    @property
    def xlsx(self) -> Path:
        return next(self.folder / n for n in self.files if n.endswith(".xlsx"))

    @property
    def csv(self) -> Path:
        return next(self.folder / n for n in self.files if n.endswith(".csv"))


def month_folder(home: Home, year: int, month: int) -> Path:
    return home.submissions / f"{year}-{month:02d}"


def versions(home: Home, year: int, month: int) -> list[int]:
    """Versions already frozen for the month (temp folders of an interrupted run are not versions)."""
    folder = month_folder(home, year, month)
    if not folder.is_dir():
        return []
    return sorted(int(m[1]) for p in folder.iterdir() if p.is_dir() and (m := VERSION_DIR.match(p.name)))


def submit_month(
    home: Home,
    year: int,
    month: int,
    gate: GateResult,
    waivers: dict[str, str] | None = None,
    resubmit_reason: str | None = None,
) -> SubmissionResult:
    """Export and freeze the month when its gate passed.

    Raises GateFailed when a blocking check failed, AlreadySubmitted when the month has a version and no
    `resubmit_reason` is given. A new version never touches the earlier ones.
    """
    if (gate.year, gate.month) != (year, month):
        raise ValueError(f"the gate is for {gate.month_label}, not {year}-{month:02d}")
    if not gate.passed:
        raise GateFailed(gate)
    if waivers is not None and set(waivers) != set(gate.waivers):
        raise ValueError("the waivers differ from those the gate was run with; run the gate again")
    waivers = dict(gate.waivers)  # as the gate checked and recorded them (reasons trimmed)
    reason = (resubmit_reason or "").strip() or None
    label = f"{year}-{month:02d}"
    con = open_warehouse(home.warehouse)  # the record is written in the same transaction as the rename
    try:
        ensure_record(con)
        existing = sorted(set(versions(home, year, month)) | set(recorded_versions(con, label)))
        if existing and reason is None:
            raise AlreadySubmitted(label, existing)
        version = (max(existing) if existing else 0) + 1
        folder = month_folder(home, year, month)
        folder.mkdir(parents=True, exist_ok=True)
        tmp = folder / f".v{version}.tmp-{uuid.uuid4().hex[:8]}"
        tmp.mkdir()
        began = False
        try:
            files, manifest = _write_version(home, tmp, year, month, version, gate, waivers, reason, existing)
            final = folder / f"v{version}"
            con.execute("begin transaction")
            began = True
            frozen = {p.name: (sha256(p), p.stat().st_size) for p in tmp.iterdir()}
            stamp = json.loads(manifest.read_text("utf-8"))["created_at"]
            created = datetime.fromisoformat(stamp).replace(tzinfo=None)
            record_version(
                con, label, version, frozen, {"waivers": waivers, "resubmit_reason": reason}, created
            )
            if final.exists():
                raise AlreadySubmitted(label, [*existing, version])
            os.rename(tmp, final)  # atomic on one file system: a crash leaves no half version
            journal.append(  # before the commit: a rebuild recreates the record of every frozen version
                home.journal,
                journal.SUBMISSION_RECORDED,
                month=label,
                version=version,
                files={name: list(entry) for name, entry in sorted(frozen.items())},
                reasons={"waivers": waivers, "resubmit_reason": reason},
                created_at=created,
            )
            con.execute("commit")
        except BaseException:
            if began:
                con.execute("rollback")
            _remove(tmp)
            raise
    except duckdb.ConstraintException:
        raise AlreadySubmitted(label, [*existing, version]) from None
    finally:
        con.close()
    return SubmissionResult(year, month, version, final, files, final / manifest.name)


def _write_version(
    home: Home,
    out: Path,
    year: int,
    month: int,
    version: int,
    gate: GateResult,
    waivers: dict[str, str],
    reason: str | None,
    earlier: list[int],
) -> tuple[dict[str, str], Path]:
    created_at = datetime.now().astimezone().isoformat(timespec="seconds")
    con = connect(home.warehouse)
    try:
        indicators = district_rows(con, year, month)
        scores = load_scores(con, [year], month)
        counts = source_row_counts(con, year, month)
        configuration = configuration_version(con)
    finally:
        con.close()
    if not indicators:
        raise ValueError(f"marts.district_month_indicators has no rows for {year}-{month:02d}")
    register = units()
    content = Content(
        year,
        month,
        version,
        created_at,
        indicators,
        scores,
        gate,
        waivers,
        {code: u.name_zh for code, u in register.items()},
        reason,
    )
    stem = f"市级考核关键指标_{year}-{month:02d}_v{version}"
    write_xlsx(out / f"{stem}.xlsx", content)
    write_csv(out / f"{stem}.csv", content)
    (out / "checks.json").write_text(gate.to_json() + "\n", encoding="utf-8")
    files = {p.name: sha256(p) for p in sorted(out.iterdir())}
    manifest = {
        "title": "市级考核关键指标",
        "month": f"{year}-{month:02d}",
        "version": version,
        "created_at": created_at,
        "files": [{"name": n, "sha256": h, "bytes": (out / n).stat().st_size} for n, h in files.items()],
        "waivers": [
            {"unit_code": u, "unit_name": register[u].name_zh if u in register else None, "reason": r}
            for u, r in sorted(waivers.items())
        ],
        "resubmit_reason": reason,
        "previous_version": _previous(home, year, month, earlier),
        "gate": {
            "passed": gate.passed,
            "created_at": gate.created_at,
            "weeks": gate.weeks,
            "checks": len(gate.checks),
            "warnings": sum(1 for f in gate.failures if f.severity == "warning"),
            "waived": sum(1 for f in gate.failures if f.waived),
        },
        "source_row_counts": counts,
        "configuration": configuration,
        "figures": {
            r.indicator: {"value": r.value, "target": r.target, "completion": r.completion}
            for r in indicators
        },
    }
    path = out / "manifest.json"
    path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    for p in out.iterdir():
        p.chmod(READ_ONLY)
    return files, path


def configuration_version(con: duckdb.DuckDBPyConnection) -> dict[str, Any] | None:
    """The configuration the scores were built with (marts.config_files): one checksum over every file's,
    when it last changed, and each file's version; None for a warehouse built before it was recorded."""
    try:
        rows = con.execute(
            "select file, version, sha256, cast(loaded_at as varchar) from marts.config_files order by file"
        ).fetchall()
    except duckdb.CatalogException:
        return None
    if not rows:
        return None
    digest = hashlib.sha256("".join(f"{file}:{sha}\n" for file, _, sha, _ in rows).encode()).hexdigest()
    return {
        "checksum": digest[:16],
        "changed_at": max(loaded for *_, loaded in rows),
        "files": [{"file": file, "version": version, "sha256": sha} for file, version, sha, _ in rows],
    }


def _previous(home: Home, year: int, month: int, earlier: list[int]) -> dict[str, Any] | None:
    if not earlier:
        return None
    last = max(earlier)
    manifest = month_folder(home, year, month) / f"v{last}" / "manifest.json"
    return {"version": last, "manifest_sha256": sha256(manifest) if manifest.exists() else None}


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _remove(path: Path) -> None:
    if not path.exists():
        return
    for p in path.iterdir():
        p.chmod(stat.S_IWUSR | stat.S_IRUSR)
    shutil.rmtree(path, ignore_errors=True)
