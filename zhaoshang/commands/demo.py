"""`zhaoshang demo`: the whole story on the bundled sample year, from files to the frozen submission."""

from __future__ import annotations

from basics.home import Home
from basics.weeks import week_end, weeks_ending_in
from submission import versions
from zhaoshang.commands import build, gate, ingest, report
from zhaoshang.warehouse import read_only

SAMPLE_YEAR = 2021
SAMPLE_SEED = 7


def latest_complete_month(home: Home) -> tuple[int, int]:
    """The latest month (within two years of the newest report) whose every ISO week has arrived."""
    with read_only(home) as con:
        weeks = {w for (w,) in con.execute("select distinct week_label from raw.report_files").fetchall()}
    newest = week_end(max(weeks))
    year, month = newest.year, newest.month
    for _ in range(24):
        if all(w in weeks for w in weeks_ending_in(year, month)):
            break
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return year, month


def run(home: Home) -> int:
    from zhaoshang.sample_data import apply_sample_resend, write_sample_inbox

    home.ensure()
    if not any(home.inbox.iterdir()):
        summary = write_sample_inbox(home.inbox, year=SAMPLE_YEAR, seed=SAMPLE_SEED)
        print(f"1/5 Wrote the sample year {SAMPLE_YEAR} to {home.inbox} ({summary.files_written} files).")
        counts, _ = ingest.ingest(home)
        print(f"2/5 Ingested: {counts.get('accepted', 0)} accepted, {counts.get('rejected', 0)} rejected.")
        resent = apply_sample_resend(home.inbox, year=SAMPLE_YEAR, seed=SAMPLE_SEED)
        counts, _ = ingest.ingest(home)
        print(
            f"3/5 A unit resent {resent.relative_to(home.inbox)}: {counts.get('superseded', 0)} superseded."
        )
    else:
        counts, _ = ingest.ingest(home)
        print(f"1-3/5 Inbox already present: {counts.get('accepted', 0)} new file(s) ingested.")
    ok, line = build.build(home)
    print(f"4/5 {line}")
    if not ok:
        return build.EXIT_DBT_FAILED
    year, month = latest_complete_month(home)
    if versions(home, year, month):
        print(f"5/5 {year}-{month:02d} is already submitted (frozen).")
    else:
        print(f"5/5 Quality gate and submission of {year}-{month:02d}:")
        gate.submit(home, year, month, [], None, False)
    bulletin = report.report(home, year, month)
    print(f"Bulletin (月度考核通报) of {year}-{month:02d}: {bulletin.get('html')}")
    if bulletin.get("pdf"):
        print(f"  PDF {bulletin.get('pdf')}")
    print(
        f"\nEverything is under {home.root}:\n  warehouse   {home.warehouse}\n  inbox       {home.inbox}\n"
        f"  archive     {home.archive}\n  quarantine  {home.quarantine}\n  submissions {home.submissions}\n"
        f"  gate        {home.gate_reports}\n  receipts    {home.root / 'receipts'}\n"
        f"  templates   {home.root / 'templates'}\n  reports     {home.root / 'reports'}\n"
        f"Next: `zhaoshang scores --month {year}-{month:02d}`, "
        f"`zhaoshang status`, `zhaoshang ui`."
    )
    return 0
