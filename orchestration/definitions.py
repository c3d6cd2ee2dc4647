"""The one `Definitions` of the project (`dagster dev -m orchestration.definitions`).

Loaded lazily: importing this module neither parses the dbt project nor imports Great Expectations.
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets.monthly_bulletin import monthly_bulletin
from orchestration.assets.monthly_submission import monthly_gate, monthly_submission
from orchestration.assets.unit_workbooks import unit_receipts, unit_templates
from orchestration.assets.warehouse_models import build_warehouse_assets, dbt_resource
from orchestration.assets.weekly_reports import weekly_reports
from orchestration.jobs import build_job, gate_job, monthly_job, report_job, templates_job, weekly_job
from orchestration.resources import HomeResource
from orchestration.schedules import monthly_schedule, weekly_schedule
from orchestration.sensors import inbox_sensor


@dg.definitions
def defs() -> dg.Definitions:
    """Assets, checks, jobs, schedules, sensor and resources of the warehouse."""
    return dg.Definitions(
        assets=[
            weekly_reports,
            build_warehouse_assets(),
            monthly_gate,
            monthly_submission,
            unit_receipts,
            unit_templates,
            monthly_bulletin,
        ],
        jobs=[weekly_job, build_job, monthly_job, gate_job, templates_job, report_job],
        schedules=[weekly_schedule, monthly_schedule],
        sensors=[inbox_sensor],
        resources={"home": HomeResource(), "dbt": dbt_resource()},
    )
