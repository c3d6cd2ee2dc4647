"""`kill -9` of ingest, build and submit at several moments, a read during a build, two simultaneous submits,
tampered submissions and a full disk: the next command goes on (within a minute for ingest and read commands),
says what happened in one sentence, and the raw tables equal those of a clean single run.

Real processes on real homes (six weeks of the sample year); every wait is bounded.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import psutil
import pytest

from basics import terms
from tests.conftest import PROJECT_ROOT, VENV_BIN

pytestmark = pytest.mark.slow  # real ingest/build/submit processes: about 9 minutes

WEEKS = ["2020-W53", "2021-W01", "2021-W02", "2021-W03", "2021-W04", "2021-W05"]
RAW_QUERIES = {
    "report_files": "select unit_code, week_label, version, file_sha256, source_path, ledger_rows, lead_rows "
    "from raw.report_files order by all",
    "ledger_rows": "select * from raw.ledger_rows order by all",
    "lead_rows": "select * from raw.lead_rows order by all",
    "row_issues": "select * from raw.row_issues order by all",
    "rejected_files": "select source_path, reason_code, file_sha256 from raw.rejected_files order by all",
}


def _env(**extra: str) -> dict[str, str]:
    env = {**os.environ, "COLUMNS": "200", **extra}
    env.pop("ZHAOSHANG_HOME", None)
    return env


def run(home: Path, *args: str, timeout: float, **env: str) -> subprocess.CompletedProcess[str]:
    cmd = [str(VENV_BIN / "zhaoshang"), *args, "--home", str(home)]
    return subprocess.run(
        cmd, cwd=PROJECT_ROOT, env=_env(**env), capture_output=True, text=True, timeout=timeout
    )


def start(home: Path, *args: str, log: Path) -> subprocess.Popen:
    cmd = [str(VENV_BIN / "zhaoshang"), *args, "--home", str(home)]
    out = open(log, "w", encoding="utf-8")  # noqa: SIM115 - closed with the process
    return subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=_env(), stdout=out, stderr=subprocess.STDOUT)


def wait_for(condition: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def kill9(proc: subprocess.Popen) -> None:
    """SIGKILL the command's own process (as the OOM killer would); its children are left as they are."""
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def dbt_running(proc: subprocess.Popen) -> bool:
    try:
        return any("dbt" in " ".join(c.cmdline()) for c in psutil.Process(proc.pid).children(recursive=True))
    except psutil.Error:
        return False


def orphaned_dbt(home: Path) -> list[psutil.Process]:
    """dbt processes still working on this home's warehouse."""
    warehouse = os.path.realpath(home / "warehouse.duckdb")
    found = []
    for process in psutil.process_iter(["cmdline"]):
        try:
            if any(Path(arg).name == "dbt" for arg in (process.info["cmdline"] or [])[:2]):
                if os.path.realpath(process.environ().get("ZHAOSHANG_WAREHOUSE", "")) == warehouse:
                    found.append(process)
        except psutil.Error:
            continue
    return found


def raw_tables(home: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(home / "warehouse.duckdb"), read_only=True)
    try:
        return {name: con.execute(sql).fetchall() for name, sql in RAW_QUERIES.items()}
    finally:
        con.close()


def archived(home: Path) -> int:
    return sum(1 for p in (home / "archive").rglob("*") if p.is_file() and not p.name.startswith("."))


def assert_sentence(proc: subprocess.CompletedProcess[str], code: int, *phrases: str) -> None:
    output = proc.stdout + proc.stderr
    assert proc.returncode == code, output[-3000:]
    assert "Traceback" not in output
    for phrase in phrases:
        assert phrase in output, output[-3000:]


@pytest.fixture(scope="module")
def inbox(tmp_path_factory) -> Path:
    from zhaoshang.sample_data import write_sample_inbox

    tmp = tmp_path_factory.mktemp("sample")
    write_sample_inbox(tmp / "full", year=2021, seed=7)
    for week in WEEKS:
        shutil.copytree(tmp / "full" / week, tmp / "inbox" / week)
    return tmp / "inbox"


@pytest.fixture(scope="module")
def clean(tmp_path_factory, inbox) -> dict[str, list[tuple]]:
    """The raw tables of one uninterrupted ingestion."""
    home = tmp_path_factory.mktemp("clean")
    assert_sentence(run(home, "ingest", "--inbox", str(inbox), timeout=300), 0)
    return raw_tables(home)


@pytest.fixture(scope="module")
def crashed(tmp_path_factory, inbox) -> Path:
    """A home whose ingestion was killed twice (Dagster starting, then mid-way through the files)."""
    home = tmp_path_factory.mktemp("crashed")
    logs = tmp_path_factory.mktemp("logs")
    proc = start(home, "ingest", "--inbox", str(inbox), log=logs / "ingest1.log")
    wait_for(lambda: archived(home) >= 1 or proc.poll() is not None, 240, "the first archived file")
    kill9(proc)
    before = archived(home)
    proc = start(home, "ingest", "--inbox", str(inbox), log=logs / "ingest2.log")
    wait_for(lambda: archived(home) >= before + 30 or proc.poll() is not None, 240, "30 more archived files")
    kill9(proc)
    return home


def test_after_killed_ingestions_the_next_ingest_recovers_within_a_minute(crashed, inbox, clean):
    proc = run(crashed, "ingest", "--inbox", str(inbox), timeout=60)
    assert_sentence(proc, 0, "已中断", "was interrupted (its process is gone)")
    assert raw_tables(crashed) == clean
    again = run(crashed, "ingest", "--inbox", str(inbox), timeout=60)
    assert_sentence(again, 0, "accepted 0")
    assert "interrupted" not in again.stderr
    assert raw_tables(crashed) == clean


def test_a_killed_build_holds_nothing(crashed, inbox, clean, tmp_path):
    build = start(crashed, "build", log=tmp_path / "build.log")
    wait_for(lambda: dbt_running(build) or build.poll() is not None, 300, "dbt to start")
    assert build.poll() is None, (tmp_path / "build.log").read_text()
    # a read command during the build: an answer or one sentence, never DuckDB's lock traceback
    read = run(crashed, "scores", "--month", "2021-01", timeout=60, ZHAOSHANG_LOCK_WAIT="2")
    assert read.returncode in (0, 1, 2) and "Traceback" not in read.stdout + read.stderr, read.stderr
    # a writer started now says at once that it waits for the build
    ingest = start(crashed, "ingest", "--inbox", str(inbox), log=tmp_path / "ingest.log")
    wait_for(
        lambda: "waiting for the build" in (tmp_path / "ingest.log").read_text(), 120, "the waiting line"
    )
    assert f"正在{terms.BUILD}" in (tmp_path / "ingest.log").read_text()  # 正在重新计算，等待其完成
    kill9(build)
    killed_at = time.monotonic()
    ingest.wait(timeout=120)
    log = (tmp_path / "ingest.log").read_text()
    assert ingest.returncode == 0 and "Traceback" not in log, log[-3000:]
    assert time.monotonic() - killed_at < 60, "the waiting ingest did not go on within a minute of the kill"
    assert "was interrupted" in log
    assert not orphaned_dbt(crashed), "the killed build's dbt process is still running"
    assert raw_tables(crashed) == clean
    rebuilt = run(crashed, "build", timeout=900)
    assert_sentence(rebuilt, 0, "dbt build passed")


HOLD = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); time.sleep(600)"


def test_read_commands_wait_for_a_writer_with_a_message(crashed, tmp_path):
    """A process holding the warehouse for writing (as dbt does during a build): `scores` says it waits, and
    either answers once the writer is done or, past the wait limit, says so in one sentence (exit 1)."""
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(crashed / "warehouse.duckdb")], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        impatient = run(crashed, "scores", "--month", "2021-01", timeout=120, ZHAOSHANG_LOCK_WAIT="1")
        assert_sentence(
            impatient, 1, "仓库正被", "等待", "waiting", "still in use by", "run this command again"
        )
        log = tmp_path / "patient.log"
        patient = start(crashed, "scores", "--month", "2021-01", log=log)
        wait_for(lambda: "waiting" in log.read_text() or patient.poll() is not None, 120, "the waiting line")
        holder.kill()  # the writer is done: the waiting command goes on and answers
        patient.wait(timeout=120)
        output = log.read_text()
        assert patient.returncode == 0 and "Traceback" not in output, output[-3000:]
        assert "等待" in output and "考核得分" in output, output[-3000:]
    finally:
        holder.kill()
        holder.wait(timeout=30)


def test_two_simultaneous_submits_one_wins_the_other_exits_5(crashed, tmp_path):
    procs = [start(crashed, "submit", "--month", "2021-01", log=tmp_path / f"submit{i}.log") for i in (1, 2)]
    for proc in procs:
        proc.wait(timeout=900)
    codes = sorted(p.returncode for p in procs)
    logs = [(tmp_path / f"submit{i}.log").read_text() for i in (1, 2)]
    assert codes == [0, 5], logs
    assert not any("Traceback" in log for log in logs)
    assert any("already submitted" in log for log in logs)
    assert sorted(p.name for p in (crashed / "submissions" / "2021-01").iterdir() if p.is_dir()) == ["v1"]
    assert_sentence(run(crashed, "verify", timeout=60), 0, "intact")


def test_altered_or_removed_frozen_files_are_reported_and_never_recreated(crashed, tmp_path):
    v1 = crashed / "submissions" / "2021-01" / "v1"
    csv = next(v1.glob("*.csv"))
    original = csv.read_bytes()
    csv.chmod(0o644)
    csv.write_bytes(original + "P03,协议引资额,999\n".encode())  # one figure slipped in
    try:
        assert_sentence(run(crashed, "verify", timeout=60), 6, csv.name, "altered")
        status = run(crashed, "status", timeout=60)
        assert_sentence(status, 0, csv.name, "altered")
    finally:
        csv.write_bytes(original)
    moved = tmp_path / "v1-moved-away"
    shutil.move(v1, moved)
    try:
        assert_sentence(run(crashed, "verify", timeout=60), 6, "missing")
        again = run(crashed, "submit", "--month", "2021-01", timeout=900)
        assert_sentence(again, 5, "already submitted")
        assert not v1.exists()
    finally:
        shutil.move(moved, v1)
    assert_sentence(run(crashed, "verify", timeout=60), 0, "intact")


@pytest.mark.parametrize("moment", ["gate", "freezing"])
def test_a_killed_submit_leaves_no_version_and_the_next_one_completes(crashed, clean, tmp_path, moment):
    month = crashed / "submissions" / "2021-01"
    before = sorted(p.name for p in month.iterdir() if p.is_dir() and not p.name.startswith("."))
    proc = start(
        crashed, "submit", "--month", "2021-01", "--resubmit", "--reason", "test", log=tmp_path / "s.log"
    )
    if moment == "gate":
        wait_for(lambda: (crashed / "gate" / "2021-01").exists() or proc.poll() is not None, 300, "the gate")
    else:
        wait_for(
            lambda: any(month.glob(".v*.tmp-*")) or proc.poll() is not None, 600, "the version being written"
        )
    kill9(proc)
    after = sorted(p.name for p in month.iterdir() if p.is_dir() and not p.name.startswith("."))
    assert after in (before, [*before, f"v{len(before) + 1}"])  # nothing, or the whole version
    assert_sentence(run(crashed, "status", timeout=60), 0, "报送记录")  # the next command: within a minute
    assert raw_tables(crashed) == clean
    done = run(crashed, "submit", "--month", "2021-01", "--resubmit", "--reason", "test", timeout=900)
    assert_sentence(done, 0, f"已{terms.SUBMIT} 2021-01", "submitted 2021-01")
    assert_sentence(run(crashed, "verify", timeout=60), 0, "intact")


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir(parents=True, exist_ok=True)
    if shutil.which("mount") is None:
        return False
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)]).returncode == 0


def test_a_full_disk_is_one_sentence_and_nothing_is_lost(tmp_path, inbox, clean):
    disk = tmp_path / "disk"
    if not _mount_tmpfs(disk, "96m"):
        pytest.skip("cannot mount a small tmpfs here (needs root): the full disk was not tested")
    try:
        home = disk / "home"
        shutil.copytree(inbox, disk / "inbox", ignore=shutil.ignore_patterns("2021-W05"))
        assert_sentence(run(home, "ingest", "--inbox", str(disk / "inbox"), timeout=300), 0)
        shutil.copytree(inbox / "2021-W05", disk / "inbox" / "2021-W05")
        filler = disk / "filler"
        with open(filler, "wb") as fh:
            try:
                while True:
                    fh.write(b"\0" * (1 << 20))
                    fh.flush()
            except OSError:
                pass
        full = run(home, "ingest", "--inbox", str(disk / "inbox"), timeout=300)
        assert_sentence(full, 1, "磁盘已满", "is full", "free some space")
        filler.unlink()
        assert_sentence(run(home, "ingest", "--inbox", str(disk / "inbox"), timeout=300), 0)
        assert raw_tables(home) == clean
    finally:
        subprocess.run(["umount", "-l", str(disk)])
