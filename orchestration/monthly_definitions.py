"""The monthly jobs alone (gate, gate + submission, bulletin), for the commands that run them.

`check`, `submit` and `report` read the last build and never run dbt: resolving their jobs from these
definitions spares them importing dagster-dbt and loading the dbt manifest (seconds). The assets, checks,
jobs and resource are the very objects of `orchestration.definitions.defs`, so a run started here records
the same asset keys, asset checks and job names in the instance (the UI shows it like any other run); the
marts they read are upstream keys of the full definitions, not rebuilt here.
"""

from __future__ import annotations

import dagster as dg

from orchestration.assets.monthly_bulletin import monthly_bulletin
from orchestration.assets.monthly_submission import monthly_gate, monthly_submission
from orchestration.jobs import GATE_JOB, MONTHLY_JOB, REPORT_JOB, gate_job, monthly_job, report_job
from orchestration.resources import HomeResource

MONTHLY_JOBS = frozenset({GATE_JOB, MONTHLY_JOB, REPORT_JOB})


def monthly_defs() -> dg.Definitions:
    """The monthly assets and jobs with the home resource (no dbt assets, no schedules or sensor)."""
    return dg.Definitions(
        assets=[monthly_gate, monthly_submission, monthly_bulletin],
        jobs=[monthly_job, gate_job, report_job],
        resources={"home": HomeResource()},
    )
