"""Every command on a home whose warehouse is PostgreSQL (issue #23): the session's sample year, built once
more on a real server (`sample_year_on_postgres`), read by the real `zhaoshang` commands of a copy of the
sample year's home whose settings.toml names that database. Their output equals the DuckDB home's.

The reading commands (scores, explain, status, report's figures) read the published marts on PostgreSQL
through `basics.warehouse_reader`; a committee member's home that holds nothing but settings.toml reads them
too. The writing commands (ingest, weekly, check, submit, template) keep working on the home, and Dagster's
instance is on the same server: a second process sees the CLI's runs, and the warehouse pool still lets one
writer run at a time.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, VENV_BIN, zhaoshang

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

MONTH = "2021-12"


def _settings(home: Path, url: str) -> Path:
    (home / "settings.toml").write_text(f'warehouse = "{url}"\n', encoding="utf-8")
    return home


@pytest.fixture(scope="module", autouse=True)
def _no_warehouse_setting_from_outside():
    """The DuckDB side is the default: no $ZHAOSHANG_WAREHOUSE_URL from the caller (settings.toml decides)."""
    saved = os.environ.pop("ZHAOSHANG_WAREHOUSE_URL", None)
    yield
    if saved is not None:
        os.environ["ZHAOSHANG_WAREHOUSE_URL"] = saved


@pytest.fixture(scope="module")
def pg_home(sample_year, sample_year_on_postgres, tmp_path_factory) -> Path:
    """A copy of the sample year's home whose warehouse setting names the session's PostgreSQL build."""
    home = sample_year.copy(tmp_path_factory.mktemp("pg_commands") / "home")
    return _settings(home, sample_year_on_postgres.url)


@pytest.fixture(scope="module")
def duck_home(sample_year, tmp_path_factory) -> Path:
    """A writable copy of the sample year's DuckDB home (for the commands that write)."""
    return sample_year.copy(tmp_path_factory.mktemp("duck_commands") / "home")


def _ok(proc: subprocess.CompletedProcess[str]) -> subprocess.CompletedProcess[str]:
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc


EXPLAIN = ("explain", "--unit", "D02", "--month", MONTH)
CSV = ("scores", "--month", MONTH, "--csv", "-")
_DUCKDB_OUTPUTS: dict[tuple[str, ...], subprocess.CompletedProcess[str]] = {}


def _duckdb_output(sample_year, args: tuple[str, ...]) -> subprocess.CompletedProcess[str]:  # noqa: ANN001
    """The sample year's (DuckDB) output of a read-only command, run once per module."""
    if args not in _DUCKDB_OUTPUTS:
        _DUCKDB_OUTPUTS[args] = _ok(zhaoshang(*args, home=sample_year.root))
    return _DUCKDB_OUTPUTS[args]


def _same(text: str, home: Path) -> str:
    """The output with the home's path replaced, for comparing two homes."""
    return text.replace(str(home), "<home>")


def test_scores_terminal_and_csv_equal_the_duckdb_homes(sample_year, pg_home):
    for args in (("scores", "--month", MONTH), CSV):
        duck = _duckdb_output(sample_year, args)
        pg = _ok(zhaoshang(*args, home=pg_home))
        assert pg.stdout == duck.stdout and pg.stderr == duck.stderr
    assert duck.stdout.count("\n") > 10  # a header and every unit of the month


def test_scores_xlsx_equals_the_duckdb_homes(sample_year, pg_home, tmp_path):
    import openpyxl

    def cells(home: Path, name: str) -> list[tuple]:
        target = tmp_path / name
        _ok(zhaoshang("scores", "--month", MONTH, "--xlsx", str(target), home=home))
        sheet = openpyxl.load_workbook(target)["单位得分"]
        return [tuple(row) for row in sheet.iter_rows(values_only=True)]

    duck = cells(sample_year.root, "duck.xlsx")
    assert cells(pg_home, "pg.xlsx") == duck and len(duck) > 10


def test_explain_same_lines(sample_year, pg_home):
    """A department (D02: indicators, events and the rows behind them) explained line for line alike."""
    duck = _duckdb_output(sample_year, EXPLAIN)
    pg = _ok(zhaoshang(*EXPLAIN, home=pg_home))
    assert pg.stdout.splitlines() == duck.stdout.splitlines() and len(duck.stdout.splitlines()) > 10


@pytest.mark.parametrize("args", [("status",), ("verify",)])
def test_status_and_verify_same_content(sample_year, pg_home, args):
    duck = _ok(zhaoshang(*args, home=sample_year.root))
    pg = _ok(zhaoshang(*args, home=pg_home))
    assert _same(pg.stdout, pg_home) == _same(duck.stdout, sample_year.root)


def test_ingest_and_weekly_with_nothing_new_on_both(duck_home, pg_home):
    for command in ("ingest", "weekly"):
        duck = _ok(zhaoshang(command, home=duck_home))
        pg = _ok(zhaoshang(command, home=pg_home))
        assert _same(pg.stdout, pg_home) == _same(duck.stdout, duck_home), command


def test_a_committee_home_holds_only_the_setting(sample_year, sample_year_on_postgres, tmp_path):
    """A reader's home with nothing but settings.toml: scores, explain and status read PostgreSQL (no DuckDB
    file is made or needed); an unreachable server is one sentence, exit 1."""
    (tmp_path / "committee").mkdir()
    home = _settings(tmp_path / "committee", sample_year_on_postgres.url)
    duck = _ok(zhaoshang("scores", "--month", MONTH, "--csv", "-", home=sample_year.root))
    assert _ok(zhaoshang("scores", "--month", MONTH, "--csv", "-", home=home)).stdout == duck.stdout
    explain = ("explain", "--unit", "P01", "--month", MONTH)
    assert (
        _ok(zhaoshang(*explain, home=home)).stdout == _ok(zhaoshang(*explain, home=sample_year.root)).stdout
    )
    assert sorted(p.name for p in home.iterdir()) == ["settings.toml"]

    _settings(home, re.sub(r":\d+/", ":1/", sample_year_on_postgres.url))  # nothing listens on port 1
    down = zhaoshang("scores", "--month", MONTH, home=home)
    assert down.returncode == 1 and "Traceback" not in down.stderr
    assert down.stderr.startswith("错误 error: 无法连接 PostgreSQL 仓库"), down.stderr


def _runs_seen_from_another_process(home: Path, url: str) -> dict:
    """Dagster's instance of `home` opened by a second Python process (as the UI or a colleague's command
    would): its storage classes, the runs, the warehouse pool's limit and each run's step times."""
    script = textwrap.dedent(
        """
        import json, os
        from dagster import DagsterEventType, DagsterInstance
        from orchestration.resources import WAREHOUSE_POOL

        with DagsterInstance.get() as instance:
            runs = instance.get_runs()
            steps = {}
            for run in runs:
                times = {}
                for entry in instance.all_logs(run.run_id):
                    event = entry.dagster_event
                    kinds = ("STEP_START", "STEP_SUCCESS", "STEP_FAILURE")
                    if event is None or event.event_type not in [DagsterEventType[k] for k in kinds]:
                        continue
                    times.setdefault(event.step_key, []).append(entry.timestamp)
                steps[run.run_id] = {key: [min(t), max(t)] for key, t in times.items()}
            print(json.dumps({
                "run_storage": type(instance.run_storage).__name__,
                "event_storage": type(instance.event_log_storage).__name__,
                "runs": [[run.run_id, run.job_name, run.status.value] for run in runs],
                "pool_limit": instance.event_log_storage.get_concurrency_info(WAREHOUSE_POOL).slot_count,
                "steps": steps,
            }))
        """
    )
    from basics.warehouse_url import dagster_storage_url, parse

    env = {
        **os.environ,
        "DAGSTER_HOME": str(home / "dagster"),
        "ZHAOSHANG_DAGSTER_POSTGRES_URL": dagster_storage_url(parse(url)),
    }
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_dagster_instance_on_postgres_one_history_one_pool(pg_home, sample_year_on_postgres):
    """`check` and `template` started at once on the PostgreSQL home: both succeed; a second process's
    DagsterInstance (PostgreSQL run and event storage, no SQLite file in the home) sees both runs; the
    warehouse pool's limit is 1 there and the two pooled steps never overlapped."""
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("ZHAOSHANG_HOME", None)
    commands = [
        ["check", "--month", MONTH],
        ["template", "--week", "2022-W01", "--unit", "P01"],
    ]
    procs = [
        subprocess.Popen(
            [str(VENV_BIN / "zhaoshang"), *args, "--home", str(pg_home)],
            cwd=PROJECT_ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for args in commands
    ]
    outputs = [proc.communicate(timeout=600) for proc in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, out[-3000:] + err[-3000:]
    assert "全部检查通过" in outputs[0][0]
    assert (pg_home / "templates" / "2022-W01").is_dir()
    assert "storage:\n  postgres:" in (pg_home / "dagster" / "dagster.yaml").read_text(encoding="utf-8")

    seen = _runs_seen_from_another_process(pg_home, sample_year_on_postgres.url)
    assert seen["run_storage"] == "PostgresRunStorage" and seen["event_storage"] == "PostgresEventLogStorage"
    ours = {job: (run_id, status) for run_id, job, status in seen["runs"]}
    assert ours["monthly_gate_only"][1] == "SUCCESS" and ours["templates_only"][1] == "SUCCESS"
    with sqlite3.connect(pg_home / "dagster" / "history" / "runs.db") as history:  # the demo's, copied
        marks = ",".join("?" * len(ours))
        written = history.execute(
            f"select count(*) from runs where run_id in ({marks})", [run_id for run_id, _ in ours.values()]
        ).fetchone()[0]
    assert written == 0  # the home's SQLite storage saw none of them
    assert seen["pool_limit"] == 1
    ((gate_start, gate_end),) = seen["steps"][ours["monthly_gate_only"][0]].values()
    ((tpl_start, tpl_end),) = seen["steps"][ours["templates_only"][0]].values()
    assert gate_end <= tpl_start or tpl_end <= gate_start, seen["steps"]


def test_report_on_postgres_equals_the_duckdb_bulletin(sample_year, pg_home):
    """The bulletin of a PostgreSQL home (its figures read there) is the sample year's, word for word, but
    for its version number and the times of the build and the check."""
    _ok(zhaoshang("report", "--month", MONTH, home=pg_home))
    name = f"月度考核通报_{MONTH}.html"
    latest = max((pg_home / "reports" / MONTH).iterdir(), key=lambda p: int(p.name[1:]))
    when = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日 \d{2}:\d{2}|第\d+版|v\d+\b")

    def text(path: Path) -> str:
        return when.sub("…", path.read_text(encoding="utf-8"))

    assert text(latest / name) == text(sample_year.root / "reports" / MONTH / "v1" / name)
