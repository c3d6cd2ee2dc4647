"""`zhaoshang ingest` (load every new or changed weekly report of the inbox) and `zhaoshang weekly`
(ingest, build, then the missing reports: the weekly routine in one command)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from basics import terms as t
from basics.errors import UserError
from basics.home import Home
from basics.weeks import label_of
from ingestion.discover import parse_week_folder
from ingestion.limits import first_week, last_week
from zhaoshang.freshness import build_is_current, inbox_unchanged
from zhaoshang.warehouse import staleness

EXIT_REJECTED = 3


def week_range(inbox: Path) -> tuple[str, str]:
    """Weekly partition keys spanning the inbox's week folders within the accepted window (this week's when
    there is none); folders outside it, and links, are left to ingestion, which quarantines their files."""
    from orchestration.partitions import week_partition_key

    weeks = (parse_week_folder(p.name) for p in inbox.iterdir() if p.is_dir() and not p.is_symlink())
    window = (first_week(), last_week())
    labels = sorted(w.label for w in weeks if w and window[0] <= w.label <= window[1])
    labels = labels or [label_of(date.today())]
    return week_partition_key(labels[0]), week_partition_key(labels[-1])


NOTHING_NEW = (
    f"{t.INBOX}中没有新的或有变化的文件（{{files}} 个文件均已{t.INGEST}），未启动运行 "
    "/ nothing new in the inbox ({files} file(s), all ingested before): no run started."
)


def ingest(home: Home, inbox: Path | None = None) -> tuple[dict, int]:
    """Run the ingestion asset over every week of the inbox; return its counts and the exit code."""
    folder = inbox or home.inbox
    if not folder.is_dir():
        raise UserError(
            f"{t.INBOX} {folder} 不存在 / the inbox folder {folder} does not exist.",
            "请建立它，或用 --inbox DIR 指定正确的文件夹 "
            "/ create it or pass the right folder with --inbox DIR.",
        )
    files = inbox_unchanged(home, folder)
    if files is not None:  # nothing arrived: no Dagster run, no file read again
        return {"accepted": 0, "superseded": 0, "skipped": files, "rejected": 0, "nothing_new": files}, 0
    from orchestration.jobs import WEEKLY_JOB
    from zhaoshang.dagster_runs import failure_message, materialization_metadata, run_job

    config = {"ops": {"weekly_reports": {"config": {"inbox": str(folder) if inbox else None}}}}
    result = run_job(
        WEEKLY_JOB, partition_range=week_range(folder), asset_selection=["weekly_reports"], run_config=config
    )
    if not result.success:
        raise UserError(
            f"{t.INGEST}失败 / ingestion failed: {failure_message(result)}",
            f"出错的文件没有任何内容被{t.INGEST}；排除原因后再运行 `zhaoshang ingest` / nothing was loaded "
            "from the file that failed; fix the cause and run `zhaoshang ingest` again.",
            exit_code=1,
        )
    counts = materialization_metadata(result, "weekly_reports")
    return counts, EXIT_REJECTED if counts.get("rejected") else 0


def summary(counts: dict) -> list[str]:
    """The counts of one ingestion, in the bureau's words; the numbers add up to the files seen."""
    accepted, superseded = counts.get("accepted", 0), counts.get("superseded", 0)
    companions = counts.get("lead_companions", 0)
    lines = [
        f"{t.ACCEPTED} {accepted} 份{t.WEEKLY_REPORT}（其中{t.SUPERSEDED} {superseded} 份），"
        f"{t.UNCHANGED} {counts.get('skipped', 0)} 份，{t.REJECTED} {counts.get('rejected', 0)} 份；"
        f"载入项目台账 {counts.get('ledger_rows', 0)} 行、线索 {counts.get('lead_rows', 0)} 行。",
        f"accepted {accepted} report(s) ({superseded} superseding an earlier version), unchanged "
        f"{counts.get('skipped', 0)}, rejected {counts.get('rejected', 0)}; "
        f"{counts.get('ledger_rows', 0)} ledger rows, {counts.get('lead_rows', 0)} lead rows loaded.",
    ]
    if "nothing_new" in counts:
        lines.append(NOTHING_NEW.format(files=counts["nothing_new"]))
    if counts.get("entries_files"):
        lines.append(
            f"考核录入 {counts['entries_files']} 个文件已载入 "
            f"/ committee entries: {counts['entries_files']} file(s) loaded"
        )
    if companions:
        lines.append(
            f"另有 {companions} 个 .leads.csv {t.LEADS_COMPANION}随同其 CSV {t.WEEKLY_REPORT}一起{t.INGEST}"
            f"（不单独计数）/ plus {companions} .leads.csv companion file(s) loaded with their CSV report."
        )
    return lines


def print_rejections(counts: dict) -> None:
    if counts.get("rejected"):
        print(f"\n{t.REJECTED}的文件（已移入{t.QUARANTINE}）/ rejected files (moved to quarantine):")
        print(counts.get("rejections", ""))


def print_receipts(counts: dict) -> None:
    if counts.get("receipts") not in (None, "none"):
        print(
            f"\n{t.RECEIPTS}摘要（`zhaoshang build` 在 receipts/YYYY-Www/ 写出完整{t.RECEIPTS}）"
            "/ receipts (the build writes them in full):"
        )
        print(counts["receipts"])


def next_step(home: Home) -> str:
    """What to run after an ingestion: build when the scores miss received reports."""
    stale = staleness(home)
    if stale:
        zh, en = stale.what()
        return (
            f"\n下一步 / next: `zhaoshang build` — {zh}尚未计入{t.SCORES} "
            f"/ {en} not yet in the scores (or run `zhaoshang weekly` next time)."
        )
    return f"\n{t.SCORES}已包含全部{t.WEEKLY_REPORT}，无需{t.BUILD} / the scores include every report."


def run(home: Home, inbox: Path | None) -> int:
    counts, code = ingest(home, inbox)
    print("\n".join(summary(counts)))
    print_rejections(counts)
    print_receipts(counts)
    print(next_step(home))
    return code


def weekly(home: Home) -> int:
    """Ingest, build, and list the missing reports of the latest month: the Monday routine."""
    from zhaoshang.commands import build, status

    counts, code = ingest(home)
    print(f"1/3 {t.INGEST} ingest:")
    print("\n".join("    " + line for line in summary(counts)))
    print_rejections(counts)
    print_receipts(counts)
    if not build.methods_valid(home):  # a bad configuration: the reports are in, nothing is built
        return build.config.EXIT_BAD_CONFIG
    if build_is_current(home):  # nothing arrived (or only files unchanged) since the last build
        print(
            f"2/3 {t.BUILD} build: 上次{t.BUILD}后没有收到新文件，{t.SCORES}已是最新，未{t.BUILD}"
            " / nothing arrived since the last build: the scores are up to date, not rebuilt."
        )
    else:
        ok, line = build.build(home)
        print(f"2/3 {t.BUILD} build: {line}")
        if not ok:
            build.print_fix()
            return build.EXIT_DBT_FAILED
    print(f"3/3 {t.MISSING_REPORT} / missing reports:")
    status.print_missing(home, None)
    return code
