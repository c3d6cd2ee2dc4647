"""Incremental builds give the same warehouse as full builds (dbt_project/macros/incremental.sql).

One scratch warehouse goes through the weeks of a data officer, each step an ingestion of real report files
and an incremental `dbt build`; after each step a copy of the warehouse is rebuilt with
`dbt run --full-refresh` and every row of the marts (and of the incremental intermediate models) must be the
same:

  full      the sample years 2021 and 2022 of six units, minus what arrives later: the first build is full
  new_week  2022-W51 (every unit): the weekly case
  resent    two 2022 weeks sent again: P01's 2022-W20 with an empty ledger (its rows must go), and P02's
            2022-W30 listing D01's project of that week (a cross-unit duplicate: D01's rows change too);
            the first build after them fails in int_unit_month_snapshots (its table was given an extra
            column): that model's rows and state must stay as they were, and the next build catch up
  late      D01's 2021-W51 arrives after 2022 is loaded: an earlier year changes, and so does D01's next
            report (2021-W52, which belongs to 2022) in the week-over-week stage history
  seeds     seeds edited (a target, and the major-project threshold of scoring_parameters): the models
            downstream of an edited seed rebuild whole without --full-refresh
Floats may differ in the last bits (sums in another order), so they are compared to 1e-9; the rest exactly.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import duckdb
import pytest

from basics.home import Home
from tests.helpers.workbooks import ledger_row, week_path, write_report
from tests.scoring.conftest import copy_dbt_project, ingest, query
from zhaoshang.sample_data import write_sample_inbox

# P07 starts 2021-03-01, D04 sends CSV, B02 amounts in 万元
UNITS = ["P01", "P02", "P07", "D01", "D04", "B02"]
TARGETS = [
    f"{year},{unit},{c},{f},2,{m},0.3"
    for year in (2021, 2022)
    for unit, c, f, m in [
        ("P01", 60, 20, 1),
        ("P02", 40, 10, 1),
        ("P07", 20, 5, 0),
        ("D01", 15, 0, 0),
        ("D04", 10, 3, 0),
        ("B02", 5, 0, 0),
    ]
]
NEW_WEEK = "2022-W51"
LATE = ("D01", "2021-W51")  # the last 2021 week of D01; its next report, 2021-W52, belongs to 2022

# table -> ordering key (every row is compared)
COMPARED = {
    "marts.unit_month_scores": "year, month, unit_code",
    "marts.score_items": "year, month, unit_code, reason, ref",
    "marts.district_month_indicators": "year, month, indicator",
    "marts.fct_unit_month_projects": "year, month, unit_code, row_number",
    "marts.dim_project": "unit_code, project_code",
    "intermediate.int_unit_month_snapshots": "year, month, unit_code, row_number",
    "intermediate.int_leads": "lead_id, year, month",
    "intermediate.int_duplicate_projects": "unit_code, week_label, row_number",
    "intermediate.int_project_stage_history": "unit_code, week_label, row_number, previous_row_number",
    "staging.stg_ledger_rows": "unit_code, week_label, row_number",
}


def run_dbt(project: Path, warehouse: Path, *args: str, succeed: bool = True) -> None:
    env = {**os.environ, "ZHAOSHANG_WAREHOUSE": str(warehouse), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    dbt = Path(sys.executable).with_name("dbt")
    done = subprocess.run(
        [str(dbt), *args, "--project-dir", str(project), "--profiles-dir", str(project)],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (done.returncode == 0) == succeed, done.stdout[-6000:] + done.stderr[-2000:]


def table_rows(warehouse: Path, table: str) -> list[dict]:
    return query(warehouse, f"select * from {table} order by {COMPARED[table]}")


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)
    return a == b


def differences(incremental: Path, full: Path) -> dict[str, str]:
    """Per table, the first difference between the two warehouses (empty when every row is the same)."""
    found = {}
    for table in COMPARED:
        left, right = table_rows(incremental, table), table_rows(full, table)
        if len(left) != len(right):
            found[table] = f"{len(left)} rows incrementally, {len(right)} in full"
            continue
        for a, b in zip(left, right, strict=True):
            bad = [k for k in b if not same(a.get(k), b[k])]
            if bad or set(a) != set(b):
                found[table] = f"incremental {a} vs full {b} (columns {bad or set(a) ^ set(b)})"
                break
    return found


def recorded_scopes(warehouse: Path, column: str = "scope") -> dict[str, str]:
    """What each incremental model recomputed in its latest build ('1 = 1': everything, '1 = 0': nothing), or
    (column test_scope) what its data tests checked."""
    rows = query(warehouse, f"select model_name, {column} as scope from intermediate.incremental_state")
    return {r["model_name"]: r["scope"] for r in rows}


class Pipeline:
    """The scratch home, inbox and dbt project; `step` ingests and builds, then compares with a full build."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.home = Home(root / "home").ensure()
        self.inbox = root / "inbox"
        self.project = copy_dbt_project(root, TARGETS)
        self.results: dict[str, dict] = {}

    @property
    def warehouse(self) -> Path:
        return self.home.warehouse

    def step(self, name: str, compare: bool = True) -> None:
        ingest(self.home, self.inbox)
        run_dbt(self.project, self.warehouse, "build")
        scopes = recorded_scopes(self.warehouse)
        test_scopes = recorded_scopes(self.warehouse, "test_scope")
        found = None
        if compare:
            reference = self.root / f"full_{name}.duckdb"
            shutil.copyfile(self.warehouse, reference)
            run_dbt(self.project, reference, "run", "--full-refresh")
            found = differences(self.warehouse, reference)
        self.results[name] = {
            "differences": found,
            "scopes": scopes,
            "test_scopes": test_scopes,
            "rows": {t: len(table_rows(self.warehouse, t)) for t in COMPARED},
        }


SNAPSHOTS = "intermediate.int_unit_month_snapshots"


def sabotaged_build(run: Pipeline) -> dict:
    """A build failing in int_unit_month_snapshots, in its transaction (schema check before the delete)."""

    def look() -> dict:
        return {
            "state": query(
                run.warehouse,
                "select * from intermediate.incremental_state where model_name = 'int_unit_month_snapshots'",
            ),
            "rows": query(
                run.warehouse,
                f"select year, month, count(*) as n from {SNAPSHOTS} "
                "group by year, month order by year, month",
            ),
        }

    before = look()
    with duckdb.connect(str(run.warehouse)) as con:
        con.execute(f"alter table {SNAPSHOTS} add column sabotage integer")
    run_dbt(run.project, run.warehouse, "build", succeed=False)
    with duckdb.connect(str(run.warehouse)) as con:
        con.execute(f"alter table {SNAPSHOTS} drop column sabotage")
    return {
        "before": before,
        "after": look(),
        "scopes": recorded_scopes(run.warehouse),
    }


def project_of(warehouse: Path, unit: str, week: str) -> dict:
    rows = query(
        warehouse,
        "select project_name, investor from staging.stg_ledger_rows "
        "where unit_code = ? and week_label = ? and project_code is not null "
        "order by row_number limit 1",
        [unit, week],
    )
    assert rows, (unit, week)
    return rows[0]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Pipeline:
    root = tmp_path_factory.mktemp("incremental")
    run = Pipeline(root)
    samples = root / "samples"
    write_sample_inbox(samples, 2021, 7, units=UNITS)
    write_sample_inbox(samples, 2022, 8, units=UNITS)
    later = root / "later"
    shutil.copytree(samples, run.inbox)
    # held back: the new week (every unit) and D01's late 2021 week
    shutil.move(run.inbox / NEW_WEEK, later / NEW_WEEK)
    unit, week = LATE
    (later / week).mkdir(parents=True)
    for path in (run.inbox / week).glob(f"{unit}.*"):
        shutil.move(path, later / week / path.name)

    run.step("full", compare=False)  # the first build is a full build

    shutil.move(later / NEW_WEEK, run.inbox / NEW_WEEK)
    run.step("new_week")

    # resent weeks: an empty ledger, and a project of D01 reported by P02 too in the same week
    write_report(week_path(run.inbox, "2022-W20", "P01"), [])
    shared = project_of(run.warehouse, "D01", "2022-W30")
    write_report(
        week_path(run.inbox, "2022-W30", "P02"),
        [
            ledger_row(
                project_code="P02-DUP",
                project_name=shared["project_name"],
                investor=shared["investor"],
                stage="签约",
                signed_on=date(2022, 7, 1),
                contract_amount=12,
                funds_ytd=1,
            ),
            ledger_row(project_code="P02-OWN", industry="材料", stage="在谈"),
        ],
    )
    ingest(run.home, run.inbox)
    run.results["failed"] = sabotaged_build(run)
    run.step("resent")

    for path in (later / week).iterdir():
        shutil.move(path, run.inbox / week / path.name)
    run.step("late")

    edit(run.project / "seeds" / "targets.csv", "2022,P02,40,", "2022,P02,25,")
    edit(
        run.project / "seeds" / "scoring_parameters.csv",
        "major_project_threshold,50,",
        "major_project_threshold,8,",
    )
    run.step("seeds")
    return run


@pytest.mark.parametrize("step", ["new_week", "resent", "late", "seeds"])
def test_incremental_build_equals_full_build(pipeline, step):
    result = pipeline.results[step]
    assert result["differences"] == {}, result["differences"]
    assert result["rows"]["marts.unit_month_scores"] > 0


def test_first_build_is_full(pipeline):
    assert set(pipeline.results["full"]["scopes"].values()) == {"1 = 1"}
    assert set(pipeline.results["full"]["test_scopes"].values()) == {"1 = 1"}


def test_new_week_recomputes_only_its_scope(pipeline):
    scopes = pipeline.results["new_week"]["scopes"]
    # the week ends on 25 December: only the December snapshots of 2022 change
    assert scopes["int_unit_month_snapshots"] == "(year = 2022 and month >= 12)"
    assert scopes["int_duplicate_projects"] == f"week_label in ('{NEW_WEEK}')"
    # the changed unit-weeks, recorded by stg_report_files (the tests of the stg_ledger_rows view check them)
    assert scopes["stg_report_files"].startswith(f"week_label in ('{NEW_WEEK}') and ")
    assert scopes["int_leads"].startswith("(year = 2022 and month >= 12)")


def test_resent_weeks_replace_their_rows(pipeline):
    wh = pipeline.warehouse
    assert query(
        wh,
        "select count(*) as n from staging.stg_ledger_rows "
        "where unit_code = 'P01' and week_label = '2022-W20'",
    ) == [{"n": 0}]
    duplicates = query(
        wh,
        "select distinct unit_code from intermediate.int_duplicate_projects "
        "where week_label = '2022-W30' order by unit_code",
    )
    assert [r["unit_code"] for r in duplicates] == ["D01", "P02"]
    # (the models upstream of the snapshots were built by the failed build, see below)
    scopes = pipeline.results["resent"]["scopes"]
    assert scopes["int_unit_month_snapshots"] == "(year = 2022 and month >= 5)"  # from 2022-W20 (May) on


def test_failed_build_leaves_its_model_as_it_was(pipeline):
    failed = pipeline.results["failed"]
    # the models before the failing one were built (and recorded) ...
    assert failed["scopes"]["stg_report_files"].startswith("week_label in ('2022-W20', '2022-W30') and ")
    assert failed["scopes"]["int_duplicate_projects"] == "week_label in ('2022-W20', '2022-W30')"
    # ... the failing one kept its rows and its state: the next build recomputes its scope (test above)
    assert failed["after"] == failed["before"]
    assert pipeline.results["resent"]["scopes"]["int_duplicate_projects"] == "1 = 0"


def test_late_week_of_an_earlier_year(pipeline):
    scopes = pipeline.results["late"]["scopes"]
    assert scopes["int_unit_month_snapshots"] == "(year = 2021 and month >= 12)"
    # D01's next report (2021-W52, in 2022) is compared with the late week now
    assert "'D01|2021-W52'" in scopes["int_project_stage_history"]
    history = query(
        pipeline.warehouse,
        "select count(*) as n from intermediate.int_project_stage_history "
        "where unit_code = 'D01' and week_label = '2021-W52' "
        "and previous_report_week_label = '2021-W51'",
    )
    assert history[0]["n"] > 0


def test_edited_seed_rebuilds_what_depends_on_it(pipeline):
    scopes = pipeline.results["seeds"]["scopes"]
    # scoring_parameters is upstream of these
    assert scopes["int_unit_month_snapshots"] == "1 = 1"
    assert scopes["int_leads"] == "1 = 1"
    assert scopes["int_project_stage_history"] == "1 = 1"
    # the ledger does not depend on the seeds: nothing to rebuild, but its tests (relationships to the seeds)
    # check every row once
    assert scopes["stg_report_files"] == "1 = 0"
    assert pipeline.results["seeds"]["test_scopes"]["stg_report_files"] == "1 = 1"
