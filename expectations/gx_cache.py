"""Reuse the GX suites' outcomes of an earlier gate of the same month when what they validate is unchanged.

Importing Great Expectations takes seconds; a suite's outcome depends only on the suite file, the frame it
validates, the expectation parameters it uses, the GX (and pandas) version and the runner that reads the
outcome out. The
key hashes all of them (the frame by its content, read from the warehouse by every gate), so any change to
the warehouse that reaches a frame, a parameter or a suite runs GX again. One entry per month (the newest),
under `<home>/gate/YYYY-MM/.gx-cache/<key>/`: the outcomes (only the fields the gate reads) and a copy of
that run's Data Docs. An outcome is stored only when it reads back equal to what GX returned; an expectation
that could not run is never stored. The SQL checks always run.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from dataclasses import asdict
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

from expectations.scope import SUITES_DIR

if TYPE_CHECKING:
    import pandas as pd

    from expectations.gx_runner import Outcome

FORMAT = 1  # of outcomes.json; a new format never reads an old entry
OUTCOMES = "outcomes.json"
DOCS = "data_docs"
RUNNER = Path(__file__).resolve().parent / "gx_runner.py"


def frame_digest(frame: pd.DataFrame) -> str:
    """sha256 of a frame's columns, dtypes and every cell (row order included)."""
    import pandas as pd

    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    digest.update(str(len(frame)).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def suite_key(suite: str, frame: pd.DataFrame, parameters: dict[str, Any]) -> str:
    """The key of one suite's outcome on `frame` with `parameters` (those the suite uses)."""
    parts = {
        "format": FORMAT,
        "suite": hashlib.sha256((SUITES_DIR / f"{suite}.json").read_bytes()).hexdigest(),
        "runner": hashlib.sha256(RUNNER.read_bytes()).hexdigest(),
        "gx": metadata.version("great_expectations"),
        "pandas": metadata.version("pandas"),
        "frame": frame_digest(frame),
        "parameters": parameters,
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=repr).encode()).hexdigest()


def gate_key(suite_keys: dict[str, str]) -> str:
    """The key of a gate's GX part: every suite's key."""
    return hashlib.sha256(json.dumps(suite_keys, sort_keys=True).encode()).hexdigest()[:32]


def _plain(value: Any) -> Any:
    """numpy scalars as Python's (exactly); anything else JSON cannot hold makes the outcome uncacheable."""
    if hasattr(value, "item") and type(value).__module__ == "numpy":
        return value.item()
    raise TypeError(f"not cacheable: {type(value).__name__}")


def reduced(outcome: Outcome) -> dict[str, Any]:
    """The fields of an outcome the gate reads (gx_failures): a row-level failure by its `_rid` only."""
    result = outcome.result
    kept: dict[str, Any] = {k: result[k] for k in ("observed_value", "details") if k in result}
    if "unexpected_index_list" in result:
        kept["unexpected_index_list"] = [{"_rid": e["_rid"]} for e in result["unexpected_index_list"] or []]
    return {**asdict(outcome), "result": kept}


def load(entry: Path) -> dict[str, list[Outcome]] | None:
    """{suite: outcomes} of a stored entry, or None when it is missing or unreadable."""
    from expectations.gx_runner import Outcome

    try:
        data = json.loads((entry / OUTCOMES).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or not (entry / DOCS / "index.html").is_file():
            return None
        return {suite: [Outcome(**o) for o in items] for suite, items in data["suites"].items()}
    except (OSError, ValueError, TypeError, KeyError):
        return None


def entry_info(entry: Path) -> dict[str, Any]:
    """When and by which gate run an entry was stored."""
    try:
        data = json.loads((entry / OUTCOMES).read_text(encoding="utf-8"))
        return {"created_at": data.get("created_at"), "run": data.get("run")}
    except (OSError, ValueError):
        return {}


def store(
    cache_dir: Path,
    key: str,
    outcomes: dict[str, list[Outcome]],
    docs_dir: Path,
    created_at: str,
    run: str,
) -> Path | None:
    """Write the entry (outcomes + a copy of the Data Docs) atomically and drop the month's older entries;
    None when an outcome cannot be stored exactly (then the next gate runs GX again)."""
    from expectations.gx_runner import Outcome

    if any(o.error for items in outcomes.values() for o in items):
        return None
    try:
        plain = {suite: [reduced(o) for o in items] for suite, items in outcomes.items()}
        text = json.dumps(
            {"format": FORMAT, "created_at": created_at, "run": run, "suites": plain},
            ensure_ascii=False,
            default=_plain,
        )
    except TypeError:
        return None
    back = json.loads(text)["suites"]
    if {s: [asdict(Outcome(**o)) for o in items] for s, items in back.items()} != plain:
        return None
    cache_dir.mkdir(parents=True, exist_ok=True)
    entry = cache_dir / key
    tmp = cache_dir / f".tmp-{uuid.uuid4().hex[:8]}"
    try:
        shutil.copytree(docs_dir, tmp / DOCS)
        (tmp / OUTCOMES).write_text(text, encoding="utf-8")
        if entry.exists():
            shutil.rmtree(entry)
        os.replace(tmp, entry)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        return None
    for other in cache_dir.iterdir():
        if other.name != key:
            shutil.rmtree(other, ignore_errors=True)
    return entry


REUSED_NOTE = (
    '<p class="offline-note">本次检查的 GX 校验结果沿用 {created_at} 的检查（{run}）：所校验的数据、规则集和'
    "参数均未改变，结果相同。/ The GX results of this gate are those of the gate of {created_at} ({run}): "
    "the data they validate, the suites and the parameters are unchanged.</p>"
)


def copy_docs(entry: Path, docs_dir: Path) -> str | None:
    """The entry's Data Docs copied into this run's folder, its index saying whose results they are."""
    import html

    try:
        shutil.copytree(entry / DOCS, docs_dir, dirs_exist_ok=True)
        index = docs_dir / "index.html"
        info = {k: html.escape(str(v or "?")) for k, v in entry_info(entry).items()}
        note = REUSED_NOTE.format(created_at=info.get("created_at", "?"), run=info.get("run", "?"))
        index.write_text(index.read_text(encoding="utf-8").replace("</h1>", "</h1>" + note, 1), "utf-8")
    except OSError:
        return None
    return str(index)
