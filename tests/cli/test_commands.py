"""Every `zhaoshang` command as a subprocess on a temporary home: output and exit codes."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, VENV_BIN, SampleYear, zhaoshang
from tests.helpers.spec6 import SPEC6_MODEL

# The real `zhaoshang` command on the demo home (minutes): the fast loop skips it.
pytestmark = pytest.mark.slow


def assert_user_error(proc: subprocess.CompletedProcess[str], code: int, *phrases: str) -> None:
    assert proc.returncode == code, proc.stdout + proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    for phrase in phrases:
        assert phrase in proc.stderr + proc.stdout


@pytest.fixture(scope="module")
def demo_home(sample_year: SampleYear, tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    """This module's own copy of the session's `zhaoshang demo` home (its tests write on it in turn)."""
    return sample_year.copy(tmp_path_factory.mktemp("home") / "home"), sample_year.demo


def test_demo_runs_the_whole_story_and_submits_december(demo_home):
    home, proc = demo_home
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 superseded" in proc.stdout
    assert "已报送 2021-12" in proc.stdout and "submitted 2021-12" in proc.stdout
    folder = home / "submissions" / "2021-12" / "v1"
    assert {p.suffix for p in folder.iterdir()} >= {".xlsx", ".csv", ".json"}
    assert (home / "warehouse.duckdb").exists() and any((home / "archive").rglob("*.xlsx"))


def test_demo_writes_the_latest_months_bulletin_and_prints_its_path(sample_year: SampleYear):
    home, proc = sample_year.root, sample_year.demo  # the demo's own home (read only): it printed its paths
    html = home / "reports" / "2021-12" / "v1" / "月度考核通报_2021-12.html"
    assert f"月度考核通报 / bulletin of 2021-12: {html}" in proc.stdout
    assert html.exists() and html.with_suffix(".pdf").exists() and html.with_suffix(".xlsx").exists()
    assert "重庆交通大学创新生态圈" in html.read_text(encoding="utf-8")  # P07, active from March


def test_demo_runs_appear_in_the_dagster_run_history(demo_home):
    home, _ = demo_home
    import dagster as dg

    os.environ["DAGSTER_HOME"] = str(home / "dagster")
    try:
        with dg.DagsterInstance.get() as instance:
            runs = instance.get_runs()
    finally:
        os.environ.pop("DAGSTER_HOME")
    assert len(runs) >= 4  # two ingestions, the build, the gate + submission
    assert all(run.tags.get("zhaoshang/started_by") == "cli" for run in runs)


def test_scores_prints_a_ranking_per_unit_type(demo_home):
    home, _ = demo_home
    proc = zhaoshang("scores", "--month", "2021-06", home=home)
    assert proc.returncode == 0, proc.stderr
    assert "平台 (platform)" in proc.stdout and "部门 (department)" in proc.stdout
    assert "江津综合保税区" in proc.stdout and "总分" in proc.stdout


def test_scores_csv_has_chinese_headers_and_one_row_per_unit(demo_home):
    home, _ = demo_home
    proc = zhaoshang("scores", "--month", "2021-06", "--csv", home=home)
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    assert proc.returncode == 0
    assert {"单位编号", "总分", "组内排名", "协议引资额得分", "缺报周报（减分）"} <= set(rows[0])
    assert {r["单位编号"] for r in rows} >= {"P01", "D01", "B01"}


def test_check_passes_on_the_clean_sample_month(demo_home):
    home, _ = demo_home
    proc = zhaoshang("check", "--month", "2021-12", home=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "every check passed" in proc.stdout


def test_submitting_a_frozen_month_again_exits_5(demo_home):
    home, _ = demo_home
    proc = zhaoshang("submit", "--month", "2021-12", home=home)
    assert proc.returncode == 5
    assert "already submitted" in proc.stdout and "--resubmit" in proc.stdout


def test_status_lists_missing_weeks_and_submissions(demo_home):
    home, _ = demo_home
    proc = zhaoshang("status", home=home)
    assert proc.returncode == 0, proc.stderr
    assert "2021-12: v1" in proc.stdout
    missed = zhaoshang("status", "--month", "2021-03", home=home)
    assert missed.returncode == 0 and "缺报周次" in missed.stdout


def test_ingesting_again_changes_nothing(demo_home):
    home, _ = demo_home
    proc = zhaoshang("ingest", home=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "接收 0 份周报（其中替换旧版 0 份）" in proc.stdout and "accepted 0 report(s)" in proc.stdout


def test_ingest_of_a_bad_file_exits_3_with_the_reason(tmp_path):
    bad = tmp_path / "inbox" / "2021-W05" / "ZZ9.xlsx"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"not a workbook")
    proc = zhaoshang("ingest", home=tmp_path)
    assert proc.returncode == 3, proc.stdout + proc.stderr
    assert "ZZ9" in proc.stdout and "rejected 1" in proc.stdout
    assert not bad.exists() and any((tmp_path / "quarantine").rglob("ZZ9.xlsx"))


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (("scores", "--month", "2021-13"), "YYYY-MM"),
        (("check", "--month", "June"), "YYYY-MM"),
        (("submit", "--month", "2021-12", "--waive", "XX1", "--reason", "r"), "不在单位名册中"),
        (("submit", "--month", "2021-12", "--waive", "P01"), '--waive P01="'),
    ],
)
def test_wrong_input_gets_one_sentence_and_exit_2(tmp_path, args, phrase):
    assert_user_error(zhaoshang(*args, home=tmp_path), 2, phrase)


def test_scores_without_a_warehouse_says_what_to_run(tmp_path):
    assert_user_error(zhaoshang("scores", "--month", "2021-06", home=tmp_path), 2, "zhaoshang build")


def test_missing_home_parent_is_a_user_error(tmp_path):
    assert_user_error(zhaoshang("status", home=tmp_path / "no" / "such" / "home"), 2, "does not exist")


def test_ingest_with_a_missing_inbox_is_a_user_error(tmp_path):
    proc = zhaoshang("ingest", "--inbox", str(tmp_path / "nowhere"), home=tmp_path)
    assert_user_error(proc, 2, "does not exist")


def test_help_explains_each_command_in_plain_words():
    proc = zhaoshang("--help")
    assert proc.returncode == 0
    for command in ("demo", "ingest", "build", "scores", "check", "submit", "report", "status"):
        assert command in proc.stdout
    assert "退出码 exit codes" in proc.stdout


def test_check_of_a_month_with_a_missing_report_exits_4_with_one_readable_list(demo_home):
    home, _ = demo_home
    proc = zhaoshang("check", "--month", "2021-02", home=home)  # the sample leaves out D01's 2021-W07
    assert proc.returncode == 4, proc.stdout + proc.stderr
    assert "D01" in proc.stdout and "2021-W07" in proc.stdout and "missing_report" in proc.stdout
    assert "Traceback" not in proc.stderr and "DagsterAssetCheckFailedError" not in proc.stderr
    submit = zhaoshang("submit", "--month", "2021-02", home=home)
    assert submit.returncode == 4 and "NOT submitted" in submit.stdout
    assert not (home / "submissions" / "2021-02").exists()


def test_dbt_docs_generate_builds_the_committees_data_dictionary(demo_home, tmp_path):
    home, _ = demo_home
    env = {**os.environ, "ZHAOSHANG_WAREHOUSE": str(home / "warehouse.duckdb")}
    proc = subprocess.run(
        [
            str(VENV_BIN / "dbt"),
            "docs",
            "generate",
            "--project-dir",
            "dbt_project",
            "--profiles-dir",
            "dbt_project",
            "--target-path",
            str(tmp_path / "docs"),
        ],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stdout[-2000:]
    catalog = json.loads((tmp_path / "docs" / "catalog.json").read_text("utf-8"))["nodes"]
    manifest = json.loads((tmp_path / "docs" / "manifest.json").read_text("utf-8"))["nodes"]
    marts = [key for key, node in catalog.items() if node["metadata"]["schema"] == "marts"]
    assert f"model.zhaoshang.{SPEC6_MODEL}" in marts and "model.zhaoshang.score_items" in marts
    for key in marts:  # every column of every mart table, as the database has it, is described
        described = {c.lower() for c, col in manifest[key]["columns"].items() if col["description"].strip()}
        assert {c.lower() for c in catalog[key]["columns"]} <= described, key


def test_resubmission_makes_v2_and_leaves_v1_byte_identical(demo_home):
    home, _ = demo_home
    v1 = home / "submissions" / "2021-12" / "v1"
    before = {p.name: p.read_bytes() for p in v1.iterdir()}
    no_reason = zhaoshang("submit", "--month", "2021-12", "--resubmit", home=home)
    assert_user_error(no_reason, 2, "--reason")
    proc = zhaoshang("submit", "--month", "2021-12", "--resubmit", "--reason", "P03 更正签约金额", home=home)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "v2" in proc.stdout
    assert {p.name: p.read_bytes() for p in v1.iterdir()} == before
    manifest = json.loads((home / "submissions" / "2021-12" / "v2" / "manifest.json").read_text("utf-8"))
    assert manifest["resubmit_reason"] == "P03 更正签约金额"


def test_sample_writes_a_year_of_reports_in_the_inbox_layout(tmp_path):
    proc = zhaoshang("sample", "--out", str(tmp_path / "inbox"), "--year", "2021", "--seed", "3")
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "inbox" / "2020-W53" / "P01.xlsx").exists()
    assert (tmp_path / "inbox" / "2021-W10" / "D04.csv").exists()  # the unit that sends GB18030 CSV
    assert not (tmp_path / "inbox" / "2021-W52").exists()  # ends on 2 January 2022: belongs to 2022


def test_demo_writes_a_receipt_per_unit_week_and_next_weeks_templates(demo_home):
    home, proc = demo_home
    assert "回执" in proc.stdout and "2021-W52" in proc.stdout
    receipts = {p.relative_to(home / "receipts").as_posix() for p in (home / "receipts").rglob("*.xlsx")}
    assert len(receipts) > 800 and "2021-W10/P03.xlsx" in receipts  # the resent week too
    assert len(list((home / "templates" / "2021-W52").glob("*.xlsx"))) == 16  # every unit of the register


def test_template_writes_the_named_units_workbooks(demo_home, tmp_path):
    home, _ = demo_home
    proc = zhaoshang(
        "template", "--week", "2022-W01", "--unit", "P01", "D02", "--out", str(tmp_path), home=home
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert {p.name for p in (tmp_path / "2022-W01").iterdir()} == {"P01.xlsx", "D02.xlsx"}
    assert "P01:" in proc.stdout and "from 2021-W51" in proc.stdout


@pytest.mark.parametrize(
    ("args", "phrase"),
    [
        (("template", "--week", "2021-W60"), "YYYY-Www"),
        (("template", "--week", "2021-05"), "YYYY-Www"),
        (("template", "--week", "2021-W05", "--unit", "XX1"), "unknown unit"),
    ],
)
def test_template_with_wrong_input_exits_2(tmp_path, args, phrase):
    assert_user_error(zhaoshang(*args, home=tmp_path), 2, phrase)


def test_a_sample_of_the_next_year_passes_the_gate_for_its_complete_months(demo_home):
    """`sample --year 2022` into the demo home (2021 already there): lead and project codes unique across the
    two years (SPEC 2.2), one build, and every month without a planned missed week passes the gate."""
    from basics.registers import units
    from basics.weeks import week_end
    from expectations.gate import run_gate
    from zhaoshang.sample_data import build_plan

    home, _ = demo_home
    proc = zhaoshang("sample", "--year", "2022", home=home)  # into <home>/inbox by default
    assert proc.returncode == 0, proc.stdout + proc.stderr
    weekly = zhaoshang("weekly", home=home)  # ingest and the one build
    assert weekly.returncode == 0, weekly.stdout + weekly.stderr
    missed = {week_end(week).month for _, week in build_plan(units(), 2022, 7).missed}
    complete = [m for m in range(1, 13) if m not in missed]
    assert len(complete) >= 9
    for month in complete:
        gate = run_gate(home / "warehouse.duckdb", 2022, month)
        assert gate.passed, (month, gate.failure_table())
    check = zhaoshang("check", "--month", "2022-12", home=home)
    assert check.returncode == 0, check.stdout + check.stderr
