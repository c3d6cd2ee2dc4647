"""Peak memory of ingesting each hostile file of tests/helpers/hostile.py, and of a large valid workbook.

`python -m benchmarks.hostile_memory [--rows 150000] [--out DIR]`

Each file is ingested alone (`ingest_inbox` on a fresh home) in its own process; the peak resident set size
(ru_maxrss) of that process is reported next to an empty inbox's, the baseline of the imports. The goal
(issue 10): every file stays under 2 GiB, and every hostile one is rejected with its reason.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingestion.benchmark import write_workbook
from tests.helpers import hostile

PROJECT_ROOT = Path(__file__).resolve().parent.parent  # the checkout the benchmark runs in

CHILD = """
import json, resource, sys, time
from pathlib import Path
from basics.home import Home
from ingestion.pipeline import ingest_inbox
started = time.perf_counter()
report = ingest_inbox(Home(Path(sys.argv[1])))
print(json.dumps({
    "seconds": round(time.perf_counter() - started, 2),
    "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    "accepted": len(report.accepted),
    "rows": report.ledger_rows,
    "rejected": [r.reason_code for r in report.rejected],
}))
"""
LIMIT_MIB = 2048
WEEK = "2021-W05"


def _measure(home: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(home)],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}: {proc.stderr.strip().splitlines()[-1:]}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=150_000, help="rows of the large valid workbook")
    parser.add_argument("--out", type=Path, help="keep the homes here (default: a temporary folder)")
    args = parser.parse_args()
    root = args.out or Path(tempfile.mkdtemp(prefix="hostile-memory-"))
    cases = {
        "empty inbox (baseline)": None,
        **{name: writer for name, writer in hostile.WORKBOOK_BOMBS.items()},
        "broken_quote_csv": hostile.broken_quote_csv,
        "nul_csv": hostile.nul_csv,
        f"valid workbook, {args.rows} rows": lambda path: write_workbook(path, "P01", args.rows, 1),
    }
    print(f"{'file':<34} {'bytes':>12} {'peak MiB':>9} {'s':>7}  outcome")
    worst = 0.0
    for index, (name, writer) in enumerate(cases.items()):
        home = root / f"home{index}"
        (home / "inbox").mkdir(parents=True, exist_ok=True)
        size = 0
        if writer is not None:
            ext = "csv" if name.endswith("csv") else "xlsx"
            started = time.perf_counter()
            path = writer(home / "inbox" / WEEK / f"P01.{ext}")
            size = path.stat().st_size
            print(f"  (wrote {path.name} in {time.perf_counter() - started:.1f} s)", file=sys.stderr)
        result = _measure(home)
        if "error" in result:
            print(f"{name:<34} {size:>12,} {'-':>9} {'-':>7}  FAILED {result['error']}")
            worst = float("inf")
            continue
        outcome = (
            f"accepted {result['rows']} rows"
            if result["accepted"]
            else f"rejected: {','.join(result['rejected'])}"
        )
        print(f"{name:<34} {size:>12,} {result['peak_mib']:>9,.1f} {result['seconds']:>7.2f}  {outcome}")
        worst = max(worst, result["peak_mib"])
    print(f"\nworst peak: {worst:,.1f} MiB (goal: under {LIMIT_MIB} MiB); homes in {root}")
    return 0 if worst < LIMIT_MIB else 1


if __name__ == "__main__":
    sys.exit(main())
