"""`zhaoshang status`: missing weekly reports, rejected files and the last submissions.

Which weeks are expected, due and missing is decided once, by dbt (`marts.expected_reports`, a
view over the staged reports): the gate, the receipts, the scores and the bulletin read the same answer.
Weeks after the newest report received are not due (未到期), never missing; a month whose weeks are not all
due says so in one sentence; a month with no report at all is named in one sentence.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from basics import terms as t
from basics.home import Home
from basics.registers import units
from basics.weeks import weeks_ending_in
from submission import versions
from zhaoshang.commands import verify
from zhaoshang.text_table import render
from zhaoshang.warehouse import has_table, has_warehouse, read_file, read_only, received_weeks

NOTHING_INGESTED = (
    f"还没有{t.INGEST}任何{t.WEEKLY_REPORT}：把文件放进{t.INBOX}后运行 `zhaoshang ingest` "
    "/ no report has been ingested yet: drop files into the inbox and run `zhaoshang ingest`."
)


@dataclass
class MonthWeeks:
    """A month's weeks as marts.expected_reports (int_expected_reports) decides them."""

    year: int
    month: int
    received_any: bool
    missing: dict[str, list[str]] = field(default_factory=dict)  # unit -> due weeks without a report
    not_due: list[str] = field(default_factory=list)


def month_weeks(con, year: int, month: int) -> MonthWeeks:  # noqa: ANN001
    """Missing and not-due weeks of the month (weeks ending in it) from marts.expected_reports."""
    weeks = weeks_ending_in(year, month)
    rows = con.execute(
        "select unit_code, week_label, is_expected, is_due, is_received "
        "from marts.expected_reports where year = ? and month = ? order by unit_code, week_label",
        [year, month],
    ).fetchall()
    out = MonthWeeks(year, month, any(r[4] for r in rows))
    due = {w for _, w, _, is_due, _ in rows if is_due}
    out.not_due = [w for w in weeks if w not in due]  # a week of a year without any report is not due either
    for unit, week, expected, is_due, received in rows:
        if expected and is_due and not received:
            out.missing.setdefault(unit, []).append(week)
    return out


def latest_due_month(con) -> tuple[int, int] | None:  # noqa: ANN001
    row = con.execute(
        "select year, month from marts.expected_reports where is_due order by week_end desc limit 1"
    ).fetchone()
    return None if row is None else (row[0], row[1])


def print_missing(home: Home, month: tuple[int, int] | None) -> None:
    """The missing-report table of a month (default: the month of the newest week due)."""
    if not has_warehouse(home):
        print(NOTHING_INGESTED)
        return
    with read_only(home) as con:
        received = received_weeks(con)
        if not received:
            print(NOTHING_INGESTED)
            return
        if not has_table(con, "marts", "expected_reports"):
            if has_table(con, "marts", "score_totals"):  # built by an earlier release
                print(
                    f"{t.WAREHOUSE}由早先版本{t.BUILD}，无法判断{t.MISSING_REPORT}："
                    "请先运行 `zhaoshang build` 重新计算 / the warehouse was built by an earlier release: "
                    "run `zhaoshang build` first."
                )
            else:
                print(
                    f"{t.WAREHOUSE}尚未{t.BUILD}，无法判断{t.MISSING_REPORT}：请先运行 `zhaoshang build` "
                    "/ the warehouse has not been built yet: run `zhaoshang build` first."
                )
            return
        year, mon = month or latest_due_month(con) or (0, 0)
        found = month_weeks(con, year, mon) if year else None
    if found is None or not found.received_any:
        print(t.no_reports_yet(year, mon) if year else t.no_reports_yet(*_newest(received)))
        return
    key = t.month_key(year, mon)
    gaps, not_due = found.missing, found.not_due
    if not_due:
        print(
            f"{key} 的{t.ISO_WEEK}尚未全部到期（{'、'.join(not_due)} {t.NOT_DUE}，"
            f"晚于最新收到的{t.WEEKLY_REPORT}），"
            f"本月暂不能{t.SUBMIT}；"
            + (
                f"已到期{t.ISO_WEEK}仍{t.MISSING_REPORT}的单位 {len(gaps)} 个："
                if gaps
                else f"已到期{t.ISO_WEEK}各单位均已{t.SUBMIT}。"
            )
            + f" / not every week of {key} is due yet ({', '.join(not_due)} come after the newest report); "
            + (
                f"{len(gaps)} unit(s) still miss a week already due:"
                if gaps
                else "every unit sent the weeks due."
            )
        )
    else:
        print(f"{key} {t.MISSING_REPORT}{t.ISO_WEEK} / weeks missing: " + ("无 none" if not gaps else ""))
    if gaps:
        print(
            render(
                [t.UNIT_CODE, t.UNIT_NAME, f"{t.MISSING_REPORT}{t.ISO_WEEK} (missing weeks)"],
                [[u, units()[u].name_zh if u in units() else u, ", ".join(w)] for u, w in gaps.items()],
            )
        )


def _newest(received: set[tuple[str, str]]) -> tuple[int, int]:
    from basics.weeks import week_end

    newest = max(week_end(w) for _, w in received)
    return newest.year, newest.month


def check_warehouse(home: Home) -> None:
    """Read every table once: a damaged block is one sentence naming `rebuild`, not a partial answer."""
    if home.warehouse.exists():
        with read_file(home) as con:
            con.check_readable()


def run(home: Home, month: tuple[int, int] | None) -> int:
    check_warehouse(home)
    print(f"{t.HOME} / home: {home.root}\n")
    print_missing(home, month)
    rejected: list[tuple] = []
    if has_warehouse(home):
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
    current = config_files(home)
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
        changed = config_changes(data.get("configuration"), current)
        if changed:
            print(
                f"    {t.SUBMIT}后配置已改动，现在的{t.SCORES}按新配置计算 / configuration changed since: "
                + "；".join(changed)
            )
    print(f"\n{t.SUBMIT}文件核验 / frozen files:")
    print("\n".join("  " + line for line in verify.lines(*verify.check(home))))
    return 0


def config_files(home: Home) -> dict[str, tuple[int, str]]:
    """file -> (version, sha256) of the configuration of the warehouse's last build (marts.config_files)."""
    with read_only(home) as con:
        if not has_table(con, "marts", "config_files"):
            return {}
        rows = con.execute("select file, version, sha256 from marts.config_files").fetchall()
    return {file: (version, sha) for file, version, sha in rows}


def config_changes(recorded: dict | None, current: dict[str, tuple[int, str]]) -> list[str]:
    """The files changed since a submission's manifest recorded them: `单位年度目标.csv v1→v2`."""
    if not recorded or not current:
        return []
    out = []
    for entry in recorded.get("files", []):
        now = current.get(entry["file"])
        if now is not None and now[1] != entry["sha256"]:
            out.append(f"{entry['file']} v{entry['version']}→v{now[0]}")
    return out
