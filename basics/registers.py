"""Read the registers from Python: the home's configuration folder (basics.config) is the single source of
units and labels (`$ZHAOSHANG_HOME`'s, else the bundled defaults)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from basics.config import REGISTERS, ConfigErrors, config_dir, read_table, register_path


def canonical_text(value: object) -> str:
    """A typed cell as the registers' CSV text: booleans true/false, whole floats without .0, None empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def read_seed(name: str, folder: Path | None = None) -> list[dict[str, str]]:
    """Rows of register `name` (units, targets, stages, ...) of the configuration folder as dicts of strings
    in their canonical form (booleans true/false, dates ISO). A mistake in the file raises ConfigErrors."""
    return _read(name, folder or config_dir())


@cache
def _read(name: str, folder: Path) -> list[dict[str, str]]:
    table, problems = read_table(REGISTERS[name], register_path(folder, name))
    if table is None or problems:
        raise ConfigErrors(problems)
    return [{c: canonical_text(row.get(c)) for c in table.columns} for row in table.rows]


@dataclass(frozen=True)
class Unit:
    unit_code: str
    name_zh: str
    unit_type: str
    active_from: date
    active_to: date | None

    def active_on(self, day: date) -> bool:
        return self.active_from <= day and (self.active_to is None or day <= self.active_to)


def units() -> dict[str, Unit]:
    """The unit register keyed by unit code."""
    return _units(config_dir())


@cache
def _units(folder: Path) -> dict[str, Unit]:
    out: dict[str, Unit] = {}
    for row in read_seed("units", folder):
        out[row["unit_code"]] = Unit(
            unit_code=row["unit_code"],
            name_zh=row["name_zh"],
            unit_type=row["unit_type"],
            active_from=date.fromisoformat(row["active_from"]),
            active_to=date.fromisoformat(row["active_to"]) if row["active_to"] else None,
        )
    return out


def labels(seed: str) -> dict[str, str]:
    """Map Simplified Chinese label -> English code for an enumeration seed (industries, stages, ...)."""
    return _labels(seed, config_dir())


@cache
def _labels(seed: str, folder: Path) -> dict[str, str]:
    rows = read_seed(seed, folder)
    code_col = next(c for c in rows[0] if c.endswith("_code"))
    return {row["label_zh"]: row[code_col] for row in rows}


def scoring_parameters() -> dict[str, float]:
    """The scoring parameters seed as numbers."""
    return {row["parameter"]: float(row["value"]) for row in read_seed("scoring_parameters")}
