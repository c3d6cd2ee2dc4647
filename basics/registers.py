"""Read the registers (dbt seeds) from Python: the seeds are the single source of units and labels."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from basics.home import SEEDS_DIR


def read_seed(name: str, seeds_dir: Path = SEEDS_DIR) -> list[dict[str, str]]:
    """Rows of `dbt_project/seeds/<name>.csv` as dicts of strings."""
    with open(seeds_dir / f"{name}.csv", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@dataclass(frozen=True)
class Unit:
    unit_code: str
    name_zh: str
    unit_type: str
    active_from: date
    active_to: date | None

    def active_on(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


@cache
def units() -> dict[str, Unit]:
    """The unit register keyed by unit code."""
    out: dict[str, Unit] = {}
    for row in read_seed("units"):
        out[row["unit_code"]] = Unit(
            unit_code=row["unit_code"],
            name_zh=row["name_zh"],
            unit_type=row["unit_type"],
            active_from=date.fromisoformat(row["active_from"]),
            active_to=date.fromisoformat(row["active_to"]) if row["active_to"] else None,
        )
    return out


@cache
def labels(seed: str) -> dict[str, str]:
    """Map Simplified Chinese label -> English code for an enumeration seed (industries, stages, ...)."""
    rows = read_seed(seed)
    code_col = next(c for c in rows[0] if c.endswith("_code"))
    return {row["label_zh"]: row[code_col] for row in rows}


@cache
def scoring_parameters() -> dict[str, float]:
    """The scoring parameters seed as numbers."""
    return {row["parameter"]: float(row["value"]) for row in read_seed("scoring_parameters")}
