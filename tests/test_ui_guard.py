"""The guard in front of the Dagster UI, request by request (the real UI: tests/orchestration/test_ui.py)."""

from __future__ import annotations

import asyncio
from urllib.parse import quote

import pytest

from zhaoshang.ui_guard import CROSS_SITE, FOREIGN_HOST, GET_MUTATION, LoopbackGuard, is_plain_query

PORT = 3000
UI = f"http://127.0.0.1:{PORT}"
LAUNCH = 'mutation{launchPipelineExecution(executionParams:{selector:{pipelineName:"x"}}){__typename}}'


def scope(
    method: str = "GET",
    path: str = "/graphql",
    query: str = "",
    kind: str = "http",
    host: str | None = f"127.0.0.1:{PORT}",
    **headers: str,
) -> dict:
    pairs = ([("host", host)] if host is not None else []) + [
        (name.replace("_", "-"), value) for name, value in headers.items()
    ]
    return {
        "type": kind,
        "method": method,
        "path": path,
        "query_string": query.encode(),
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in pairs],
    }


def refusal(s: dict) -> str | None:
    return LoopbackGuard(lambda *_: None, PORT).refusal(s)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "host", [f"127.0.0.1:{PORT}", f"localhost:{PORT}", f"[::1]:{PORT}", f"LOCALHOST:{PORT}"]
)
def test_this_machines_own_names_with_the_port_pass(host):
    assert refusal(scope(path="/server_info", host=host)) is None


@pytest.mark.parametrize(
    "host",
    [
        f"attacker.example:{PORT}",  # DNS rebinding: the attacker's name now resolves to 127.0.0.1
        "attacker.example",
        "127.0.0.1",  # a browser puts the port in Host unless it is 80
        f"127.0.0.1:{PORT + 1}",
        f"127.0.0.1.attacker.example:{PORT}",
        f"localhost:{PORT}.attacker.example",
        "",
        None,
    ],
)
def test_any_other_host_is_refused(host):
    assert refusal(scope(path="/server_info", host=host)) == FOREIGN_HOST


def test_two_host_headers_are_refused():
    s = scope(path="/server_info")
    s["headers"].append((b"host", b"attacker.example"))
    assert refusal(s) == FOREIGN_HOST


@pytest.mark.parametrize(
    "query",
    [
        LAUNCH,
        "mutation  { logTelemetry }",
        'subscription { pipelineRunLogs(runId: "x") { __typename } }',
        "query A { version } mutation B { x }",  # an operationName could pick B
        "{ version",  # not GraphQL
        "{" * 20000,  # deep nesting is not a crash
    ],
)
def test_a_graphql_get_that_is_not_a_plain_query_is_refused(query):
    assert refusal(scope(query="query=" + quote(query))) == GET_MUTATION
    assert refusal(scope(method="HEAD", query="query=" + quote(query))) == GET_MUTATION
    assert refusal(scope(path="/graphql/", query="query=" + quote(query))) == GET_MUTATION
    assert refusal(scope(query=f"query={quote('{version}')}&query={quote(query)}")) == GET_MUTATION


def test_a_graphql_get_query_and_the_graphiql_page_pass():
    assert refusal(scope(query="query=" + quote("query V { version }"))) is None
    assert refusal(scope(query="query=" + quote("{ version }"))) is None
    assert refusal(scope(accept="text/html")) is None
    assert is_plain_query("{ a } query B { b }") and not is_plain_query("")


def test_the_uis_own_post_passes():
    """What Chromium sends for the UI's Apollo client (checked against the real UI in tests/orchestration)."""
    assert (
        refusal(
            scope(
                "POST",
                query="op=LaunchPipelineExecution",
                content_type="application/json",
                accept="*/*",
                origin=UI,
                sec_fetch_site="same-origin",
                sec_fetch_mode="cors",
            )
        )
        is None
    )
    # a script on this machine (no Origin, no Sec-Fetch-Site) that posts JSON is no browser's forgery
    assert refusal(scope("POST", content_type="application/json; charset=utf-8")) is None


@pytest.mark.parametrize(
    "headers",
    [
        {},  # a plain cross-site form leaves the content type to the browser
        {"content_type": "application/x-www-form-urlencoded"},
        {"content_type": "text/plain"},  # the JSON-in-a-form trick
        {"content_type": "multipart/form-data; boundary=x"},
        {"content_type": "application/graphql"},
        {"content_type": "application/json", "origin": "http://attacker.example"},
        {"content_type": "application/json", "origin": "null"},  # a sandboxed frame or a file:// page
        {
            "content_type": "application/json",
            "origin": f"http://127.0.0.1:{PORT + 1}",
        },  # same site, not origin
        {"content_type": "application/json", "origin": f"https://127.0.0.1:{PORT}"},
        {"content_type": "application/json", "sec_fetch_site": "cross-site"},
        {"content_type": "application/json", "sec_fetch_site": "same-site"},
        {"content_type": "application/json", "origin": UI, "sec_fetch_site": "cross-site"},
    ],
)
@pytest.mark.parametrize("path", ["/graphql", "/report_asset_materialization/weekly_reports"])
def test_a_write_without_the_uis_marks_is_refused(headers, path):
    assert refusal(scope("POST", path=path, query="query=" + quote(LAUNCH), **headers)) == CROSS_SITE
    assert refusal(scope("PUT", path=path, **headers)) == CROSS_SITE


def test_a_websocket_from_another_site_is_refused_and_the_uis_own_passes():
    assert refusal(scope(kind="websocket", origin="http://attacker.example")) == CROSS_SITE
    assert refusal(scope(kind="websocket", origin=UI, sec_fetch_site="cross-site")) == CROSS_SITE
    assert refusal(scope(kind="websocket", host=f"attacker.example:{PORT}", origin=UI)) == FOREIGN_HOST
    assert refusal(scope(kind="websocket", origin=UI, sec_fetch_site="same-origin")) is None


def test_a_refusal_is_a_403_with_one_chinese_first_line_and_never_reaches_dagster():
    reached: list[dict] = []

    async def dagster(s, receive, send) -> None:
        reached.append(s)

    sent: list[dict] = []

    async def send(message: dict) -> None:
        sent.append(message)

    async def receive() -> dict:
        return {"type": "websocket.connect"}

    guard = LoopbackGuard(dagster, PORT)
    asyncio.run(guard(scope(query="query=" + quote(LAUNCH)), receive, send))
    assert sent[0]["status"] == 403 and not reached
    body = sent[1]["body"].decode("utf-8")
    assert body == GET_MUTATION + "\n" and body.startswith("拒绝") and "refused" in body
    sent.clear()
    asyncio.run(guard(scope(kind="websocket", origin="http://attacker.example"), receive, send))
    assert sent == [{"type": "websocket.close", "code": 1008}] and not reached
    asyncio.run(guard(scope(path="/server_info"), receive, send))
    asyncio.run(guard({"type": "lifespan"}, receive, send))
    assert [s["type"] for s in reached] == ["http", "lifespan"]


def test_a_port_in_use_is_one_sentence_before_anything_starts(tmp_path):
    import socket

    from basics.errors import UserError
    from basics.home import Home
    from zhaoshang.commands import ui

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(UserError, match=f"端口 {port} 已被占用.*port {port} is already in use"):
            ui.run(Home.resolve(tmp_path), port)
