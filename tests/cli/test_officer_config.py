"""The officer's changes to the home's configuration (issue 19 item 6), through the real commands on a copy of
the demo home: a unit joining mid-year, a unit leaving, a past target corrected — edited in `config/`, then
one `zhaoshang build`. Scores are checked against the 2021 method's formula (SPEC §3: 40 × min(完成值 ÷ 目标,
1.2) for C), frozen submissions stay as they were, and `status` names the changed file.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pytest

from basics.config import REGISTERS
from tests.cli.test_commands import zhaoshang
from tests.conftest import SampleYear
from tests.gate.dataset import unit_ledger
from tests.helpers.workbooks import week_path, write_report

UNITS = REGISTERS["units"].file
TARGETS = REGISTERS["targets"].file


def rows(warehouse: Path, sql: str, params: list | None = None) -> list[tuple]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def c_points(warehouse: Path, unit: str, month: int) -> tuple[float, float, float]:
    (row,) = rows(
        warehouse,
        "select value, target, points from marts.score_points "
        "where unit_code = ? and year = 2021 and month = ? and item_code = 'C' and line = 'item'",
        [unit, month],
    )
    return row


@pytest.fixture(scope="module")
def edited(sample_year: SampleYear, tmp_path_factory) -> tuple[Path, dict]:
    """The demo home copied; P01's 2021 target C doubled, D06 leaving on 2021-06-30, P08 joining on
    2021-07-01 (with its targets and a first report); then `zhaoshang weekly` (ingest and build)."""
    root = sample_year.copy(tmp_path_factory.mktemp("officer_config") / "home")
    config = root / "config"
    before = {"c": c_points(root / "warehouse.duckdb", "P01", 6)}
    targets = (config / TARGETS).read_text(encoding="utf-8")
    assert "2021,P01,150," in targets
    targets = targets.replace("2021,P01,150,", "2021,P01,300,") + "2021,P08,50,15,1,1,0.30\n"
    (config / TARGETS).write_text(targets, encoding="utf-8")
    units = (config / UNITS).read_text(encoding="utf-8")
    units = units.replace(
        "D06,区文化旅游委,department,2020-01-01,", "D06,区文化旅游委,department,2020-01-01,2021-06-30"
    )
    units += "P08,新建产业园,platform,2021-07-01,\n"
    (config / UNITS).write_text(units, encoding="utf-8")
    before["frozen"] = {p.name: p.read_bytes() for p in (root / "submissions" / "2021-12" / "v1").iterdir()}
    check = zhaoshang("config", "check", home=root)
    assert check.returncode == 0, check.stdout + check.stderr
    # P08's first report (2021-W30, 26 July – 1 August): one landed project of 60 亿 signed 2021-01-10
    write_report(week_path(root / "inbox", "2021-W30", "P08"), unit_ledger("P08", 1))
    built = zhaoshang("weekly", home=root)
    assert built.returncode == 0, built.stdout[-3000:] + built.stderr[-3000:]
    before["build"] = built.stdout
    return root, before


@pytest.mark.slow
def test_a_corrected_past_target_changes_the_scores_not_the_submission(edited):
    root, before = edited
    value, target, points = c_points(root / "warehouse.duckdb", "P01", 6)
    assert before["c"][1] == 150 and target == 300 and value == before["c"][0]
    assert points == pytest.approx(40 * min(value / 300, 1.2), abs=1e-6)  # the method's formula, by hand
    assert before["c"][2] == pytest.approx(40 * min(value / 150, 1.2), abs=1e-6)
    frozen = root / "submissions" / "2021-12" / "v1"
    assert {p.name: p.read_bytes() for p in frozen.iterdir()} == before["frozen"]
    recorded = json.loads((frozen / "manifest.json").read_text(encoding="utf-8"))["configuration"]
    assert {f["file"]: f["version"] for f in recorded["files"]}[TARGETS] == 1
    bulletin = next((root / "reports" / "2021-12" / "v1").glob("*.html")).read_text(encoding="utf-8")
    assert (
        f"校验码 {recorded['checksum']}" in bulletin
    )  # the bulletin names the configuration it was made with
    assert zhaoshang("verify", home=root).returncode == 0
    status = zhaoshang("status", home=root)
    assert status.returncode == 0, status.stderr
    assert f"{TARGETS} v1→v2" in status.stdout and f"{UNITS} v1→v2" in status.stdout
    versions = dict(rows(root / "warehouse.duckdb", "select file, version from marts.config_files"))
    assert versions[TARGETS] == 2 and versions[UNITS] == 2 and versions["考核办法/2021.yml"] == 1


@pytest.mark.slow
def test_a_unit_leaving_has_no_missing_weeks_after_active_to(edited):
    root, _ = edited
    after = rows(
        root / "warehouse.duckdb",
        "select count(*) filter (where is_expected) from marts.expected_reports "
        "where unit_code = 'D06' and week_end > date '2021-06-30'",
    )
    assert after == [(0,)]
    kept = rows(
        root / "warehouse.duckdb",
        "select count(*) from marts.expected_reports where unit_code = 'D06' and is_expected",
    )
    assert kept[0][0] >= 25  # its first half-year still expected (history kept)
    assert rows(
        root / "warehouse.duckdb", "select active_to from marts.dim_unit where unit_code = 'D06'"
    ) == [(date(2021, 6, 30),)]


@pytest.mark.slow
def test_a_unit_joining_mid_year_is_scored_from_active_from(edited):
    root, before = edited
    warehouse = root / "warehouse.duckdb"
    expected = rows(
        warehouse,
        "select min(week_end), count(*) filter (where is_expected and is_due and not is_received) "
        "from marts.expected_reports where unit_code = 'P08' and is_expected",
    )
    first, missing = expected[0]
    assert (
        first == date(2021, 7, 4) and missing == 25
    )  # W26 (ends 4 July) .. W52 but W30: 26 weeks, 1 arrived
    months = [
        m
        for (m,) in rows(
            warehouse,
            "select month from marts.score_totals where unit_code = 'P08' and year = 2021 order by month",
        )
    ]
    assert months and months[0] == 7 and 6 not in months
    value, target, points = c_points(warehouse, "P08", 12)
    assert (value, target) == (60, 50) and points == pytest.approx(40 * 1.2)  # 40 × min(60 ÷ 50, 1.2)
    status = zhaoshang("status", home=root)
    assert "P08" in status.stdout
    assert (root / "templates").is_dir() and any((root / "templates").glob("*/P08.xlsx"))
