"""Neutralise data text before it reaches a spreadsheet cell (formula injection) or a terminal (escapes)."""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

# A cell starting with one of these may be read as a formula by Excel/WPS/LibreOffice.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

# C0 controls but the newline (ESC, BEL, CR, TAB, …), DEL, C1 controls, and the bidirectional marks,
# embeddings, overrides and isolates (U+061C, U+200E/F, U+202A–U+202E, U+2066–U+2069), which can reorder,
# hide or overwrite what the officer reads.
TERMINAL_UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def neutralise(value: Any) -> Any:
    """Prefix `'` to text that a spreadsheet could take for a formula; other values pass unchanged.

    Used by every export (xlsx, csv, failure lists). Numbers stay numbers: only `str` values are touched.
    """
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: str) -> str:
    """`text` with every control and bidi character shown escaped (`\\x1b`, `\\u202e`); newlines stay.

    Idempotent (a backslash is left as it is), so text escaped early (a table cell) is not escaped twice.
    """
    return TERMINAL_UNSAFE.sub(_escape, text)


class TerminalSafeStream:
    """A text stream that writes everything through `terminal_safe`; every other attribute is the stream's."""

    def __init__(self, stream: TextIO) -> None:
        self.unescaped = stream  # for writers that draw on the terminal themselves (progress bars)

    def write(self, text: str) -> int:
        return self.unescaped.write(terminal_safe(text))

    def writelines(self, lines: Iterable[str]) -> None:
        self.unescaped.writelines(terminal_safe(line) for line in lines)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.unescaped, name)


def unescaped(stream: Any) -> Any:
    """The stream under a `TerminalSafeStream` (or `stream` itself)."""
    return getattr(stream, "unescaped", stream)


@contextmanager
def terminal_safe_output() -> Iterator[None]:
    """Escape control and bidi characters in everything written to sys.stdout and sys.stderr meanwhile.

    A traceback of an unexpected error is escaped too: the streams stay wrapped when one propagates.
    """
    saved = sys.stdout, sys.stderr
    if not isinstance(sys.stdout, TerminalSafeStream):
        sys.stdout = TerminalSafeStream(sys.stdout)  # type: ignore[assignment]
    if not isinstance(sys.stderr, TerminalSafeStream):
        sys.stderr = TerminalSafeStream(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    except BaseException as exc:
        if not isinstance(exc, Exception):  # SystemExit from argparse, KeyboardInterrupt: the caller goes on
            sys.stdout, sys.stderr = saved
        raise
    sys.stdout, sys.stderr = saved
