"""`zhaoshang report --month YYYY-MM`: the committee's monthly bulletin under <home>/reports/YYYY-MM/v<N>/
(a new version each run; an earlier version is never overwritten)."""

from __future__ import annotations

from basics import terms as t
from basics.errors import UserError
from basics.home import Home
from orchestration.jobs import REPORT_JOB
from orchestration.partitions import month_partition_key
from submission.score_sheet import month_count
from zhaoshang.dagster_runs import failure_message, materialization_metadata, run_job
from zhaoshang.warehouse import read_only, require_table


def report(home: Home, year: int, month: int) -> dict:
    """Run the bulletin asset for the month; returns its metadata (folder, html, pdf, xlsx, units)."""
    with read_only(home) as con:
        require_table(con, "marts", "score_totals")
        rows = month_count(con, year, month)  # whatever method scores the year
    if not rows:
        raise UserError(
            f"{t.month_zh(year, month)}没有{t.SCORES} / there are no scores for {year}-{month:02d}.",
            f"请检查{t.MONTH}，或{t.INGEST}该月{t.WEEKLY_REPORT}后运行 `zhaoshang build` / check the month, "
            "or ingest that month's reports and run `zhaoshang build`.",
        )
    result = run_job(REPORT_JOB, partition_key=month_partition_key(year, month))
    if not result.success:
        raise UserError(
            f"{t.BULLETIN}未能生成 / the bulletin could not be written: {failure_message(result)}",
            "没有任何文件被改动 / nothing was changed.",
            1,
        )
    return materialization_metadata(result, "monthly_bulletin")


def run(home: Home, year: int, month: int) -> int:
    from zhaoshang.warehouse import warn_if_stale

    warn_if_stale(home)  # reports received after the last build are not in the bulletin's figures
    meta = report(home, year, month)
    units = meta.get("units")
    print(
        f"{year}年{month}月考核通报第{meta.get('version')}版 / bulletin {year}-{month:02d} "
        f"v{meta.get('version')} ({units} units): {meta.get('folder')}"
    )
    for key in ("html", "pdf", "xlsx"):
        print(f"  {key:<4} {meta.get(key)}")
    return 0
