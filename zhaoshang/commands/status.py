"""`zhaoshang status`: missing weekly reports, rejected files and the last submissions.

Weeks that have not ended yet — after today, or after the newest report the warehouse holds — are not due
(未到期), never missing; a month with no report at all is named in one sentence.
"""

from __future__ import annotations

import json
from datetime import date

from basics import terms as t
from basics.home import Home
from basics.registers import units
from basics.warehouse_access import check_readable
from basics.weeks import week_end, weeks_ending_in
from submission import versions
from zhaoshang.commands import verify
from zhaoshang.text_table import render
from zhaoshang.warehouse import has_table, read_only, received_weeks


def missing_weeks(
    received: set[tuple[str, str]], year: int, month: int, due_by: date | None = None
) -> dict[str, list[str]]:
    """{unit: [weeks ending in the month by `due_by`, within its active dates, with no report]}."""
    out: dict[str, list[str]] = {}
    for code, unit in units().items():
        gaps = [
            w
            for w in weeks_ending_in(year, month)
            if unit.active_on(week_end(w))
            and (due_by is None or week_end(w) <= due_by)
            and (code, w) not in received
        ]
        if gaps:
            out[code] = gaps
    return out


def due_by(received: set[tuple[str, str]]) -> date:
    """The last Sunday a report can be due by: the newest report received, and never after today."""
    newest = max((week_end(w) for _, w in received), default=date.today())
    return min(newest, date.today())


def _received(home: Home) -> set[tuple[str, str]]:
    if not home.warehouse.exists():
        return set()
    with read_only(home) as con:
        return received_weeks(con)


def print_missing(home: Home, month: tuple[int, int] | None) -> None:
    """The missing-report table of a month (default: the month of the newest report)."""
    received = _received(home)
    if not received:
        print(
            f"还没有{t.INGEST}任何{t.WEEKLY_REPORT}：把文件放进{t.INBOX}后运行 `zhaoshang ingest` "
            f"/ no report has "
            "been ingested yet: drop files into the inbox and run `zhaoshang ingest`."
        )
        return
    cutoff = due_by(received)
    year, mon = month or (cutoff.year, cutoff.month)
    key = t.month_key(year, mon)
    weeks = weeks_ending_in(year, mon)
    if not any(w in weeks for _, w in received):
        print(t.no_reports_yet(year, mon))
        return
    gaps = missing_weeks(received, year, mon, cutoff)
    not_due = [w for w in weeks if week_end(w) > cutoff]
    print(f"{key} {t.MISSING_REPORT}{t.ISO_WEEK} / weeks missing: " + ("无 none" if not gaps else ""))
    if gaps:
        print(
            render(
                [t.UNIT_CODE, t.UNIT_NAME, f"{t.MISSING_REPORT}{t.ISO_WEEK} (missing weeks)"],
                [[u, units()[u].name_zh, ", ".join(w)] for u, w in gaps.items()],
            )
        )
    if not_due:
        print(f"{t.NOT_DUE}（尚未结束或晚于最新{t.WEEKLY_REPORT}）/ not due yet: {', '.join(not_due)}")


def check_warehouse(home: Home) -> None:
    """Read every table once: a damaged block is one sentence naming `rebuild`, not a partial answer."""
    if home.warehouse.exists():
        with read_only(home) as con:
            check_readable(con, home.warehouse)


def run(home: Home, month: tuple[int, int] | None) -> int:
    check_warehouse(home)
    print(f"{t.HOME} / home: {home.root}\n")
    print_missing(home, month)
    rejected: list[tuple] = []
    if home.warehouse.exists():
        with read_only(home) as con:
            if has_table(con, "raw", "rejected_files"):
                rejected = con.execute(
                    "select rejected_at, source_path, reason_zh, reason_en from raw.rejected_files "
                    "order by rejected_at desc limit 20"
                ).fetchall()
    print(
        f"\n{t.REJECTED}文件 / rejected files（最近 20 个 latest 20, {home.quarantine}）: "
        + ("无 none" if not rejected else "")
    )
    for at, path, zh, en in rejected:
        print(f"  {at:%Y-%m-%d %H:%M} {path}\n    {zh}\n    {en}")
    print(f"\n{t.SUBMIT}记录 / submissions:")
    months = (
        sorted((p.name for p in home.submissions.iterdir() if p.is_dir()), reverse=True)[:12]
        if home.submissions.is_dir()
        else []
    )
    if not months:
        print("  尚无 none yet")
    for name in months:
        y, m = (int(x) for x in name.split("-"))
        frozen = versions(home, y, m)
        manifest = home.submissions / name / f"v{frozen[-1]}" / "manifest.json" if frozen else None
        data = json.loads(manifest.read_text("utf-8")) if manifest and manifest.exists() else {}
        waived = ", ".join(w["unit_code"] for w in data.get("waivers", []))
        print(
            f"  {name}: v{frozen[-1] if frozen else '?'}（共 {len(frozen)} {t.VERSION} version(s)），"
            f"最后于 last at {data.get('created_at', '?')}"
            + (f"；{t.WAIVER} waived: {waived}" if waived else "")
        )
    print(f"\n{t.SUBMIT}文件核验 / frozen files:")
    print("\n".join("  " + line for line in verify.lines(*verify.check(home))))
    return 0
