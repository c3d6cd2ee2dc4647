"""`zhaoshang ui`: `dagster dev` on this machine only, and every process it started stopped with it.

`dagster dev` runs the webserver, the daemon and code servers as children (some in their own sessions). On
SIGTERM or SIGINT (Ctrl+C) this command asks `dagster dev` to stop, then stops whatever it leaves behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil

from basics.home import PROJECT_ROOT, Home

GRACE_SECONDS = 5.0


class _Stop(Exception):
    def __init__(self, signum: int) -> None:
        self.signum = signum


def command(port: int) -> list[str]:
    dagster = str(Path(sys.executable).with_name("dagster"))
    return [dagster, "dev", "-m", "orchestration.definitions", "-h", "127.0.0.1", "-p", str(port)]


def _tree(root: psutil.Process) -> list[psutil.Process]:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def stop_tree(proc: subprocess.Popen, known: set[psutil.Process]) -> None:
    """SIGINT to `dagster dev` (its own clean shutdown), then SIGTERM and SIGKILL to any process left."""
    try:
        root = psutil.Process(proc.pid)
        known |= set(_tree(root))
    except psutil.NoSuchProcess:
        pass
    if proc.poll() is None:
        proc.send_signal(signal.SIGINT)
    for sig, wait in ((None, GRACE_SECONDS), (signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
        alive = [p for p in known if _alive(p)]
        if sig is not None:
            for p in alive:
                try:
                    p.send_signal(sig)
                except psutil.NoSuchProcess:
                    pass
        _, alive = psutil.wait_procs(alive, timeout=wait)
        if proc.poll() is None:
            try:
                proc.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                pass
        if not alive:
            break
    try:
        os.killpg(proc.pid, signal.SIGKILL)  # anything still in the session dagster dev led
    except (ProcessLookupError, PermissionError):
        pass
    proc.wait()


def run(home: Home, port: int) -> int:
    def interrupt(signum: int, _frame: object) -> None:
        raise _Stop(signum)

    print(
        f"Dagster 界面 / UI: http://127.0.0.1:{port}（{home.root}）；按 Ctrl+C 停止 / stop with Ctrl+C.",
        flush=True,
    )
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    # `dagster dev` re-parses the dbt project on load (DbtProject.prepare_if_dev): with the venv's dbt
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    proc = subprocess.Popen(
        command(port), cwd=PROJECT_ROOT, env={**os.environ, "PATH": path}, start_new_session=True
    )
    known: set[psutil.Process] = set()
    try:
        while proc.poll() is None:  # remember the children while they are attached, to stop them later
            try:
                known |= set(_tree(psutil.Process(proc.pid)))
            except psutil.NoSuchProcess:
                break
            time.sleep(1.0)
        stop_tree(proc, known)
        return proc.returncode or 0
    except (_Stop, KeyboardInterrupt) as stop:
        for sig in previous:  # a second signal must not interrupt the clean-up
            signal.signal(sig, signal.SIG_IGN)
        print("正在停止 Dagster 界面 / stopping the Dagster UI …", file=sys.stderr, flush=True)
        stop_tree(proc, known)
        return 128 + stop.signum if isinstance(stop, _Stop) else 130
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
