"""One pipeline stage in its own process, so the benchmark can measure its wall time and memory alone.

    python -m benchmarks.stage [--seeds DIR] [--profile FILE] [--json FILE] ingest HOME [--weeks W ...]
    python -m benchmarks.stage ... gate WAREHOUSE YEAR MONTH [--pickle FILE]
    python -m benchmarks.stage ... export HOME YEAR MONTH GATE_PICKLE
    python -m benchmarks.stage ... parse INBOX [INBOX ...]

`--seeds` points the unit register (basics.registers) at another configuration folder, for the M/L registers
that only exist in the benchmark's work folder. `--profile` writes a cProfile of the stage's work.
`--json` receives what the stage did (rows, files, outcome).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pickle
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any


def use_seeds(seeds: Path) -> None:
    """Make basics.registers read the benchmark's seeds (call before anything reads the register)."""
    from basics import registers

    registers.config_dir = lambda home=None: seeds


def ingest(home: Path, weeks: list[str] | None) -> dict[str, Any]:
    from basics.home import Home
    from ingestion.pipeline import ingest_inbox

    report = ingest_inbox(Home.resolve(home), weeks=set(weeks) if weeks else None)
    return {
        "files": len(report.accepted),
        "rejected": len(report.rejected),
        "skipped": len(report.skipped),
        "rows": sum(o.ledger_rows for o in report.accepted),
        "lead_rows": sum(o.lead_rows for o in report.accepted),
        "row_issues": sum(o.row_issues for o in report.accepted),
        "rejections": [r.reason_en for r in report.rejected][:10],
    }


def gate(warehouse: Path, year: int, month: int, pickle_to: Path | None) -> dict[str, Any]:
    from expectations.gate import run_gate

    result = run_gate(warehouse, year, month)
    if pickle_to:
        pickle_to.write_bytes(pickle.dumps(result))
    blocking = [f for f in result.failures if f.severity != "warning" and not f.waived]
    return {
        "passed": result.passed,
        "checks": len(result.checks),
        "failures": len(result.failures),
        "blocking": len(blocking),
        "first_failures": sorted({f"{f.check}: {f.rule}" for f in blocking})[:10],
    }


def export(home: Path, year: int, month: int, gate_pickle: Path) -> dict[str, Any]:
    from basics.home import Home
    from submission import submit_month

    result = pickle.loads(gate_pickle.read_bytes())
    done = submit_month(Home.resolve(home), year, month, result, resubmit_reason="benchmark run")
    return {"version": done.version, "files": len(done.files), "folder": str(done.folder)}


def parse(inboxes: list[Path]) -> dict[str, Any]:
    """discover → receive → parse_report (read + normalise + row rules) of every file, no warehouse."""
    from ingestion.discover import discover, receive
    from ingestion.file_rules import FileRejected
    from ingestion.parsed_report import parse_report

    out: dict[str, dict[str, float]] = {}
    rejected = 0
    errors: list[str] = []
    for inbox in inboxes:
        for candidate in discover(inbox):
            start = time.perf_counter()
            try:
                parsed = parse_report(candidate, receive(candidate))
                rows = len(parsed.ledger)
            except FileRejected:
                rejected += 1
                rows = 0
            except Exception as exc:  # noqa: BLE001 - a parser crash is reported, the benchmark goes on
                errors.append(f"{candidate.source_path}: {type(exc).__name__}: {exc}")
                rows = 0
            stats = out.setdefault(candidate.file_format, {"files": 0, "rows": 0, "seconds": 0.0})
            stats["files"] += 1
            stats["rows"] += rows
            stats["seconds"] += time.perf_counter() - start
    return {
        "by_format": out,
        "rejected": rejected,
        "errors": len(errors),
        "first_errors": errors[:5],
        "files": sum(s["files"] for s in out.values()),
        "rows": sum(s["rows"] for s in out.values()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=Path)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--json", type=Path)
    sub = parser.add_subparsers(dest="stage", required=True)
    p = sub.add_parser("ingest")
    p.add_argument("home", type=Path)
    p.add_argument("--weeks", nargs="*")
    p = sub.add_parser("gate")
    p.add_argument("warehouse", type=Path)
    p.add_argument("year", type=int)
    p.add_argument("month", type=int)
    p.add_argument("--pickle", type=Path)
    p = sub.add_parser("export")
    p.add_argument("home", type=Path)
    p.add_argument("year", type=int)
    p.add_argument("month", type=int)
    p.add_argument("gate_pickle", type=Path)
    p = sub.add_parser("parse")
    p.add_argument("inboxes", type=Path, nargs="+")
    args = parser.parse_args(argv)
    if args.seeds:
        use_seeds(args.seeds)
    work: Callable[[], dict[str, Any]] = {
        "ingest": lambda: ingest(args.home, args.weeks),
        "gate": lambda: gate(args.warehouse, args.year, args.month, args.pickle),
        "export": lambda: export(args.home, args.year, args.month, args.gate_pickle),
        "parse": lambda: parse(args.inboxes),
    }[args.stage]
    start = time.perf_counter()
    if args.profile:
        profiler = cProfile.Profile()
        result = profiler.runcall(work)
        profiler.dump_stats(str(args.profile))
    else:
        result = work()
    result["inner_seconds"] = time.perf_counter() - start
    text = json.dumps(result, ensure_ascii=False, default=str)
    if args.json:
        args.json.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
