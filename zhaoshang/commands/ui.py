"""`zhaoshang ui`: the Dagster UI on this machine only, behind a guard against forged requests, stopped whole.

The services `dagster dev` would run are started here as children, each in its own session: one code server
(`dagster code-server start`, which loads `orchestration.definitions`), the webserver (`zhaoshang.ui_guard`:
Dagster's own webserver behind `LoopbackGuard`, since `dagster dev` cannot wrap it) and the daemon
(`dagster-daemon run`: schedules, sensors, run monitoring); the last two reach the code server through a
workspace file. Their log lines reach the terminal through this process, without colours and with control
characters escaped. On SIGTERM or SIGINT (Ctrl+C), or when one service stops by itself, every service is
asked to stop, then whatever is left is stopped.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import IO

import psutil
import yaml

from basics.errors import UserError
from basics.home import Home

GRACE_SECONDS = 5.0
LOCATION = "orchestration.definitions"  # the code location's name under `dagster dev` too (run history)
COLOURS = re.compile(r"\x1b\[[0-9;]*m")  # the services' coloured log format; any other escape is shown


class _Stop(Exception):
    def __init__(self, signum: int) -> None:
        self.signum = signum


def services(port: int, code_socket: Path, workspace: Path) -> dict[str, list[str]]:
    """The command line of each service, by the name the officer is told when one stops."""
    bin_dir = Path(sys.executable).parent
    return {
        "code server": [
            str(bin_dir / "dagster"),
            *("code-server", "start", "-m", LOCATION, "--location-name", LOCATION),
            *("--socket", str(code_socket), "--log-level", "warning"),
        ],
        "webserver": [sys.executable, "-m", "zhaoshang.ui_guard", str(port), str(workspace)],
        "daemon": [str(bin_dir / "dagster-daemon"), "run", "-w", str(workspace), "--log-level", "info"],
    }


def workspace_yaml(code_socket: Path) -> str:
    return yaml.safe_dump(
        {"load_from": [{"grpc_server": {"socket": str(code_socket), "location_name": LOCATION}}]}
    )


def _port_free(port: int) -> bool:
    with socket.socket() as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn: closed connections do not count
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _serving(code_socket: Path) -> bool:
    """Is the code server listening (it binds its socket only once the definitions are loaded)?"""
    if not code_socket.exists():
        return False
    with socket.socket(socket.AF_UNIX) as s:
        try:
            s.connect(str(code_socket))
        except OSError:
            return False
    return True


def _pump(source: IO[bytes]) -> None:
    """Copy a service's log lines to stderr (escaped by the CLI's terminal-safe stream), colours removed."""
    for raw in iter(source.readline, b""):
        print(COLOURS.sub("", raw.decode("utf-8", "replace").rstrip("\n")), file=sys.stderr, flush=True)
    source.close()


def _tree(root: psutil.Process) -> list[psutil.Process]:
    try:
        return [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def _remember(procs: list[subprocess.Popen], known: set[psutil.Process]) -> None:
    """Add every process the services started (while still attached to them), to stop them later."""
    for proc in procs:
        try:
            known |= set(_tree(psutil.Process(proc.pid)))
        except psutil.NoSuchProcess:
            pass


def _alive(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def stop_all(procs: list[subprocess.Popen], known: set[psutil.Process]) -> None:
    """SIGINT to every service (their own clean shutdown), then SIGTERM and SIGKILL to any process left."""
    _remember(procs, known)
    for proc in procs:
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
        for proc in procs:
            try:
                proc.wait(timeout=0.1)
            except subprocess.TimeoutExpired:
                pass
        if not alive:
            break
    for proc in procs:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything still in the session the service led
        except (ProcessLookupError, PermissionError):
            pass
        proc.wait()


def run(home: Home, port: int) -> int:
    if not _port_free(port):
        raise UserError(
            f"端口 {port} 已被占用 / port {port} is already in use.",
            "请换一个 --port / choose another --port.",
        )

    def interrupt(signum: int, _frame: object) -> None:
        raise _Stop(signum)

    print(
        f"Dagster 界面 / UI: http://127.0.0.1:{port}（{home.root}）；按 Ctrl+C 停止 / stop with Ctrl+C.",
        flush=True,
    )
    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGINT)}
    # the code server re-parses the dbt project on load (DbtProject.prepare_if_dev, as under `dagster dev`)
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    env = {**os.environ, "PATH": path, "DAGSTER_IS_DEV_CLI": "1"}
    procs: list[subprocess.Popen] = []
    known: set[psutil.Process] = set()
    pumps: list[threading.Thread] = []

    def start(command: list[str]) -> None:
        proc = subprocess.Popen(
            command,
            cwd=home.root,  # the modules load from the installed package, not the working folder
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        procs.append(proc)
        assert proc.stdout is not None
        pumps.append(threading.Thread(target=_pump, args=(proc.stdout,), daemon=True))
        pumps[-1].start()

    def watch(until: float | None = None) -> int | None:
        """Remember the services' processes while all run; the index of the first that stopped, if one did."""
        while until is None or time.monotonic() < until:
            for i, proc in enumerate(procs):
                if proc.poll() is not None:
                    return i
            _remember(procs, known)
            time.sleep(0.2 if until else 1.0)
        return None

    with tempfile.TemporaryDirectory(prefix="zhaoshang-ui-") as tmp:
        code_socket, workspace = Path(tmp) / "code.sock", Path(tmp) / "workspace.yaml"
        workspace.write_text(workspace_yaml(code_socket), encoding="utf-8")
        commands = services(port, code_socket, workspace)
        names = list(commands)
        try:
            start(commands["code server"])
            stopped = None
            while stopped is None and not _serving(code_socket):
                stopped = watch(until=time.monotonic() + 0.5)
            if stopped is None:
                start(commands["webserver"])
                start(commands["daemon"])
                stopped = watch()
            code = procs[stopped].returncode
            stop_all(procs, known)
            print(
                f"Dagster 界面的服务 {names[stopped]} 已自行停止（退出码 {code}），其余服务也已停止 / "
                f"the UI's {names[stopped]} stopped by itself (exit {code}); the other services stopped too.",
                file=sys.stderr,
                flush=True,
            )
            return 1
        except (_Stop, KeyboardInterrupt) as stop:
            for sig in previous:  # a second signal must not interrupt the clean-up
                signal.signal(sig, signal.SIG_IGN)
            print("正在停止 Dagster 界面 / stopping the Dagster UI …", file=sys.stderr, flush=True)
            stop_all(procs, known)
            return 128 + stop.signum if isinstance(stop, _Stop) else 130
        finally:
            for pump in pumps:
                pump.join(timeout=1.0)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
