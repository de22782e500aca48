"""`falkordb://[user:password@]HOST:PORT/GRAPH[?tls=true]`: where a FalkorDB graph is.

`falkordbs://` is the same with TLS. The password comes from the URL, else from
`$MLG_FALKORDB_PASSWORD`; it never appears in `Target.location` (what messages show).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from mlg.errors import GraphError

PASSWORD_VAR = "MLG_FALKORDB_PASSWORD"
SCHEMES = ("falkordb", "falkordbs")
DEFAULT_PORT = 6379
_GRAPH_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,200}$")
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


@dataclass(frozen=True)
class Target:
    """A parsed FalkorDB URL."""

    host: str
    port: int
    graph: str
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    tls: bool = False
    tls_verify: bool = True
    ca_file: str | None = None

    @property
    def location(self) -> str:
        """The URL as messages show it: no password."""
        scheme = "falkordbs" if self.tls else "falkordb"
        user = f"{self.username}@" if self.username else ""
        return f"{scheme}://{user}{self.host}:{self.port}/{self.graph}"


def parse_target(url: str) -> Target:
    """The parts of a FalkorDB URL, or GraphError naming what is wrong with it."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SCHEMES:
        raise GraphError(f"not a FalkorDB URL: {url.split('@')[-1]!r} (expected falkordb://HOST:PORT/GRAPH)")
    shown = f"{scheme}://{parts.hostname or ''}"
    if not parts.hostname:
        raise GraphError(f"the FalkorDB URL {shown}... has no host (expected falkordb://HOST:PORT/GRAPH)")
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError:
        raise GraphError(f"the FalkorDB URL {shown}... has a bad port (expected a number)") from None
    graph = unquote(parts.path.lstrip("/"))
    if not graph:
        raise GraphError(
            f"the FalkorDB URL {shown}:{port} names no graph (expected falkordb://HOST:PORT/GRAPH)"
        )
    if not _GRAPH_NAME.match(graph):
        raise GraphError(
            f"graph name {graph!r} in {shown}:{port}/... is not allowed "
            "(letters, digits, '_', '-', '.', ':'; at most 200)"
        )
    query = {k.lower(): v[-1] for k, v in parse_qs(parts.query).items()}
    unknown = sorted(set(query) - {"tls", "tls_verify", "ca_file"})
    if unknown:
        raise GraphError(f"unknown option {unknown[0]!r} in the FalkorDB URL {shown}:{port}/{graph}")
    tls = scheme == "falkordbs" or _flag(query, "tls", False, shown)
    password = unquote(parts.password) if parts.password else os.environ.get(PASSWORD_VAR) or None
    return Target(
        host=parts.hostname,
        port=port,
        graph=graph,
        username=unquote(parts.username) if parts.username else None,
        password=password,
        tls=tls,
        tls_verify=_flag(query, "tls_verify", True, shown),
        ca_file=query.get("ca_file"),
    )


def _flag(query: dict[str, str], name: str, default: bool, shown: str) -> bool:
    value = query.get(name)
    if value is None:
        return default
    if value.lower() in _TRUE:
        return True
    if value.lower() in _FALSE:
        return False
    raise GraphError(f"option {name}={value!r} in {shown}... must be true or false")
