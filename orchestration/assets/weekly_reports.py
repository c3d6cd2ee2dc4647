"""The ingestion asset: weekly report files of the inbox -> raw tables of the warehouse."""

from pathlib import Path

import dagster as dg

from basics import terms as t
from orchestration.partitions import week_label, weekly_partitions
from orchestration.progress import progress_bar
from orchestration.resources import WAREHOUSE_POOL, HomeResource


class IngestConfig(dg.Config):
    """Run configuration of an ingestion run."""

    inbox: str | None = None  # default: <home>/inbox


@dg.asset(
    key="weekly_reports",
    partitions_def=weekly_partitions,
    backfill_policy=dg.BackfillPolicy.single_run(),
    pool=WAREHOUSE_POOL,
    group_name="ingestion",
    kinds={"pandas", "duckdb"},
    description="Weekly reports of the units (one file per unit per ISO week), validated and loaded into "
    "the raw tables with lineage; rejected files go to quarantine.",
)
def weekly_reports(
    context: dg.AssetExecutionContext, config: IngestConfig, home: HomeResource
) -> dg.MaterializeResult:
    from ingestion.pipeline import ingest_inbox
    from unit_workbooks.receipt import ingest_summary

    paths = home.paths()
    inbox = Path(config.inbox) if config.inbox else paths.inbox
    weeks = {week_label(key) for key in context.partition_keys}
    with progress_bar(f"{t.INGEST} ingest", unit="file") as progress:
        report = ingest_inbox(
            paths, Path(config.inbox) if config.inbox else None, weeks=weeks, progress=progress
        )
    for line in report.summary_lines():
        context.log.info(line)
    for rejection in report.rejected:
        context.log.warning(rejection.message())
    receipts = ingest_summary(paths.warehouse, report)
    return dg.MaterializeResult(
        metadata={
            "accepted": len(report.accepted),
            # `.leads.csv` files loaded with their CSV report (a pair counts as one report above)
            "lead_companions": sum(
                1 for o in report.accepted if (inbox / o.file).with_suffix(".leads.csv").is_file()
            ),
            "superseded": len(report.superseded),
            "skipped": len(report.skipped),
            "rejected": len(report.rejected),
            "ledger_rows": report.ledger_rows,
            "lead_rows": report.lead_rows,
            "entries_files": len(report.entries),  # committee entries workbooks (ingestion/entries.py)
            "rejections": dg.MetadataValue.md(
                "\n".join(f"- {r.message()}" for r in report.rejected) or "none"
            ),
            "receipts": dg.MetadataValue.md("\n".join(f"- {line}" for line in receipts) or "none"),
        }
    )
