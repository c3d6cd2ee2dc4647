"""A bigger unit register for the M/L benchmarks, and a copy of the dbt project that uses it.

The real seeds (dbt_project/seeds) are never touched: M/L runs copy the dbt project to a scratch folder and
write their own `units.csv` and `targets.csv` there.
"""

from __future__ import annotations

import csv
import io
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from basics.home import DBT_PROJECT_DIR, DEFAULTS_DIR
from basics.registers import read_seed


@dataclass(frozen=True)
class BenchUnit:
    unit_code: str
    name_zh: str
    unit_type: str
    active_from: date
    active_to: date | None


_TYPES = (("platform", "P", "园区"), ("department", "D", "部门"), ("bureau_section", "B", "科室"))


def real_units() -> list[BenchUnit]:
    """The 16 units of the real register, as in the bundled configuration."""
    return [
        BenchUnit(
            r["unit_code"],
            r["name_zh"],
            r["unit_type"],
            date.fromisoformat(r["active_from"]),
            date.fromisoformat(r["active_to"]) if r["active_to"] else None,
        )
        for r in read_seed("units", DEFAULTS_DIR / "config")
    ]


def bench_register(n_units: int, first_year: int, n_years: int) -> list[BenchUnit]:
    """The real register plus generated units up to `n_units` (half platforms, 30 % departments).

    One unit in 25 starts in the middle of the run and one in 40 stops, so active dates matter.
    """
    units = real_units()[:n_units]
    i = 0
    while len(units) < n_units:
        i += 1
        kind = 0 if i % 10 < 5 else 1 if i % 10 < 8 else 2
        unit_type, prefix, label = _TYPES[kind]
        active_from = date(2020, 1, 1)
        active_to = None
        if i % 25 == 0:
            active_from = date(first_year + min(2, n_years - 1), 3 + i % 7, 1)
        elif i % 40 == 7 and n_years > 1:
            active_to = date(first_year + n_years - 2, 6 + i % 5, 15)
        units.append(BenchUnit(f"{prefix}{i:03d}", f"基准{label}{i:03d}", unit_type, active_from, active_to))
    return units


def write_units(units: list[BenchUnit], seeds_dir: Path) -> None:
    with open(seeds_dir / "units.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["unit_code", "name_zh", "unit_type", "active_from", "active_to"])
        for u in units:
            out.writerow(
                [
                    u.unit_code,
                    u.name_zh,
                    u.unit_type,
                    u.active_from.isoformat(),
                    u.active_to.isoformat() if u.active_to else "",
                ]
            )


def write_targets(rows: list[tuple], seeds_dir: Path) -> None:
    """rows: (year, unit_code, target_C, target_F, target_Q, target_M, target_R)."""
    with open(seeds_dir / "targets.csv", "w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(["year", "unit_code", "target_C", "target_F", "target_Q", "target_M", "target_R"])
        out.writerows(rows)


def copy_dbt_project(dest: Path, rev: str | None = None) -> Path:
    """Copy dbt_project (without target/, logs/) to `dest` and return it.

    With `rev` (a git revision, e.g. HEAD) the committed files of that revision are used, not the working tree
    (other engineers' edits in progress stay out of the measurement).
    """
    if dest.exists():
        shutil.rmtree(dest)
    if rev is None:
        shutil.copytree(
            DBT_PROJECT_DIR,
            dest,
            ignore=shutil.ignore_patterns("target", "logs", "dbt_packages", ".user.yml"),
        )
        return dest
    repo = DBT_PROJECT_DIR.parent
    archive = subprocess.run(
        ["git", "archive", "--format=tar", rev, DBT_PROJECT_DIR.name],
        cwd=repo,
        capture_output=True,
        check=True,
    ).stdout
    staging = dest.parent / f".{dest.name}.git"
    shutil.rmtree(staging, ignore_errors=True)
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(staging, filter="data")
    shutil.move(staging / DBT_PROJECT_DIR.name, dest)
    shutil.rmtree(staging)
    return dest
