"""What the search index reads from the graph: the only Kuzu Cypher of mlg/search.

Three reads — assets (all, or those a write stamped after a generation), who owns
them, and every owner — each one query returning Arrow, so a storage port can
answer them in its own dialect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from mlg.schema import ASSET_COLUMNS

if TYPE_CHECKING:
    from mlg.graph import Graph

_RETURN = ", ".join(f"a.{name} AS {name}" for name, _ in ASSET_COLUMNS)


def assets(graph: Graph, since: int | None) -> list[dict[str, Any]]:
    """Every asset (`since` None), or those written by a generation after `since`."""
    if since is None:
        return graph._arrow(f"MATCH (a:Asset) RETURN {_RETURN}").to_pylist()
    return graph._arrow(
        f"MATCH (a:Asset) WHERE a.gen > $since RETURN {_RETURN}", {"since": since}
    ).to_pylist()


def ownerships(graph: Graph, since: int | None) -> dict[str, list[tuple[str, str]]]:
    """asset id -> [(owner id, owner name)], for the same assets as `assets`."""
    where, params = ("", {}) if since is None else ("WHERE a.gen > $since ", {"since": since})
    table = graph._arrow(
        f"MATCH (a:Asset)-[:OWNED_BY]->(o:Owner) {where}RETURN a.id AS asset, o.id AS owner, o.name AS name",
        params,
    )
    owned: dict[str, list[tuple[str, str]]] = {}
    for asset_id, owner_id, name in zip(*(table.column(c).to_pylist() for c in ("asset", "owner", "name"))):
        owned.setdefault(asset_id, []).append((owner_id, name or ""))
    return owned


def owners(graph: Graph) -> list[tuple[str, str, str]]:
    """Every owner: (id, kind, name). Owners are few (thousands), read whole."""
    table = graph._arrow("MATCH (o:Owner) RETURN o.id AS id, o.kind AS kind, o.name AS name")
    return list(zip(*(table.column(c).to_pylist() for c in ("id", "kind", "name"))))
