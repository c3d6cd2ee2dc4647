"""`zhaoshang ui`: the real Dagster services on this machine only, configured to stay quiet, stopped whole,
and behind a guard that refuses forged requests (CSRF, DNS rebinding) while the UI's own buttons work."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psutil
import pytest
import yaml

from tests.conftest import PROJECT_ROOT, VENV_BIN

pytestmark = pytest.mark.slow  # minutes: the fast loop skips it

START_TIMEOUT = 180  # the code server loads the definitions (dbt manifest) first: slow on a busy machine
ARTEFACTS = PROJECT_ROOT / "tests" / "artefacts"  # pictures for a human to look at; ignored by git


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(port: int, proc: subprocess.Popen, timeout: float, path: str = "/server_info") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert proc.poll() is None, f"{proc.args} exited before serving"
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"the UI did not answer on port {port} within {timeout} s")


def descendants(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT])
def test_ui_stops_every_service_and_child_within_10_seconds(tmp_path: Path, stop_signal: int):
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
        # the code server (and the server it runs), the guarded webserver, the daemon
        assert all(n in names for n in ("code-server", "zhaoshang.ui_guard", "dagster-daemon")), names
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


# The guard in front of the webserver (forged requests), on one running UI ---------------------------------

LAUNCH = (  # the UI's launchpad mutation, arguments inline so that a GET or a form can carry it
    "mutation{launchPipelineExecution(executionParams:{selector:{repositoryLocationName:"
    '"orchestration.definitions",repositoryName:"__repository__",pipelineName:"templates_only"},'
    "runConfigData:{}}){__typename ... on LaunchRunSuccess{run{runId}}}}"
)


@dataclass
class UI:
    port: int
    home: Path
    proc: subprocess.Popen

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def run_ids(self) -> set[str]:
        """The runs in the UI's instance (its home's DAGSTER_HOME), read from the test's process."""
        import dagster as dg

        saved = os.environ.get("DAGSTER_HOME")
        os.environ["DAGSTER_HOME"] = str(self.home / "dagster")
        try:
            with dg.DagsterInstance.get() as instance:
                return {run.run_id for run in instance.get_runs()}
        finally:
            if saved is None:
                os.environ.pop("DAGSTER_HOME")
            else:
                os.environ["DAGSTER_HOME"] = saved

    def request(
        self, path: str, data: bytes | None = None, method: str | None = None, **headers: str
    ) -> tuple[int, str]:
        """Status and body of one request sent the way a browser or a script could send it."""
        names = {k.replace("_", "-").title(): v for k, v in headers.items()}
        request = urllib.request.Request(self.url + path, data=data, headers=names, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.read().decode("utf-8")
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode("utf-8")


@pytest.fixture(scope="module")
def ui(tmp_path_factory) -> Iterator[UI]:
    """One `zhaoshang ui` for every test of the guard; stopped (whole) at the end."""
    home = tmp_path_factory.mktemp("ui-home")
    port = free_port()
    env = {**os.environ}
    env.pop("ZHAOSHANG_HOME", None)
    proc = subprocess.Popen(
        [str(VENV_BIN / "zhaoshang"), "ui", "--port", str(port), "--home", str(home)],
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_until_serving(port, proc, START_TIMEOUT)
        yield UI(port, home, proc)
    finally:
        children = descendants(proc.pid) if proc.poll() is None else []
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        finally:
            for p in [*children, psutil.Process(proc.pid)] if proc.poll() is None else children:
                try:
                    p.kill()
                except psutil.NoSuchProcess:
                    pass
            proc.wait(timeout=10)


def assert_refused(status: int, body: str, *words: str) -> None:
    assert status == 403, body
    assert body.startswith("拒绝") and body.count("\n") == 1 and "refused" in body, body
    for word in words:
        assert word in body


def test_a_forged_get_mutation_is_refused_and_starts_no_run(ui: UI):
    before = ui.run_ids()
    assert_refused(*ui.request("/graphql?" + urlencode({"query": LAUNCH})), "GET")
    assert_refused(*ui.request("/graphql?" + urlencode({"query": LAUNCH}), accept="application/json"))
    assert ui.run_ids() == before


def test_a_foreign_host_is_refused_and_starts_no_run(ui: UI):
    """DNS rebinding: the attacker's name resolves to 127.0.0.1, the browser sends it as Host."""
    before = ui.run_ids()
    assert_refused(*ui.request("/server_info", host=f"attacker.example:{ui.port}"), "本机")
    assert_refused(*ui.request("/", host=f"attacker.example:{ui.port}"))
    body = json.dumps({"query": LAUNCH}).encode()
    rebound = {"host": f"attacker.example:{ui.port}", "origin": f"http://attacker.example:{ui.port}"}
    assert_refused(*ui.request("/graphql", body, content_type="application/json", **rebound))
    assert ui.run_ids() == before
    for host in (f"localhost:{ui.port}", f"127.0.0.1:{ui.port}"):
        assert ui.request("/server_info", host=host)[0] == 200


def test_a_cross_site_post_is_refused_and_starts_no_run(ui: UI):
    before = ui.run_ids()
    query = "/graphql?" + urlencode({"query": LAUNCH})
    form = urlencode({"query": LAUNCH}).encode()
    # a plain form of another site (the webserver reads the URL's query of a non-JSON POST)
    assert_refused(*ui.request(query, b"", method="POST"), "跨站")
    assert_refused(*ui.request(query, form, content_type="application/x-www-form-urlencoded"))
    assert_refused(*ui.request("/graphql", json.dumps({"query": LAUNCH}).encode(), content_type="text/plain"))
    # JSON, but from another site's page
    body = json.dumps({"query": LAUNCH}).encode()
    foreign = {"content_type": "application/json", "origin": "http://attacker.example"}
    assert_refused(*ui.request("/graphql", body, **foreign))
    assert_refused(
        *ui.request("/graphql", body, content_type="application/json", sec_fetch_site="cross-site")
    )
    assert ui.run_ids() == before


def test_a_websocket_from_another_site_is_refused(ui: UI):
    def handshake(origin: str) -> bytes:
        with socket.create_connection(("127.0.0.1", ui.port), timeout=30) as s:
            s.sendall(
                (
                    f"GET /graphql HTTP/1.1\r\nHost: 127.0.0.1:{ui.port}\r\nUpgrade: websocket\r\n"
                    "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: graphql-ws\r\n"
                    f"Origin: {origin}\r\n\r\n"
                ).encode()
            )
            return s.recv(200)

    assert handshake("http://attacker.example").startswith(b"HTTP/1.1 403")
    assert handshake(ui.url).startswith(b"HTTP/1.1 101")  # the UI's own subscriptions


def test_the_uis_own_request_launches_a_run(ui: UI):
    """The headers Chromium sends for the UI's GraphQL client (Apollo: POST, JSON) pass the guard."""
    before = ui.run_ids()
    status, body = ui.request(
        "/graphql?op=LaunchPipelineExecution",
        json.dumps({"query": LAUNCH}).encode(),
        content_type="application/json",
        accept="*/*",
        origin=ui.url,
        sec_fetch_site="same-origin",
        sec_fetch_mode="cors",
    )
    assert status == 200, body
    launched = json.loads(body)["data"]["launchPipelineExecution"]
    assert launched["__typename"] == "LaunchRunSuccess", body
    assert ui.run_ids() - before == {launched["run"]["runId"]}


def test_in_chromium_the_ui_renders_its_button_launches_a_run_and_another_sites_page_cannot(ui: UI, tmp_path):
    """The real UI in headless Chromium through the guard (its GraphQL posts and websocket), then a page of
    another origin that tries the forged GET, the form POST and a websocket."""
    from playwright import sync_api

    from bulletin.pdf import FLAGS, chromium

    attacker_port = free_port()
    page_html = f"""<!doctype html><html><body>
<form id="f" method="POST" action="{ui.url}/graphql?{urlencode({"query": LAUNCH})}">
<input name="query" value='{LAUNCH}'></form>
<script>
fetch("{ui.url}/graphql?{urlencode({"query": LAUNCH})}", {{mode: "no-cors"}});
fetch("{ui.url}/graphql", {{method: "POST", mode: "no-cors", headers: {{"content-type": "text/plain"}},
  body: JSON.stringify({{query: {json.dumps(LAUNCH)}}})}});
window.socket = new WebSocket("ws://127.0.0.1:{ui.port}/graphql", "graphql-ws");
window.socket.onerror = () => {{ document.title = "socket refused"; }};
</script></body></html>"""
    (tmp_path / "index.html").write_text(page_html, encoding="utf-8")
    attacker = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(attacker_port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    statuses: list[int] = []
    sockets: list[str] = []
    try:
        with sync_api.sync_playwright() as p:
            browser = p.chromium.launch(
                executable_path=chromium(), args=[f for f in FLAGS if f != "--headless"]
            )
            try:
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.on("response", lambda r: statuses.append(r.status) if r.url.startswith(ui.url) else None)
                page.on("websocket", lambda ws: sockets.append(ws.url))
                before = ui.run_ids()
                page.goto(
                    f"{ui.url}/locations/orchestration.definitions/jobs/templates_only/playground",
                    wait_until="load",
                    timeout=120_000,
                )
                button = page.get_by_role("button", name="Launch run")
                button.wait_for(timeout=120_000)
                button.click()
                page.wait_for_url("**/runs/*", timeout=120_000)
                run_id = page.url.rsplit("/", 1)[-1]
                page.get_by_text("templates_only").first.wait_for(timeout=60_000)
                page.screenshot(path=str(tmp_path / "ui_run_through_guard.png"))
                assert ui.run_ids() - before == {run_id}
                assert 403 not in statuses and sockets == [f"ws://127.0.0.1:{ui.port}/graphql"]

                before = ui.run_ids()
                wait_until_serving(attacker_port, attacker, 30, path="/index.html")
                page.goto(f"http://127.0.0.1:{attacker_port}/index.html", wait_until="load")
                page.wait_for_function("document.title === 'socket refused'", timeout=30_000)
                page.evaluate("document.getElementById('f').submit()")
                page.wait_for_url(f"{ui.url}/graphql*", timeout=30_000)
                assert page.inner_text("body").startswith("拒绝")
                time.sleep(2)  # the no-cors fetches had their answer long ago; a run would be listed by now
                assert ui.run_ids() == before
            finally:
                browser.close()
    finally:
        attacker.terminate()
        try:
            attacker.wait(timeout=10)
        except subprocess.TimeoutExpired:  # seen once in a full run, after every assertion had passed
            attacker.kill()
            attacker.wait(timeout=10)
    ARTEFACTS.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "ui_run_through_guard.png", ARTEFACTS)
