"""`mlg mcp --http`: streamable HTTP on 127.0.0.1, with `mlg serve-lineage`'s key rules.

- The key comes from `--api-key` / `$MLG_API_KEY`; when set, every request must carry
  `Authorization: Bearer KEY` (compared in constant time), else 401.
- Listening beyond the loopback interface without a key is refused at start.
- A request with an `Origin` header comes from a browser page (a site the user visits
  could otherwise drive the server, DNS rebinding included): refused with 403 unless
  that origin was allowed with `--allow-origin`.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from mlg.errors import MlgError
from mlg.http_guard import bearer_matches, is_loopback

if TYPE_CHECKING:
    from mcp.server import MCPServer

MCP_PATH = "/mcp"

ASGIApp = Callable[..., Any]


def check_bind(host: str, api_key: str | None) -> None:
    """Refuse to listen beyond loopback without a key."""
    if not api_key and not is_loopback(host):
        raise MlgError(
            f"refusing to listen on {host} without an API key: anyone who can reach it could "
            "read the graph. Set $MLG_API_KEY (or --api-key), or keep the default 127.0.0.1"
        )


class RequestGuard:
    """ASGI middleware in front of the MCP app: the API key and the Origin rule."""

    def __init__(self, app: ASGIApp, api_key: str | None, allowed_origins: Sequence[str] = ()):
        self.app = app
        self.api_key = api_key or None
        self.allowed_origins = {o.rstrip("/") for o in allowed_origins}

    async def __call__(self, scope: dict[str, Any], receive: Callable, send: Callable) -> None:
        if scope["type"] != "http":  # lifespan: starts and stops the SDK's session manager
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", ())}
        origin = headers.get("origin")
        if origin is not None and origin.rstrip("/") not in self.allowed_origins:
            await _refuse(
                send,
                403,
                f"requests from browser pages are refused (Origin {origin!r}); "
                "allow an origin with `mlg mcp --http --allow-origin ORIGIN`",
            )
            return
        if self.api_key is not None and not self._authorised(headers.get("authorization", "")):
            await _refuse(send, 401, "missing or wrong API key (Authorization: Bearer KEY)")
            return
        await self.app(scope, receive, send)

    def _authorised(self, given: str) -> bool:
        return bearer_matches(given, self.api_key)


async def _refuse(send: Callable, status: int, message: str) -> None:
    body = json.dumps({"error": message}).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="mlg"'))
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def http_app(
    server: MCPServer, host: str, api_key: str | None, allowed_origins: Sequence[str] = ()
) -> ASGIApp:
    """The SDK's streamable HTTP app at /mcp, behind the key and Origin rules."""
    from mcp.server.transport_security import TransportSecuritySettings

    if is_loopback(host):
        # The SDK's own DNS-rebinding check: only loopback Host headers.
        security = TransportSecuritySettings(
            enable_dns_rebinding_protection=True,
            allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
            allowed_origins=list(allowed_origins),
        )
    else:  # reached by a name mlg cannot know; the key (required there) guards it
        security = TransportSecuritySettings(enable_dns_rebinding_protection=False)
    app = server.streamable_http_app(streamable_http_path=MCP_PATH, transport_security=security, host=host)
    return RequestGuard(app, api_key, allowed_origins)


def serve_http(
    server: MCPServer,
    host: str = "127.0.0.1",
    port: int = 8765,
    api_key: str | None = None,
    allowed_origins: Sequence[str] = (),
    announce: Callable[[str], None] = print,
) -> None:
    """Listen until SIGINT or SIGTERM. Port 0 takes any free port; the URL is announced
    once the socket listens."""
    import anyio
    import uvicorn

    check_bind(host, api_key)
    app = http_app(server, host, api_key, allowed_origins)
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        raise MlgError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    sock.listen(128)
    bound = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if family == socket.AF_INET6 else host
    announce(
        f"mlg mcp: listening on http://{shown}:{bound}{MCP_PATH}" + (" (API key required)" if api_key else "")
    )
    config = uvicorn.Config(app, log_level="warning", lifespan="on")
    try:
        anyio.run(lambda: uvicorn.Server(config).serve(sockets=[sock]))
    finally:
        sock.close()
