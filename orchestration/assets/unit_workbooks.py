"""The units' side of the weekly run: a receipt (回执) for every file received, and next week's templates.

Both are written after the dbt build, so a receipt's year-to-date figures are the marts' figures.
"""

from pathlib import Path

import dagster as dg

from orchestration.resources import WAREHOUSE_POOL, HomeResource

BUILT_MARTS = [dg.AssetKey(["marts", name]) for name in ("score_totals", "score_points", "score_columns")]


@dg.asset(
    key="unit_receipts",
    deps=BUILT_MARTS,
    pool=WAREHOUSE_POOL,
    group_name="units",
    kinds={"excel"},
    description="A receipt (回执) <home>/receipts/YYYY-Www/<unit>.xlsx for every unit-week that received a "
    "file since its receipt was written: accepted or rejected with the reason, rows loaded, row issues, "
    "changes since the previous week, the unit's year-to-date figures from the marts, leads awaiting its "
    "feedback, missing weeks.",
)
def unit_receipts(context: dg.AssetExecutionContext, home: HomeResource) -> dg.MaterializeResult:
    from unit_workbooks.receipt import RECEIPTS_DIR, write_pending_receipts

    paths = home.paths()
    written = write_pending_receipts(paths.warehouse, paths.root)
    rejected = [w for w in written if w.status == "rejected"]
    context.log.info(f"wrote {len(written)} receipt(s), {len(rejected)} for a rejected file")
    shown = "\n".join(f"- {w.path.relative_to(paths.root).as_posix()}" for w in written[:50])
    return dg.MaterializeResult(
        metadata={
            "receipts": len(written),
            "rejected": len(rejected),
            "folder": dg.MetadataValue.path(str(paths.root / RECEIPTS_DIR)),
            "written": dg.MetadataValue.md(shown or "none"),
        }
    )


class TemplateConfig(dg.Config):
    """Which templates: the week (default: the week after the newest report), units (default: every active
    unit) and the output folder (default: <home>/templates)."""

    week: str | None = None
    units: list[str] = []
    out: str | None = None


@dg.asset(
    key="unit_templates",
    deps=BUILT_MARTS,
    pool=WAREHOUSE_POOL,
    group_name="units",
    kinds={"excel"},
    description="The weekly workbook each unit fills next week: <home>/templates/YYYY-Www/<unit>.xlsx, its "
    "ledger pre-filled from the unit's latest accepted report, with drop-down lists, date and amount "
    "validation, header comments, frozen and protected headers, and the leads awaiting the unit's feedback.",
)
def unit_templates(
    context: dg.AssetExecutionContext, config: TemplateConfig, home: HomeResource
) -> dg.MaterializeResult:
    from ingestion.discover import parse_week_folder
    from unit_workbooks.template import TEMPLATES_DIR, next_report_week, write_templates

    paths = home.paths()
    week = parse_week_folder(config.week) if config.week else next_report_week(paths.warehouse)
    if week is None:
        raise dg.Failure(f"'{config.week}' is not an ISO week such as 2021-W05.")
    out = Path(config.out) if config.out else paths.root / TEMPLATES_DIR
    written = write_templates(paths.warehouse, week, config.units or None, out)
    context.log.info(f"wrote {len(written)} template(s) for {week.label} into {out / week.label}")
    return dg.MaterializeResult(
        metadata={
            "week": week.label,
            "templates": len(written),
            "folder": dg.MetadataValue.path(str(out / week.label)),
            "prefilled": dg.MetadataValue.md(
                "\n".join(
                    f"- {t.unit_code}: {t.projects} project(s) from {t.prefilled_from or 'nothing (blank)'}, "
                    f"{len(t.awaited_leads)} lead(s) awaiting feedback"
                    for t in written
                )
                or "none"
            ),
        }
    )
