"""`zhaoshang demo`: the whole story on the bundled sample year, from files to the frozen submission."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from basics import terms as t
from basics.home import Home
from basics.weeks import week_end, weeks_ending_in
from submission import versions
from zhaoshang.commands import build, gate, ingest, report
from zhaoshang.text_table import render
from zhaoshang.warehouse import read_file

SAMPLE_YEAR = 2021
SAMPLE_SEED = 7


def latest_complete_month(home: Home) -> tuple[int, int]:
    """The latest month (within two years of the newest report) whose every ISO week has arrived."""
    with read_file(home) as con:
        weeks = {w for (w,) in con.execute("select distinct week_label from raw.report_files").fetchall()}
    newest = week_end(max(weeks))
    year, month = newest.year, newest.month
    for _ in range(24):
        if all(w in weeks for w in weeks_ending_in(year, month)):
            break
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return year, month


def command_name() -> str:
    """How the officer runs this programme: `zhaoshang` when that is on PATH, else the path they typed
    (`.venv/bin/zhaoshang` as the README has it), else the running executable's path."""
    exe = Path(sys.executable).parent / "zhaoshang"
    on_path = shutil.which("zhaoshang")
    if on_path and Path(on_path).resolve() == exe.resolve():
        return "zhaoshang"
    typed = sys.argv[0] if sys.argv else ""
    if typed and Path(typed).is_file() and Path(typed).resolve() == exe.resolve():
        return typed
    if not exe.exists():
        return "zhaoshang"
    try:
        return os.path.relpath(exe, Path.cwd()) if exe.is_relative_to(Path.cwd()) else str(exe)
    except ValueError:
        return str(exe)


def _counts(counts: dict) -> str:
    return "\n".join("      " + line for line in ingest.summary(counts))


def run(home: Home) -> int:
    from zhaoshang.sample_data import apply_sample_resend, write_sample_inbox

    home.ensure()
    if not any(home.inbox.iterdir()):
        summary = write_sample_inbox(home.inbox, year=SAMPLE_YEAR, seed=SAMPLE_SEED)
        companions = sum(1 for _ in home.inbox.rglob("*.leads.csv"))
        print(
            f"1/5 已写出 {SAMPLE_YEAR} 年样例到 {home.inbox}：{summary.files_written} 个文件"
            f"（{summary.files_written - companions} 份{t.WEEKLY_REPORT}，另 {companions} 个 .leads.csv "
            f"{t.LEADS_COMPANION}）/ wrote the sample year: {summary.files_written} files "
            f"({summary.files_written - companions} reports + {companions} .leads.csv companions)."
        )
        counts, _ = ingest.ingest(home)
        print(f"2/5 {t.INGEST} / ingested:\n{_counts(counts)}")
        resent = apply_sample_resend(home.inbox, year=SAMPLE_YEAR, seed=SAMPLE_SEED)
        counts, _ = ingest.ingest(home)
        print(
            f"3/5 某单位重报了 {resent.relative_to(home.inbox)}"
            f"（{t.SUPERSEDED} {counts.get('superseded', 0)} 份）"
            f" / a unit resent it: {counts.get('superseded', 0)} superseded."
        )
    else:
        counts, _ = ingest.ingest(home)
        print(f"1-3/5 {t.INBOX}已有文件 / inbox already present:\n{_counts(counts)}")
    ok, line = build.build(home)
    print(f"4/5 {line}")
    if not ok:
        return build.EXIT_DBT_FAILED
    year, month = latest_complete_month(home)
    key = t.month_key(year, month)
    if versions(home, year, month):
        print(f"5/5 {key} 已{t.SUBMIT}（{t.FROZEN}）/ already submitted (frozen).")
    else:
        print(f"5/5 {key} 的{t.QUALITY_GATE}与{t.SUBMIT} / quality gate and submission of {key}:")
        gate.submit(home, year, month, {}, None, False)
    bulletin = report.report(home, year, month)
    print(f"月度考核通报 / bulletin of {key}: {bulletin.get('html')}")
    if bulletin.get("pdf"):
        print(f"  PDF {bulletin.get('pdf')}")
    print(
        f"\n所有文件都在 {home.root} 下 / everything is under {home.root}:\n"
        + render(
            ["", "", ""],
            [
                [t.WAREHOUSE, "warehouse", str(home.warehouse)],
                [t.INBOX, "inbox", str(home.inbox)],
                [t.ARCHIVE, "archive", str(home.archive)],
                [t.QUARANTINE, "quarantine", str(home.quarantine)],
                [t.SUBMIT, "submissions", str(home.submissions)],
                [t.QUALITY_GATE, "gate", str(home.gate_reports)],
                [t.RECEIPTS, "receipts", str(home.root / "receipts")],
                [t.TEMPLATES, "templates", str(home.root / "templates")],
                [t.BULLETIN, "reports", str(home.root / "reports")],
            ],
        ).split("\n", 2)[2]
        + "\n"
        f"下一步 / next: `{(z := command_name())} scores --month {key}`, `{z} status`, `{z} ui`."
    )
    return 0
