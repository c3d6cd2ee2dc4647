"""Plain-text tables that line up with Chinese characters (which take two terminal columns)."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import Any

from basics.safe_text import terminal_safe


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def fmt(value: Any, decimals: int = 2) -> str:
    """Numbers with fixed decimals, None as '—'; text with control and bidi characters escaped."""
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.{decimals}f}"
    return terminal_safe(str(value))


def render(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Right-align numbers, left-align text (escaped before measuring, so escapes keep the columns)."""
    headers = [terminal_safe(h) for h in headers]
    cells = [[fmt(v) for v in row] for row in rows]
    widths = [max([display_width(h)] + [display_width(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [
        all(isinstance(row[i], int | float) or row[i] is None for row in rows) for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        parts = []
        for i, text in enumerate(values):
            pad = " " * (widths[i] - display_width(text))
            parts.append(pad + text if numeric[i] else text + pad)
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(list(headers)), rule, *(line(r) for r in cells)])
