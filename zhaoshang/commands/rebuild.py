"""`zhaoshang rebuild`: recreate a lost or damaged warehouse from the archive and the journal, then build.

The raw tables (every report version with its number and received time, every rejection, every committee
entries file) and `submissions.frozen_files` are replayed from `<home>/journal/ingest.jsonl` into a new file,
which replaces the warehouse; the old file is kept beside it (`warehouse.before-rebuild-<time>.duckdb`), never
deleted. Then the usual build runs (the `warehouse_build` job).
"""

from __future__ import annotations

import os
from datetime import datetime

import duckdb

from basics import journal
from basics import terms as t
from basics.errors import UserError
from basics.home import Home
from basics.warehouse_access import EXIT_BUSY
from ingestion.raw_schema import ensure_raw_schema
from ingestion.replay import replay
from submission.record import ensure_record, record_version
from zhaoshang.commands import build
from zhaoshang.warehouse import require_home


def _no_live_runs() -> None:
    """Refuse while another command runs on this home (it would write into the file being replaced)."""
    import dagster as dg

    from zhaoshang.dagster_runs import _unfinished, recover_dead_runs

    with dg.DagsterInstance.get() as instance:
        recover_dead_runs(instance)
        if _unfinished(instance):
            raise UserError(
                f"另一个命令正在使用{t.WAREHOUSE}，请等其完成后再{t.REBUILD} / another command is using the "
                "warehouse: run rebuild once it has finished.",
                exit_code=EXIT_BUSY,
            )


def _replay_submissions(con: duckdb.DuckDBPyConnection, events: list) -> int:
    ensure_record(con)
    latest: dict[tuple[str, int], dict] = {}
    for _, event in events:
        if event["event"] == journal.SUBMISSION_RECORDED:
            latest[(event["month"], int(event["version"]))] = event
    for (month, version), event in sorted(latest.items()):
        files = {name: (sha, int(size)) for name, (sha, size) in event["files"].items()}
        record_version(con, month, version, files, event["reasons"], journal.timestamp(event["created_at"]))
    return len(latest)


def _set_aside(home: Home) -> str | None:
    """Move the old warehouse (and its WAL) aside; return its new name."""
    if not home.warehouse.exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    aside = home.warehouse.with_name(f"{home.warehouse.stem}.before-rebuild-{stamp}.duckdb")
    os.replace(home.warehouse, aside)
    wal = home.warehouse.with_name(home.warehouse.name + ".wal")
    if wal.exists():
        os.replace(wal, aside.with_name(aside.name + ".wal"))
    return aside.name


def run(home: Home) -> int:
    require_home(home)
    if not home.journal.exists():
        raise UserError(
            f"{home.root} 中没有{t.JOURNAL}（{home.journal}），无法{t.REBUILD} / there is no journal in "
            f"{home.root}, so the warehouse cannot be rebuilt.",
            f"请把{t.INBOX}的文件重新放入后运行 `zhaoshang ingest` / put the inbox's files back and run "
            "`zhaoshang ingest`.",
        )
    try:
        events = list(journal.read(home.journal))
    except ValueError as err:
        raise UserError(
            f"{t.JOURNAL}有一行无法读取（{err}）/ a line of the journal cannot be read ({err}).",
            f"请从{t.BACKUP}恢复 journal/ingest.jsonl / restore journal/ingest.jsonl from a backup.",
        ) from None
    _no_live_runs()
    fresh = home.warehouse.with_name(f"{home.warehouse.stem}.rebuilding-{os.getpid()}.duckdb")
    for path in (fresh, fresh.with_name(fresh.name + ".wal")):
        path.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(fresh))
        try:
            ensure_raw_schema(con)
            done = replay(con, home, events)
            submissions = _replay_submissions(con, events)
            con.execute("checkpoint")
        finally:
            con.close()
        aside = _set_aside(home)
        os.replace(fresh, home.warehouse)
    finally:
        fresh.unlink(missing_ok=True)
    print(
        f"已由{t.ARCHIVE}和{t.JOURNAL}{t.REBUILD}{t.WAREHOUSE}："
        f"{done.reports} 份{t.WEEKLY_REPORT}（含各{t.VERSION}）、{done.rejections} 份{t.REJECTED}记录、"
        f"{done.entries} 个录入文件、{submissions} 个{t.SUBMIT}{t.VERSION}"
        f" / rebuilt the warehouse from the archive and the journal: {done.reports} report version(s), "
        f"{done.rejections} rejection(s), {done.entries} entries file(s), "
        f"{submissions} submission version(s)."
    )
    if aside:
        print(f"原文件保留为 {aside} / the previous file is kept as {aside}.")
    for problem in done.problems:
        print(f"  未能{t.REBUILD} / not rebuilt: {problem}")
    ok, summary = build.build(home)
    print(summary)
    if not ok:
        build.print_fix()
    return 0 if ok and not done.problems else build.EXIT_DBT_FAILED
