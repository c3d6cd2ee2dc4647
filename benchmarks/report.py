"""Render the results table of benchmarks/RESULTS.md from benchmarks/data/results/*.json.

Only the part between the `results:begin` and `results:end` markers is rewritten; the analysis around it is
written by hand.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from tests.helpers.spec6 import SPEC6_MODEL

HERE = Path(__file__).resolve().parent
RESULTS_MD = HERE / "RESULTS.md"
RESULTS_DIR = HERE / "data" / "results"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"
FULL_BUILD = "dbt build"
SCORING = (
    "dbt scoring: run the SPEC 6 pivot and its parents",  # the models the scores need, like the floor
    "resend: dbt run, the SPEC 6 pivot and its parents",  # the same after two corrected weeks arrived
)
# the same stages as results written before 2026-12-07 name them (by the model's name)
RENAMED = dict(
    zip((f"dbt scoring: run +{SPEC6_MODEL}", f"resend: dbt run +{SPEC6_MODEL}"), SCORING, strict=True)
)
ORDER = ("tiny", "S", "M", "L")  # then the same sizes run with --pycache


def _fmt(x: float | None, digits: int = 1) -> str:
    return "" if x is None else f"{x:,.{digits}f}"


def _rate(r: dict[str, Any]) -> str:
    parts = []
    if r.get("files_per_s"):
        parts.append(f"{r['files_per_s']:,.0f} files/s")
    if r.get("rows_per_s") and r["stage"].startswith(("parse", "load", "weekly: ingest")):
        parts.append(f"{r['rows_per_s']:,.0f} rows/s")
    return ", ".join(parts)


def _floor_wall(results: list[dict[str, Any]], stage: str) -> float | None:
    name = (
        "floor: after new week"
        if stage.startswith("weekly")
        else "floor: after corrected weeks"
        if stage.startswith("resend")
        else "floor: hand-written SQL"
    )
    for r in results:
        if r["stage"] == name:
            return r["wall_s"]
    return None


def table(payloads: list[dict[str, Any]]) -> str:
    lines = [
        "| stage | size | wall s | peak RSS MiB | rows | rate | ratio to floor | load | note |",
        "|---|---|---:|---:|---:|---|---:|---|---|",
    ]
    for p in payloads:
        for r in p["results"]:
            ratio = ""
            if r["stage"].startswith(("dbt", "floor", "weekly: dbt", "resend: dbt")):
                floor = _floor_wall(p["results"], r["stage"])
                if floor:
                    ratio = f"{r['wall_s'] / floor:.1f}x"
            rows = f"{r['rows']:,}" if r.get("rows") else ""
            load = r.get("extra", {}).get("load_avg_1min")
            cells = [
                r["stage"],
                p["size"],
                _fmt(r["wall_s"], 2),
                _fmt(r["peak_rss_mib"], 0),
                rows,
                _rate(r),
                ratio,
                f"{load[0]:.1f}→{load[1]:.1f}" if load else "",
                r.get("note", ""),
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _find(payloads: list[dict[str, Any]], size: str, stage: str) -> dict[str, Any] | None:
    for p in payloads:
        if p["size"] == size:
            for r in p["results"]:
                if r["stage"] == stage:
                    return r
    return None


def _verdict(ok: bool, text: str) -> str:
    return f"- {'met' if ok else '**missed**'}: {text}"


def targets(payloads: list[dict[str, Any]]) -> str:
    """The issue's targets, met or missed and by how much (from the plain runs, not --pycache ones)."""
    lines = []
    inc = _find(payloads, "M", "weekly run total (ingest+build+gate)")
    if inc:
        lines.append(
            _verdict(
                inc["wall_s"] < 30,
                f"M weekly run (ingest + dbt build + gate) "
                f"{inc['wall_s']:.1f} s wall (target < 30 s, {inc['wall_s'] / 30:.0%} of it)",
            )
        )
    full = _find(payloads, "L", FULL_BUILD)
    if full:
        lines.append(
            _verdict(
                full["wall_s"] < 600,
                f"L full dbt build {full['wall_s']:.0f} s wall "
                f"(target < 600 s, {full['wall_s'] / 600:.0%} of it)",
            )
        )
        lines.append(
            _verdict(
                full["peak_rss_mib"] < 8192,
                f"L full dbt build peak RSS {full['peak_rss_mib'] / 1024:.2f} GiB (target < 8 GiB)",
            )
        )
    floor = _find(payloads, "L", "floor: hand-written SQL")
    for stage in SCORING:
        scoring = _find(payloads, "L", stage)
        if stage.startswith("resend"):
            floor = _find(payloads, "L", "floor: after corrected weeks")
        if floor and scoring:
            ratio = scoring["wall_s"] / floor["wall_s"]
            over = "" if ratio <= 3 else f", {ratio / 3:.1f}x over"
            lines.append(
                _verdict(
                    ratio <= 3,
                    f"L {stage}: {scoring['wall_s']:.1f} s = {ratio:.1f}x the "
                    f"floor's {floor['wall_s']:.1f} s (target <= 3x){over}",
                )
            )
            elapsed = ((scoring.get("extra") or {}).get("nodes") or {}).get("elapsed")
            if elapsed:
                # dbt start-up (interpreter, imports, parse, connection) = wall time - dbt's own elapsed_time
                apart = elapsed / floor["wall_s"]
                lines.append(
                    _verdict(
                        apart <= 2,
                        f"L {stage}, dbt start-up apart: {scoring['wall_s'] - elapsed:.1f} s start-up + "
                        f"{elapsed:.1f} s run = {apart:.1f}x the floor without start-up (goal <= 2x)",
                    )
                )
    for fmt in ("xlsx", "csv"):
        big = _find(payloads, "S", f"parse: one 20,000-row ledger [{fmt}]")
        if big and big.get("rows_per_s"):
            lines.append(
                _verdict(
                    big["rows_per_s"] >= 50_000,
                    f"parse + normalise a 20,000-row {fmt} "
                    f"ledger: {big['rows_per_s']:,.0f} rows/s (target >= 50,000)",
                )
            )
    for label in ("sample weekly workbooks", "synthetic weekly reports (~100 rows)"):
        for fmt in ("xlsx", "csv"):
            weekly = _find(payloads, "S", f"parse: {label} [{fmt}]")
            if weekly and weekly.get("files_per_s"):
                lines.append(
                    _verdict(
                        weekly["files_per_s"] >= 500,
                        f"parse + normalise {label}, {fmt}: "
                        f"{weekly['files_per_s']:,.0f} files/s over {weekly['files']:,} files "
                        f"(target >= 500)",
                    )
                )
    return "\n".join(lines)


def agreement(payloads: list[dict[str, Any]]) -> str:
    lines = []
    for p in payloads:
        for label, a in p["info"].get("agreement", {}).items():
            verdict = (
                "agree on every column"
                if not a["disagreements"]
                else f"**{a['disagreements']} disagreements** in {', '.join(a['columns'])}"
            )
            changed = a.get("scores_changed_by_the_correction")
            extra = f" (the corrections changed {changed} unit-month totals)" if changed is not None else ""
            lines.append(f"- {p['size']}, {label}: {a['rows_compared']:,} unit-months, {verdict}{extra}")
    return "\n".join(lines)


def top_models(payloads: list[dict[str, Any]]) -> str:
    lines = []
    for p in payloads:
        for r in p["results"]:
            nodes = r.get("extra", {}).get("nodes")
            if not nodes or r["stage"] != FULL_BUILD:
                continue
            kinds = ", ".join(f"{k} {v:.1f} s" for k, v in sorted(nodes["by_kind"].items()))
            top = "; ".join(f"{n} {s} s" for n, s, _ in nodes["top"][:8])
            lines.append(f"- {p['size']} `dbt build` ({nodes['count']} nodes; {kinds}): {top}")
    return "\n".join(lines)


def machine(payloads: list[dict[str, Any]]) -> str:
    seen = []
    for p in payloads:
        m = p["machine"]
        seen.append(
            f"- {p['size']}: {m['nproc']} cores (`nproc`), {m['cpu']}, {m['ram_gib']} GiB RAM, "
            f"Python {m['python']}, DuckDB {m['duckdb']}, commit {m['commit']}, finished "
            f"{p['finished']}, `{p['command']}`"
        )
    return "\n".join(seen)


def load_payloads() -> list[dict[str, Any]]:
    found = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in RESULTS_DIR.glob("*.json")}
    for payload in found.values():
        for r in payload.get("results", []):
            r["stage"] = RENAMED.get(r["stage"], r["stage"])
    # partial runs (--stages subsets) are kept as <size>-partial.json and not reported
    keys = [k for k in found if not k.endswith("-partial")]
    return [
        found[k]
        for k in sorted(
            keys,
            key=lambda k: (
                k.endswith("-pycache"),
                ORDER.index(k.split("-")[0]) if k.split("-")[0] in ORDER else 9,
            ),
        )
    ]


def write_results(path: Path = RESULTS_MD) -> Path:
    payloads = load_payloads()
    body = "\n\n".join(
        [
            "### Runs\n\n" + machine(payloads),
            "### Targets (2 cores)\n\n" + (targets(payloads) or "- (no run of the sizes they refer to)"),
            "### Stages\n\n" + table(payloads),
            "### Floor vs pipeline (the SPEC 6 pivot vs the floor's, abs tol 1e-6)\n\n"
            + (agreement(payloads) or "- (no comparison in these runs)"),
            "### Slowest dbt nodes (full build)\n\n" + (top_models(payloads) or "- (none)"),
        ]
    )
    block = f"{BEGIN}\n\n{body}\n\n{END}"
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Benchmark results\n\n{BEGIN}\n{END}\n"
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        tail = rest.split(END, 1)[1]
        text = head + block + tail
    else:
        text += "\n" + block + "\n"
    path.write_text(text, encoding="utf-8")
    return path


if __name__ == "__main__":
    print(write_results())
