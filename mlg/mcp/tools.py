"""The MCP tools: each one call of `mlg.Graph`, with the same name and arguments.

Every tool answers one JSON object (as text, and as structured content), shaped by
mlg.mcp.answers: bounded by `limit`, `truncated` with its reason when cut, assets
named by id. mlg's own errors (unknown or ambiguous asset, bad Cypher, a write on a
read-only server) come back as tool errors carrying mlg's message; the SDK turns
anything else into a tool error naming only the tool.

No `from __future__ import annotations` here: the SDK builds each tool's input
schema from its annotations, which must be real objects.
"""

import json
from collections.abc import Callable
from typing import Annotated, Any, Literal

from mcp.server import MCPServer
from mcp_types import CallToolResult, TextContent, ToolAnnotations
from pydantic import Field

from mlg.errors import MlgError
from mlg.lineage import MAX_DEPTH
from mlg.mcp import answers
from mlg.mcp.access import GraphAccess
from mlg.schema import ASSET_COLUMNS, KINDS, OWNER_COLUMNS, RELATION_PROPERTIES, RELATION_TYPES

MAX_LIMIT = 1_000

AssetRef = Annotated[
    str,
    Field(
        description="An asset id (e.g. dataset:raw.playback_events), or a name matching exactly one asset."
    ),
]
Kind = Literal[KINDS]  # type: ignore[valid-type]
RelationType = Literal[RELATION_TYPES]  # type: ignore[valid-type]


def _names(columns) -> str:
    return ", ".join(name for name, _ in columns)


# From mlg.schema, so the description cannot drift from the tables the graph was made with.
QUERY_TABLES = (
    "One read-only Cypher statement, in the graph's own dialect (Kuzu's for a graph file, "
    f"FalkorDB's on a server). Nodes: Asset({_names(ASSET_COLUMNS)}), "
    f"Owner({_names(OWNER_COLUMNS)}). Relationships: DEPENDS_ON({_names(RELATION_PROPERTIES)}) "
    "from the dependent asset to what it depends on (its property `source` is who asserted "
    "it), OWNED_BY(role) from Asset to Owner. Asset rows include retired assets (alive ones "
    "have valid_to at 9999-12-31, retired ones earlier); DEPENDS_ON holds today's edges, retired ones are "
    "RETIRED_DEPENDS_ON."
)


def _limit(what: str) -> Any:
    """A `limit` argument: at most this many `what`."""
    return Annotated[
        int, Field(ge=1, le=MAX_LIMIT, description=f"At most this many {what} (the answer says when cut).")
    ]


SearchLimit = _limit("hits")
ListLimit = _limit("items per list")
RunsLimit = _limit("runs")
RowsLimit = _limit("rows")

_READ = ToolAnnotations(
    read_only_hint=True, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)
_WRITE = ToolAnnotations(
    read_only_hint=False, destructive_hint=False, idempotent_hint=True, open_world_hint=False
)


def answer(build: Callable[[], dict[str, Any]]) -> CallToolResult:
    """Run one tool's work: its answer as JSON text and structured content, or mlg's
    error message as a tool error (never a traceback)."""
    try:
        result = build()
    except MlgError as exc:
        return CallToolResult(content=[TextContent(type="text", text=str(exc))], is_error=True)
    text = json.dumps(result, ensure_ascii=False, default=str)
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=result)


def register_tools(server: MCPServer, access: GraphAccess) -> None:
    """Add the read tools to `server`, and `ingest` when `access` is writable."""

    @server.tool(annotations=_READ)
    def search(
        text: Annotated[
            str, Field(description="What to look for: id, name, words of a description, tag.")
        ] = "",
        kind: Annotated[Kind | None, Field(description="Only assets of this kind.")] = None,
        owner: Annotated[str | None, Field(description="Only assets this owner (id or name) owns.")] = None,
        tag: Annotated[str | None, Field(description="Only assets with this tag.")] = None,
        domain: Annotated[str | None, Field(description="Only assets of this domain.")] = None,
        limit: SearchLimit = 20,
    ) -> CallToolResult:
        """Find assets by id, name, description or tag, best first (match: exact, prefix,
        text, contains). Without text, lists the assets the filters keep."""

        def run() -> dict[str, Any]:
            if not text.strip() and not (kind or owner or tag or domain):
                raise MlgError(
                    "give text to search for, or a filter (kind, owner, tag, domain) to list assets"
                )
            with access.reading() as graph:
                hits = graph.search(text, kind=kind, owner=owner, tag=tag, domain=domain, limit=limit + 1)
            return answers.search_answer(text, hits, limit)

        return answer(run)

    @server.tool(annotations=_READ)
    def show(asset: AssetRef, limit: ListLimit = 50) -> CallToolResult:
        """Everything about one asset: fields, tags, owners, other versions, and its direct
        upstream (what it depends on) and downstream (what depends on it)."""

        def run() -> dict[str, Any]:
            with access.reading() as graph:
                return answers.detail_answer(graph.detail(asset), limit)

        return answer(run)

    @server.tool(annotations=_READ)
    def lineage(
        asset: AssetRef,
        direction: Annotated[
            Literal["up", "down", "both"],
            Field(description="up: what it depends on (where it came from); down: what depends on it."),
        ] = "both",
        depth: Annotated[
            int | None, Field(ge=1, le=MAX_DEPTH, description="Stop after this many hops (default: all).")
        ] = None,
        kinds: Annotated[
            list[Kind] | None,
            Field(description="Keep only assets of these kinds; hops through others become indirect edges."),
        ] = None,
        types: Annotated[
            list[RelationType] | None, Field(description="Follow only these relation types.")
        ] = None,
        limit: Annotated[
            int, Field(ge=1, le=MAX_LIMIT, description="At most this many assets, nearest first (max_nodes).")
        ] = 100,
    ) -> CallToolResult:
        """Everything upstream and/or downstream of an asset: assets with their distance and
        owners, and the edges among them (source depends on target)."""

        def run() -> dict[str, Any]:
            with access.reading() as graph:
                sub = graph.lineage(asset, direction, depth=depth, kinds=kinds, types=types, max_nodes=limit)
            return answers.lineage_answer(sub, direction, limit)

        return answer(run)

    @server.tool(annotations=_READ)
    def impact(
        asset: AssetRef,
        limit: ListLimit = 50,
        with_paths: Annotated[
            bool, Field(description="Spell out the full path to every service and experiment.")
        ] = False,
    ) -> CallToolResult:
        """What a change to an asset affects: the production services and experiments it
        reaches (each with the asset it is reached through), the teams and people to notify
        (most affected first), counts by kind, and the nearest other affected assets."""

        def run() -> dict[str, Any]:
            with access.reading() as graph:
                return answers.impact_answer(graph.impact(asset), limit, with_paths)

        return answer(run)

    @server.tool(annotations=_READ)
    def path(
        source: AssetRef,
        target: AssetRef,
        max_paths: Annotated[int, Field(ge=1, le=100, description="At most this many shortest paths.")] = 3,
    ) -> CallToolResult:
        """How two assets are connected: the shortest dependency path(s) from source to
        target. Arrows point from the dependent to what it depends on:
        `a -trained_on-> b` means a depends on b; direction "up" means source depends on target."""

        def run() -> dict[str, Any]:
            with access.reading() as graph:
                return answers.path_answer(graph.path_between(source, target, max_paths))

        return answer(run)

    @server.tool(annotations=_READ)
    def uses(asset: AssetRef, limit: ListLimit = 50) -> CallToolResult:
        """Who uses an asset: its direct consumers (with the relation and their owners) and
        everything downstream counted by kind."""

        def run() -> dict[str, Any]:
            with access.reading() as graph:
                return answers.consumers_answer(graph.consumers(asset), limit)

        return answer(run)

    @server.tool(annotations=_READ)
    def report(
        top: Annotated[
            int, Field(ge=1, le=MAX_LIMIT, description="How many datasets and features to rank.")
        ] = 10,
        limit: ListLimit = 20,
    ) -> CallToolResult:
        """Reuse and governance across the estate: the most reused datasets and features,
        assets without an owner, deprecated assets still feeding services or tier-1 models."""

        def run() -> dict[str, Any]:
            with access.reading() as graph:
                return answers.report_answer(graph.reuse_report(top=top), limit)

        return answer(run)

    @server.tool(annotations=_READ)
    def runs(
        workflow: Annotated[str, Field(description="A workflow's id, or a name matching exactly one asset.")],
        limit: RunsLimit = 10,
    ) -> CallToolResult:
        """The latest runs of a workflow (from OpenLineage events), newest first: state,
        times, error, and the assets each run read and wrote."""

        def run() -> dict[str, Any]:
            with access.reading() as graph:
                found = graph.resolve(workflow)
                if found.kind != "workflow":
                    raise MlgError(f"{found.id} is a {found.kind}; runs belong to workflows")
                return answers.runs_answer(found, graph.runs(found.id, limit=limit + 1), limit)

        return answer(run)

    @server.tool(annotations=_READ)
    def query(
        cypher: Annotated[
            str,
            Field(description=QUERY_TABLES),
        ],
        params: Annotated[
            dict[str, Any] | None, Field(description="Values for $name parameters in the statement.")
        ] = None,
        limit: RowsLimit = 100,
    ) -> CallToolResult:
        """Run your own Cypher over the graph, read-only (writes are refused). Pass values as
        params, never inside the statement text."""

        def run() -> dict[str, Any]:
            with access.reading() as graph:
                frame = graph.query(cypher, params or {})
            return answers.rows_answer(frame, limit)

        return answer(run)

    @server.tool(annotations=_READ)
    def stats() -> CallToolResult:
        """Counts of the whole graph: assets by kind, relations by type, owners, unowned assets."""

        def run() -> dict[str, Any]:
            with access.reading() as graph:
                return graph.stats().to_dict()

        return answer(run)

    if access.writable:
        register_write_tools(server, access)


def register_write_tools(server: MCPServer, access: GraphAccess) -> None:
    """`ingest`: only on a server started with `--write`."""

    @server.tool(annotations=_WRITE)
    def ingest(
        paths: Annotated[
            list[str],
            Field(min_length=1, description="Files or directories on the server's machine to ingest."),
        ],
        format: Annotated[  # noqa: A002 - Graph.ingest's name
            Literal["auto", "manifest", "openlineage"],
            Field(description="manifest (YAML/JSON), openlineage (events) or auto (sniffed per file)."),
        ] = "auto",
        skip_invalid: Annotated[
            bool, Field(description="Leave out invalid OpenLineage events (listed) instead of refusing all.")
        ] = False,
    ) -> CallToolResult:
        """Ingest manifests and/or OpenLineage events: validated first, then written all or
        nothing; ingesting the same input twice changes nothing."""

        def run() -> dict[str, Any]:
            with access.writing() as graph:
                return answers.ingest_answer(graph.ingest(paths, format=format, skip_invalid=skip_invalid))

        return answer(run)
