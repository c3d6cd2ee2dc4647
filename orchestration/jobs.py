"""Jobs: the weekly run (ingest + dbt build) and the monthly run (gate + submission)."""

from __future__ import annotations

import dagster as dg

WEEKLY_JOB = "weekly_ingest_and_build"
BUILD_JOB = "warehouse_build"
MONTHLY_JOB = "monthly_gate_and_submission"
GATE_JOB = "monthly_gate_only"
TEMPLATES_JOB = "templates_only"
REPORT_JOB = "monthly_bulletin_report"

warehouse_selection = dg.AssetSelection.groups("registers", "staging", "intermediate", "marts")
units_selection = dg.AssetSelection.assets("unit_receipts", "unit_templates")  # after the build

weekly_job = dg.define_asset_job(
    WEEKLY_JOB,
    selection=dg.AssetSelection.assets("weekly_reports") | warehouse_selection | units_selection,
    description="Ingest the week's reports, rebuild and test the warehouse (dbt build), then write the "
    "receipts of the files received and next week's templates.",
)
build_job = dg.define_asset_job(
    BUILD_JOB,
    selection=warehouse_selection | units_selection,
    description="dbt seeds, models and tests on the warehouse; then the receipts and next week's templates.",
)
templates_job = dg.define_asset_job(
    TEMPLATES_JOB,
    selection=dg.AssetSelection.assets("unit_templates"),
    description="Write the units' weekly templates (week, units and folder in the run config).",
)
monthly_job = dg.define_asset_job(
    MONTHLY_JOB,
    selection=dg.AssetSelection.assets("monthly_gate", "monthly_submission"),
    description="Run the quality gate of a month and, when every blocking check passes, submit it.",
)
gate_job = dg.define_asset_job(
    GATE_JOB,
    selection=dg.AssetSelection.assets("monthly_gate"),
    description="Run the quality gate of a month without submitting.",
)
report_job = dg.define_asset_job(
    REPORT_JOB,
    selection=dg.AssetSelection.assets("monthly_bulletin"),
    description="Write the committee's monthly bulletin (HTML, PDF, workbook) from the marts.",
)
