"""Content-addressed archive of every received report: `archive/<sha256[:2]>/<sha256><ext>`.

A CSV pair is archived as `<sha256>.csv` and `<sha256>.leads.csv` under the report's checksum (see discover).
"""

from __future__ import annotations

import os
from pathlib import Path

from basics.home import Home
from ingestion.discover import LEADS_SUFFIX, Candidate, Received


def _write_once(target: Path, data: bytes) -> None:
    if target.exists():
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    temporary.write_bytes(data)
    os.replace(temporary, target)


def archive_report(home: Home, candidate: Candidate, received: Received) -> str:
    """Copy the report's bytes into the archive (once); return the main file's path relative to home."""
    sha = received.sha256
    folder = home.archive / sha[:2]
    main = folder / f"{sha}{candidate.suffix}"
    _write_once(main, received.data)
    if received.leads_data is not None:
        _write_once(folder / f"{sha}{LEADS_SUFFIX}", received.leads_data)
    return main.relative_to(home.root).as_posix()
