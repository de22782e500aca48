"""Closures, distances and paths on FalkorDB: a breadth-first frontier walk, one query per level.

Measured on a 100k-asset / 300k-edge estate (this machine, 2 cores shared): a level is
one `UNWIND $ids ... MATCH (a)-[e:DEPENDS_ON]->(b) RETURN DISTINCT` over the frontier's
internal node ids, so every node is visited once at its shortest distance, whatever the
number of paths (no path enumeration). Upstream of a typical model (1,013 assets, 47
levels) 23 ms; downstream of a hub (41,990 assets) 0.6-0.75 s; `algo.BFS` gave 9 ms
upstream but follows outgoing edges of one relationship type only, with no per-node
distance and no type filter on the `type` property; unbounded `[:DEPENDS_ON*]` with
`count(DISTINCT ...)` took 13 s for the same 1,013 assets. The frontier walk answers
every question the port asks (both directions, undirected, type filters, distances,
parents for paths) the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from mlg.store.falkordb.connection import Connection

_STEP = {
    "up": "MATCH (a)-[e:{edges}]->(b:Asset)",
    "down": "MATCH (a)<-[e:{edges}]-(b:Asset)",
    "undirected": "MATCH (a)-[e:{edges}]-(b:Asset)",
}
BATCH = 20_000  # frontier ids per query


@dataclass
class Walk:
    """What a walk reached: internal node id -> distance, and (when asked) the parent
    and relation type that first reached it."""

    root: int
    distance: dict[int, int] = field(default_factory=dict)
    parent: dict[int, tuple[int, str]] = field(default_factory=dict)


def root_node(conn: Connection, asset_id: str) -> int | None:
    """The internal id of the asset `asset_id`, or None."""
    rows = conn.rows("MATCH (a:Asset {id: $id}) RETURN id(a)", {"id": asset_id})
    return rows[0][0] if rows else None


def walk(
    conn: Connection,
    root: int,
    direction: str,
    depth: int,
    types: Sequence[str] | None = None,
    parents: bool = False,
    *,
    edges: str = "DEPENDS_ON",
    alive: str = "true",
) -> Walk:
    """Breadth-first from the node `root`: every node within `depth` hops once, at its
    shortest distance, following only edges of `types` (None: all), of the relationship
    type(s) `edges`, meeting the condition `alive` on `e` (mlg.store.falkordb.views)."""
    result = Walk(root, {root: 0})
    conditions = [c for c in ("e.type IN $types" if types is not None else "", alive) if c and c != "true"]
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    if parents:
        tail = " RETURN id(a), id(b), e.type"
    else:
        tail = " RETURN DISTINCT id(b)"
    query = f"UNWIND $ids AS i MATCH (a) WHERE id(a) = i {_STEP[direction].format(edges=edges)}{where}{tail}"
    frontier = [root]
    level = 0
    while frontier and level < depth:
        level += 1
        reached: list[int] = []
        for start in range(0, len(frontier), BATCH):
            params = {"ids": frontier[start : start + BATCH], "types": list(types or ())}
            for row in conn.rows(query, params):
                node = row[1] if parents else row[0]
                if node in result.distance:
                    continue
                result.distance[node] = level
                if parents:
                    result.parent[node] = (row[0], row[2])
                reached.append(node)
        frontier = reached
    return result


def path_of(found: Walk, node: int) -> tuple[list[int], list[str]]:
    """The nodes from the walk's root to `node` and the relation types between them."""
    nodes, types = [node], []
    while node != found.root:
        node, rtype = found.parent[node]
        nodes.append(node)
        types.append(rtype)
    return nodes[::-1], types[::-1]
