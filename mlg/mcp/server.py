"""`build_server`: the lifecycle graph as a Model Context Protocol server (the `mcp` SDK)."""

from __future__ import annotations

import os

from mcp.server import MCPServer

import mlg
from mlg.mcp.access import GraphAccess
from mlg.mcp.resources import register_resources
from mlg.mcp.tools import register_tools

INSTRUCTIONS = """\
mlg is a Model Lifecycle Graph: datasets, features, models, evaluations, workflows,
production services and experiments are assets (named by id, e.g.
dataset:raw.playback_events); every edge points from the dependent asset to what it
depends on. Upstream = what an asset is built from; downstream = what depends on it.
Use search to find ids, show for one asset, lineage for everything around it, impact
for what a change breaks and whom to tell, path for how two assets connect, uses for
consumers, report for reuse and governance, runs for a workflow's runs, query for
read-only Cypher. Every answer is bounded by `limit` and says `truncated` (with the
reason) when it was cut. The resource mlg://schema lists kinds and relation types."""


def build_server(db: str | os.PathLike[str] | None = None, write: bool = False) -> MCPServer:
    """An MCP server over the graph at `db` (else $MLG_DB, else the user data dir).

    Read-only unless `write`: then it also offers `ingest`. The graph is opened for
    each call and closed after it (mlg.mcp.access), so other processes can write
    between calls.
    """
    access = GraphAccess(db, writable=write)
    server = MCPServer(
        "mlg",
        title="mlg — Model Lifecycle Graph",
        instructions=INSTRUCTIONS,
        version=mlg.__version__,
        log_level="WARNING",
    )
    register_tools(server, access)
    register_resources(server, access)
    return server
