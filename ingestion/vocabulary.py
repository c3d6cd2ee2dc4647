"""Header, sheet-name and enumeration vocabulary: Simplified/Traditional, full/half-width, spacing variants.

Everything a unit may write in several ways is reduced by `normalise_label` (NFKC width folding, Traditional →
Simplified, brackets unified, whitespace removed) before it is looked up in the seeds or the column list.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from typing import Any

import zhconv

from basics import registers
from ingestion.columns import COVER_SHEET, LEADS_SHEET, LEDGER_SHEET, UNIT_DIVISORS, Column

_BRACKETS = str.maketrans({"【": "(", "】": ")", "[": "(", "]": ")", "〔": "(", "〕": ")"})
_SPACES = re.compile(r"\s+")
_HEADER = re.compile(r"^(?P<base>[^()]*?)(?:\((?P<unit>[^()]*)\))?$")

LEDGER_SHEET_NAMES = frozenset({LEDGER_SHEET, "项目台帐"})  # 帐 is a common variant of 账


@cache
def normalise_label(text: str) -> str:
    """Fold width (（）→(), ５→5), Traditional → Simplified, unify brackets, drop all whitespace and '*'."""
    folded = unicodedata.normalize("NFKC", text)
    simplified = zhconv.convert(folded, "zh-cn").translate(_BRACKETS)
    return _SPACES.sub("", simplified).strip("*")


def sheet_role(name: str) -> str | None:
    """'ledger', 'leads', 'cover' or None for a sheet name (Simplified or Traditional)."""
    label = normalise_label(name)
    if label in LEDGER_SHEET_NAMES:
        return "ledger"
    if label == LEADS_SHEET:
        return "leads"
    if label == COVER_SHEET:
        return "cover"
    return None


@dataclass(frozen=True)
class HeaderMatch:
    """A header matched to a column; `divisor` converts to the column's default unit (None: unknown unit)."""

    column: Column
    unit: str | None
    divisor: float | None


@cache
def _header_index(columns: tuple[Column, ...]) -> dict[str, tuple[Column, str | None]]:
    """Normalised header (without brackets) -> column and the unit it names, if any."""
    index: dict[str, tuple[Column, str | None]] = {}
    for column in columns:
        index[column.header] = (column, None)
        for unit in UNIT_DIVISORS.get(column.default_unit or "", {}):
            index[column.header + unit] = (column, unit)  # 协议引资额万元, without brackets
    return index


def match_header(text: str, columns: tuple[Column, ...]) -> HeaderMatch | None:
    """Match one header cell against the columns of a sheet; None when it is not one of them."""
    label = normalise_label(text)
    found = _HEADER.match(label)
    if not found:
        return None
    entry = _header_index(columns).get(found["base"])
    if entry is None:
        return None
    column, unit = entry
    unit = found["unit"] or unit
    if column.default_unit is None:
        return HeaderMatch(column, unit, 1.0)  # a note in brackets on a non-numeric column is ignored
    divisors = UNIT_DIVISORS[column.default_unit]
    return HeaderMatch(column, unit or column.default_unit, divisors.get(unit or column.default_unit))


@cache
def enum_codes(seed: str) -> dict[str, str]:
    """Normalised label or English code (lower case) -> English code, from an enumeration seed."""
    out: dict[str, str] = {}
    for label, code in registers.labels(seed).items():
        out[normalise_label(label).lower()] = code
        out[code.lower()] = code
    return out


def enum_code(value: Any, seed: str) -> str | None:
    """English code of an enumeration value (Simplified/Traditional label or the code itself), else None."""
    if not isinstance(value, str):
        value = str(value)
    return enum_codes(seed).get(normalise_label(value).lower())


def enum_labels(seed: str) -> str:
    """The allowed labels, for messages: '线索、在谈、签约…'."""
    return "、".join(registers.labels(seed))


_YES = frozenset({"是", "y", "yes", "1", "1.0", "true", "t"})
_NO = frozenset({"否", "n", "no", "0", "0.0", "false", "f"})


def yes_no(value: Any) -> bool | None:
    """是/否, Y/N, 1/0, true/false (any case, Traditional, full-width) and Excel booleans; None otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return True if value == 1 else False if value == 0 else None
    label = normalise_label(str(value)).lower()
    return True if label in _YES else False if label in _NO else None


@cache
def _unit_lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for code, unit in registers.units().items():
        out[normalise_label(unit.name_zh).upper()] = code
        out[code.upper()] = code
        out[normalise_label(code + unit.name_zh).upper()] = code  # 'P02 德感工业园', as the template lists it
    return out


def unit_code(value: Any) -> str | None:
    """Registered unit code for a code (any case/width), the unit's Chinese name or both ('P02 德感工业园');
    None when unknown."""
    if value is None:
        return None
    return _unit_lookup().get(normalise_label(str(value)).upper())
