"""Lineage closures: everything upstream or downstream of an asset, as a Subgraph.

Each direction is one `GraphStore.closure` (each asset once, at its shortest distance:
DESIGN §3). "No depth" means MAX_DEPTH, and reaching it is reported as truncation,
never silently; the store is asked one hop more than wanted to learn whether the
answer was cut.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from mlg.errors import MlgError
from mlg.model import Asset, Owner
from mlg.schema import KINDS, RELATION_TYPES
from mlg.store.port import MAX_DEPTH
from mlg.store.tables import assets_of, decoded, gc_paused, owners_by_asset, row_of
from mlg.subgraph import Edge, Subgraph

if TYPE_CHECKING:
    from mlg.graph import Graph

DIRECTIONS = ("up", "down", "both")
__all__ = ["DIRECTIONS", "MAX_DEPTH", "cap_nodes", "induced_edges", "keep_kinds", "lineage", "owners_of"]


def lineage(
    graph: Graph,
    ref: str,
    direction: str = "up",
    depth: int | None = None,
    kinds: Iterable[str] | None = None,
    types: Iterable[str] | None = None,
    max_nodes: int | None = None,
    with_owners: bool = True,
) -> Subgraph:
    if direction not in DIRECTIONS:
        raise MlgError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    root = graph.resolve(ref)
    kinds = _checked(kinds, KINDS, "kind")
    types = _checked(types, RELATION_TYPES, "relation type")
    if depth is not None and (depth < 1 or depth > MAX_DEPTH):
        raise MlgError(f"depth must be between 1 and {MAX_DEPTH}, not {depth}")
    with gc_paused():
        parts = [
            _one_direction(graph, root, d, depth, types, with_owners)
            for d in (("up", "down") if direction == "both" else (direction,))
        ]
    sub = parts[0] if len(parts) == 1 else Subgraph.merge(parts)
    if kinds:
        sub = keep_kinds(sub, kinds)
    if max_nodes is not None and len(sub.assets) > max_nodes:
        sub = cap_nodes(sub, max_nodes)
    if with_owners and sub is not parts[0]:
        # each part fetched the owners of all its assets: keep those of the assets kept
        owners = sub.owners
        sub.owners = {i: owners[i] for i in sub.ids if i in owners}
    sub._graph = graph  # lets a notebook diagram expand the result (mlg.notebook)
    return sub


def _one_direction(
    graph: Graph,
    root: Asset,
    direction: str,
    depth: int | None,
    types: Sequence[str] | None,
    with_owners: bool = True,
) -> Subgraph:
    limit = depth if depth is not None else MAX_DEPTH
    # Ask for one hop more than wanted: anything found there means the answer was cut.
    bound = min(limit + 1, MAX_DEPTH)
    found = graph.store.closure(root.id, direction, depth=bound, types=types, owners=with_owners)
    table = found.assets
    truncated, reason = False, None
    if table.num_rows:
        deepest = pc.max(table.column("distance")).as_py()
        if deepest > limit or (depth is None and deepest >= MAX_DEPTH):
            truncated = True
            reason = (
                f"depth {limit} reached; more lies beyond"
                if depth is not None
                else f"lineage deeper than {MAX_DEPTH} hops"
            )
            table = table.filter(pc.less_equal(table.column("distance"), limit))
    if not table.num_rows:
        if graph.store.view.as_of is not None:  # the owners as they were then
            owners = graph.store.owners_of([root.id]) if with_owners else {}
        else:
            owners = owners_by_asset(found.owners.to_pylist()) if with_owners else {}
        owners = {root.id: owners[root.id]} if root.id in owners else {}
        return Subgraph([root], [], (root.id,), truncated, reason, {root.id: 0}, owners)
    # nearest first, then by kind, name and id
    table = table.sort_by(
        [("distance", "ascending"), ("kind", "ascending"), ("name", "ascending"), ("id", "ascending")]
    )
    moment = graph.store.view.as_of
    if moment is not None:  # the walked assets as they were then: objects
        assets = [root] + assets_of(table)
        past = graph.store.versions_at([a.id for a in assets[1:]], moment)
        assets = [assets[0]] + [past.get(a.id, a) for a in assets[1:]]
        ids = [a.id for a in assets]
        distances = {root.id: 0, **dict(zip(ids[1:], table.column("distance").to_pylist()))}
        owners = graph.store.owners_of(ids) if with_owners else {}  # as they were then
        edges = _edges(found.edges, set(ids))
        return Subgraph(assets, edges, (root.id,), truncated, reason, distances, owners)
    nodes = pa.concat_tables([row_of(root, table.schema), table])
    ids = nodes.column("id").combine_chunks()
    edges = found.edges
    owners = found.owners if with_owners else None
    if truncated:  # a cut closure drops its last hop: its edges and owners too
        kept = pc.and_(
            pc.is_in(edges.column("source"), value_set=ids), pc.is_in(edges.column("target"), value_set=ids)
        )
        edges = edges.filter(kept)
        if owners is not None:
            owners = owners.filter(pc.is_in(owners.column("asset"), value_set=ids))
    return Subgraph.from_tables(nodes, edges, (root.id,), truncated, reason, owners, pinned=[root])


def _edges(table: pa.Table, kept: set[str]) -> list[Edge]:
    """The closure's edges between assets kept (a cut closure drops its last hop)."""
    columns = [table.column(c).to_pylist() for c in ("source", "target")] + [decoded(table.column("type"))]
    return [Edge(s, t, ty) for s, t, ty in zip(*columns) if s in kept and t in kept]


def induced_edges(graph: Graph, ids: Iterable[str], types: Sequence[str] | None = None) -> list[Edge]:
    """Every lineage edge whose two ends are both among `ids`."""
    table = graph.store.edges_among(ids)
    type_set = set(types) if types else None
    return [
        Edge(s, t, ty)
        for s, t, ty in zip(
            table.column("source").to_pylist(),
            table.column("target").to_pylist(),
            table.column("type").to_pylist(),
        )
        if type_set is None or ty in type_set
    ]


def owners_of(graph: Graph, ids: Iterable[str]) -> dict[str, tuple[Owner, ...]]:
    """The owners of the assets among `ids`, teams first then by id (the one owner
    fetcher: `GraphStore.owners_of`)."""
    return graph.store.owners_of(ids)


def keep_kinds(sub: Subgraph, kinds: Sequence[str]) -> Subgraph:
    """Only assets of `kinds` (and the roots); hidden hops collapse into indirect edges,
    so that what is kept stays connected as it was through the hidden assets."""
    keep = {a.id for a in sub.assets if a.kind in kinds or a.id in sub.roots}
    out: dict[str, list[Edge]] = {}
    for e in sub.relations:
        out.setdefault(e.source, []).append(e)
    edges: dict[tuple[str, str, str], Edge] = {}
    for start in keep:
        # breadth-first through hidden assets only, stopping at kept ones
        frontier = [(e, 1) for e in out.get(start, ())]
        seen: set[str] = set()
        while frontier:
            nxt = []
            for e, hops in frontier:
                if e.target in keep:
                    if hops == 1:
                        edges.setdefault((start, e.target, e.type), e)
                    elif (start, e.target, "indirect") not in edges:
                        edges[(start, e.target, "indirect")] = Edge(start, e.target, "indirect", True, hops)
                elif e.target not in seen:
                    seen.add(e.target)
                    nxt.extend((f, hops + 1) for f in out.get(e.target, ()))
            frontier = nxt
    # An indirect edge says "connected through hidden assets"; where the two are
    # also directly connected, the direct edge already says it.
    direct = {(s, t) for s, t, ty in edges if ty != "indirect"}
    kept_edges = [e for (s, t, ty), e in edges.items() if ty != "indirect" or (s, t) not in direct]
    assets = [a for a in sub.assets if a.id in keep]
    return Subgraph(
        assets,
        kept_edges,
        sub.roots,
        sub.truncated,
        sub.truncated_reason,
        {k: v for k, v in sub.distances.items() if k in keep},
        sub.owners,
    )


def cap_nodes(sub: Subgraph, max_nodes: int) -> Subgraph:
    """The `max_nodes` assets nearest the roots; says it was cut."""
    order = sorted(sub.assets, key=lambda a: (sub.distances.get(a.id, 0), a.kind, a.name))
    kept = {a.id for a in order[:max_nodes]}
    reason = f"showing the {max_nodes} nearest of {len(sub.assets)} assets"
    if sub.truncated_reason:
        reason = f"{sub.truncated_reason}; {reason}"
    return Subgraph(
        [a for a in sub.assets if a.id in kept],
        [e for e in sub.relations if e.source in kept and e.target in kept],
        sub.roots,
        True,
        reason,
        {k: v for k, v in sub.distances.items() if k in kept},
        sub.owners,
    )


def _checked(values: Iterable[str] | None, allowed: Sequence[str], noun: str) -> list[str] | None:
    if values is None:
        return None
    values = [values] if isinstance(values, str) else list(values)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise MlgError(f"unknown {noun} {unknown[0]!r}; expected one of {', '.join(allowed)}")
    return values or None
