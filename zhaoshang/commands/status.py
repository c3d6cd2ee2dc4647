"""`zhaoshang status`: missing weekly reports, rejected files and the last submissions."""

from __future__ import annotations

import json

from basics.home import Home
from basics.registers import units
from basics.weeks import week_end, weeks_ending_in
from submission import versions
from zhaoshang.commands import verify
from zhaoshang.text_table import render
from zhaoshang.warehouse import has_table, read_only


def missing_weeks(received: set[tuple[str, str]], year: int, month: int) -> dict[str, list[str]]:
    """{unit: [weeks ending in the month, within its active dates, with no report]}."""
    out: dict[str, list[str]] = {}
    for code, unit in units().items():
        gaps = [
            w
            for w in weeks_ending_in(year, month)
            if unit.active_on(week_end(w)) and (code, w) not in received
        ]
        if gaps:
            out[code] = gaps
    return out


def run(home: Home, month: tuple[int, int] | None) -> int:
    received: set[tuple[str, str]] = set()
    rejected: list[tuple] = []
    if home.warehouse.exists():
        with read_only(home) as con:
            if has_table(con, "raw", "report_files"):
                received = set(
                    con.execute("select distinct unit_code, week_label from raw.report_files").fetchall()
                )
                latest = con.execute("select max(week_end) from raw.report_files").fetchone()[0]
                if month is None and latest is not None:
                    month = (latest.year, latest.month)
                rejected = con.execute(
                    "select rejected_at, source_path, reason_zh, reason_en from raw.rejected_files "
                    "order by rejected_at desc limit 20"
                ).fetchall()
    print(f"Home: {home.root}")
    if month is None:
        print("No report has been ingested yet: drop files into the inbox and run `zhaoshang ingest`.")
    else:
        year, mon = month
        gaps = missing_weeks(received, year, mon)
        print(f"\n{year}-{mon:02d} 缺报周次 / weeks missing: " + ("none" if not gaps else ""))
        if gaps:
            print(
                render(
                    ["单位", "名称", "缺报周次 (missing weeks)"],
                    [[u, units()[u].name_zh, ", ".join(w)] for u, w in gaps.items()],
                )
            )
    print(
        f"\n被拒文件 / rejected files (latest 20, in {home.quarantine}): " + ("none" if not rejected else "")
    )
    for at, path, zh, en in rejected:
        print(f"  {at:%Y-%m-%d %H:%M} {path}\n    {zh}\n    {en}")
    print("\n报送记录 / submissions:")
    months = (
        sorted((p.name for p in home.submissions.iterdir() if p.is_dir()), reverse=True)[:12]
        if home.submissions.is_dir()
        else []
    )
    if not months:
        print("  none yet")
    for name in months:
        y, m = (int(x) for x in name.split("-"))
        frozen = versions(home, y, m)
        manifest = home.submissions / name / f"v{frozen[-1]}" / "manifest.json" if frozen else None
        created = (
            json.loads(manifest.read_text("utf-8")).get("created_at", "?")
            if manifest and manifest.exists()
            else "?"
        )
        print(f"  {name}: v{frozen[-1] if frozen else '?'} ({len(frozen)} version(s)), last at {created}")
    print("\n报送文件核验 / frozen files:")
    print("\n".join("  " + line for line in verify.lines(*verify.check(home))))
    return 0
