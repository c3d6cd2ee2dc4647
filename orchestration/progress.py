"""Progress bars on the terminal (only when stderr is a terminal; runs in the UI just log)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tqdm import tqdm

from basics.safe_text import unescaped


@contextmanager
def progress_bar(label: str, unit: str = "item") -> Iterator[Callable[[int, int], None]]:
    """Yield a `progress(done, total)` callback drawing a tqdm bar on an interactive stderr."""
    bar: tqdm | None = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if bar is None:
            stderr = unescaped(sys.stderr)  # the bar draws with CR; its label is the code's own text
            bar = tqdm(
                total=total, desc=label, unit=unit, file=stderr, disable=not stderr.isatty(), leave=False
            )
        bar.update(done - bar.n)

    try:
        yield update
    finally:
        if bar is not None:
            bar.close()
