"""The Dagster webserver of `zhaoshang ui`, behind a guard against forged requests (CSRF, DNS rebinding).

Dagster's webserver executes a GraphQL mutation sent by a plain GET (`/graphql?query=mutation{…}`) or by a
form POST, and answers to any `Host`, so any web page the officer opens could start a run on the loopback UI.
Here Dagster's own ASGI app (`dagster_webserver`) is wrapped by `LoopbackGuard` and served by uvicorn; the
guard refuses with 403 and one sentence:

- a `Host` other than this machine's own name with the UI's port (a rebound DNS name is not one);
- a GraphQL GET whose query is anything but a plain query (a mutation or subscription, or not GraphQL at all);
- a request that may change something (any method but GET/HEAD/OPTIONS, and every websocket) whose `Origin`
  or `Sec-Fetch-Site` names another site, or — not for websockets — that is not `application/json`: the UI's
  own client always posts JSON, which a page of another site cannot send without a CORS preflight, and the
  webserver never grants one.

Run by `zhaoshang ui` as `python -m zhaoshang.ui_guard PORT WORKSPACE_YAML`; DAGSTER_HOME names the instance.
"""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

Scope = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[MutableMapping[str, Any]]]
Send = Callable[[MutableMapping[str, Any]], Awaitable[None]]
App = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "[::1]")
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SAME_ORIGIN_FETCH = frozenset({"same-origin", "none"})  # `none`: the officer typed the address

FOREIGN_HOST = (
    "拒绝：Dagster 界面只接受本机地址（localhost、127.0.0.1、[::1]）的请求 / "
    "refused: the Dagster UI answers only to this machine's own address."
)
GET_MUTATION = (
    "拒绝：不接受以 GET 发送的 GraphQL 变更，只有界面本身可以启动运行 / "
    "refused: a GraphQL mutation sent by GET; only the UI itself may start a run."
)
CROSS_SITE = (
    "拒绝：该请求不是 Dagster 界面本身发出的（疑似跨站请求伪造）/ "
    "refused: this request did not come from the Dagster UI itself (cross-site request forgery)."
)


def is_plain_query(source: str) -> bool:
    """True when `source` parses as GraphQL and defines only `query` operations."""
    from graphql import GraphQLError, OperationDefinitionNode, OperationType, parse

    try:
        document = parse(source, no_location=True)
    except (GraphQLError, RecursionError):
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    return bool(operations) and all(op.operation == OperationType.QUERY for op in operations)


class LoopbackGuard:
    """ASGI middleware: pass a request on only if it is addressed to loopback and could not be forged."""

    def __init__(self, app: App, port: int) -> None:
        self.app = app
        self.hosts = {f"{name}:{port}" for name in LOOPBACK_NAMES}
        if port == 80:  # a browser leaves the default port out of Host
            self.hosts |= set(LOOPBACK_NAMES)

    def refusal(self, scope: Scope) -> str | None:
        """The sentence to refuse this request with, or None to let it through."""
        headers: dict[str, list[str]] = {}
        for name, value in scope.get("headers", []):
            headers.setdefault(name.decode("latin-1").lower(), []).append(value.decode("latin-1"))
        hosts = headers.get("host", [])
        if len(hosts) != 1 or hosts[0].lower() not in self.hosts:
            return FOREIGN_HOST
        host = hosts[0].lower()
        method = scope.get("method", "GET").upper() if scope["type"] == "http" else "WEBSOCKET"
        if method in SAFE_METHODS:
            if scope["path"].rstrip("/").endswith("/graphql") and method != "OPTIONS":
                query = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("query", [])
                if not all(is_plain_query(q) for q in query):
                    return GET_MUTATION
            return None
        origins = headers.get("origin", [])
        if any(o.lower() != f"http://{host}" for o in origins):
            return CROSS_SITE
        if any(s.lower() not in SAME_ORIGIN_FETCH for s in headers.get("sec-fetch-site", [])):
            return CROSS_SITE
        if method == "WEBSOCKET":
            return None
        content_types = headers.get("content-type", [])
        if len(content_types) != 1 or content_types[0].split(";")[0].strip().lower() != "application/json":
            return CROSS_SITE
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        sentence = self.refusal(scope)
        if sentence is None:
            await self.app(scope, receive, send)
        elif scope["type"] == "websocket":
            await receive()  # websocket.connect; closing before accepting answers the handshake with 403
            await send({"type": "websocket.close", "code": 1008})
        else:
            body = (sentence + "\n").encode("utf-8")
            await send(
                {
                    "type": "http.response.start",
                    "status": 403,
                    "headers": [
                        (b"content-type", b"text/plain; charset=utf-8"),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})


def serve(port: int, workspace: Path) -> None:
    """Dagster's webserver app for `workspace` behind `LoopbackGuard` on 127.0.0.1:`port`, until stopped."""
    import uvicorn
    from dagster import DagsterInstance
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import WorkspaceFileTarget
    from dagster_webserver.app import create_app_from_workspace_process_context
    from dagster_webserver.version import __version__

    with DagsterInstance.get() as instance:
        # what `dagster-webserver` does with its defaults (statement timeout, pool recycle, overflow)
        instance.optimize_for_webserver(15000, 3600, 20)
        with WorkspaceProcessContext(
            instance,
            version=__version__,
            read_only=False,
            workspace_load_target=WorkspaceFileTarget(paths=[str(workspace)]),
        ) as context:
            app = create_app_from_workspace_process_context(context)
            uvicorn.run(
                LoopbackGuard(app, port),
                host="127.0.0.1",
                port=port,
                log_level="warning",
                timeout_graceful_shutdown=3,  # an open UI tab must not hold up Ctrl+C
            )


if __name__ == "__main__":
    serve(int(sys.argv[1]), Path(sys.argv[2]))
