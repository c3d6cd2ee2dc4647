"""`zhaoshang ingest`: load every new or changed weekly report of the inbox."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from basics.errors import UserError
from basics.home import Home
from basics.weeks import label_of
from ingestion.discover import parse_week_folder
from ingestion.limits import first_week, last_week
from orchestration.jobs import WEEKLY_JOB
from orchestration.partitions import week_partition_key
from zhaoshang.dagster_runs import failure_message, materialization_metadata, run_job

EXIT_REJECTED = 3


def week_range(inbox: Path) -> tuple[str, str]:
    """Weekly partition keys spanning the inbox's week folders within the accepted window (this week's when
    there is none); folders outside it, and links, are left to ingestion, which quarantines their files."""
    weeks = (parse_week_folder(p.name) for p in inbox.iterdir() if p.is_dir() and not p.is_symlink())
    window = (first_week(), last_week())
    labels = sorted(w.label for w in weeks if w and window[0] <= w.label <= window[1])
    labels = labels or [label_of(date.today())]
    return week_partition_key(labels[0]), week_partition_key(labels[-1])


def ingest(home: Home, inbox: Path | None = None) -> tuple[dict, int]:
    """Run the ingestion asset over every week of the inbox; return its counts and the exit code."""
    folder = inbox or home.inbox
    if not folder.is_dir():
        raise UserError(
            f"The inbox folder {folder} does not exist.",
            "Create it or pass the right folder with --inbox DIR.",
        )
    config = {"ops": {"weekly_reports": {"config": {"inbox": str(folder) if inbox else None}}}}
    result = run_job(
        WEEKLY_JOB, partition_range=week_range(folder), asset_selection=["weekly_reports"], run_config=config
    )
    if not result.success:
        raise UserError(
            f"Ingestion failed: {failure_message(result)}",
            "Nothing was loaded from the file that failed; fix the cause and run `zhaoshang ingest` again.",
            exit_code=1,
        )
    counts = materialization_metadata(result, "weekly_reports")
    return counts, EXIT_REJECTED if counts.get("rejected") else 0


def run(home: Home, inbox: Path | None) -> int:
    counts, code = ingest(home, inbox)
    print(
        f"accepted {counts.get('accepted', 0)} "
        f"(of which superseded an earlier version: {counts.get('superseded', 0)}), "
        f"unchanged {counts.get('skipped', 0)}, rejected {counts.get('rejected', 0)} "
        f"({counts.get('ledger_rows', 0)} ledger rows, {counts.get('lead_rows', 0)} lead rows loaded)"
    )
    if counts.get("entries_files"):
        print(f"考核录入 committee entries: {counts['entries_files']} file(s) loaded")
    if counts.get("rejected"):
        print("Rejected files (moved to quarantine):")
        print(counts.get("rejections", ""))
    if counts.get("receipts") not in (None, "none"):
        print("回执摘要 / receipts (`zhaoshang build` writes the full receipts under receipts/YYYY-Www/):")
        print(counts["receipts"])
    return code
