"""`zhaoshang ui`: a real `dagster dev` on this machine only, configured to stay quiet, and stopped whole."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import psutil
import pytest
import yaml

from tests.conftest import PROJECT_ROOT, VENV_BIN

pytestmark = pytest.mark.slow  # minutes: the fast loop skips it

START_TIMEOUT = (
    180  # dagster dev loads the definitions (dbt manifest) in a code server: slow on a busy machine
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(port: int, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, "zhaoshang ui exited before serving"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"the UI did not answer on port {port} within {timeout} s")


def descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_ui_stops_dagster_dev_and_every_child_within_10_seconds(tmp_path: Path, stop_signal: int):
    port = free_port()
    env = {**os.environ}
    env.pop("ZHAOSHANG_HOME", None)
    proc = subprocess.Popen(
        [str(VENV_BIN / "zhaoshang"), "ui", "--port", str(port), "--home", str(tmp_path)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    children: list[psutil.Process] = []
    try:
        wait_until_serving(port, proc, START_TIMEOUT)
        time.sleep(3)  # let the daemon start its code server too
        children = descendants(proc.pid)
        names = " ".join(" ".join(p.cmdline()) for p in children)
        assert "dagster" in names and len(children) >= 3, names  # dagster dev, webserver, daemon, ...
        proc.send_signal(stop_signal)
        stopped_at = time.monotonic()
        proc.wait(timeout=10)
        gone, alive = psutil.wait_procs(children, timeout=max(0.1, 10 - (time.monotonic() - stopped_at)))
        assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE], [p.cmdline() for p in alive]
        assert time.monotonic() - stopped_at <= 10
    finally:
        for p in [*children, psutil.Process(proc.pid)] if proc.poll() is None else children:
            try:
                p.kill()
            except psutil.NoSuchProcess:
                pass
        proc.wait(timeout=10)
    output = proc.stdout.read() if proc.stdout else ""
    assert "Dagster 界面" in output
    with pytest.raises(OSError):  # nothing listens any more
        urllib.request.urlopen(f"http://127.0.0.1:{port}/server_info", timeout=2)
    config = yaml.safe_load((tmp_path / "dagster" / "dagster.yaml").read_text("utf-8"))
    assert config["telemetry"] == {"enabled": False} and config["nux"] == {"enabled": False}
