"""Lineage closures: everything upstream or downstream of an asset, in one query each.

Closures use `* SHORTEST`, which visits each node once (DESIGN §3). Kuzu cuts
variable-length patterns at 30 hops unless told otherwise, so every connection raises
`var_length_extend_max_depth` to MAX_DEPTH (see Graph._connection); "no depth" means
MAX_DEPTH, and reaching it is reported as truncation, never silently.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from mlg.errors import MlgError
from mlg.model import Asset, Owner
from mlg.schema import ASSET_COLUMNS, KINDS, RELATION_TYPES
from mlg.subgraph import Edge, Subgraph

if TYPE_CHECKING:
    from mlg.graph import Graph

MAX_DEPTH = 10_000
DIRECTIONS = ("up", "down", "both")

_RETURN = ", ".join(f"a.{name} AS {name}" for name, _ in ASSET_COLUMNS)
_ARROWS = {"up": ("-", "->"), "down": ("<-", "-")}


def lineage(graph: Graph, ref: str, direction: str = "up", depth: int | None = None,
            kinds: Iterable[str] | None = None, types: Iterable[str] | None = None,
            max_nodes: int | None = None, with_owners: bool = True) -> Subgraph:
    if direction not in DIRECTIONS:
        raise MlgError(f"direction must be one of {', '.join(DIRECTIONS)}, not {direction!r}")
    root = graph.resolve(ref)
    kinds = _checked(kinds, KINDS, "kind")
    types = _checked(types, RELATION_TYPES, "relation type")
    if depth is not None and (depth < 1 or depth > MAX_DEPTH):
        raise MlgError(f"depth must be between 1 and {MAX_DEPTH}, not {depth}")
    parts = [_one_direction(graph, root, d, depth, types)
             for d in (("up", "down") if direction == "both" else (direction,))]
    sub = Subgraph.merge(parts)
    if kinds:
        sub = keep_kinds(sub, kinds)
    if max_nodes is not None and len(sub.assets) > max_nodes:
        sub = cap_nodes(sub, max_nodes)
    if with_owners:
        sub.owners = owners_of(graph, sub.ids)
    sub._graph = graph  # lets a notebook diagram expand the result (mlg.notebook)
    return sub


def _one_direction(graph: Graph, root: Asset, direction: str, depth: int | None,
                   types: Sequence[str] | None) -> Subgraph:
    limit = depth if depth is not None else MAX_DEPTH
    # Ask for one hop more than wanted: anything found there means the answer was cut.
    bound = min(limit + 1, MAX_DEPTH)
    left, right = _ARROWS[direction]
    where = " (r, n | WHERE r.type IN $types)" if types else ""
    params: dict = {"id": root.id}
    if types:
        params["types"] = list(types)
    rows = graph._arrow(
        f"MATCH (x:Asset {{id: $id}}){left}[p:DEPENDS_ON* SHORTEST 1..{bound}{where}]{right}"
        f"(a:Asset) RETURN {_RETURN}, length(p) AS distance", params).to_pylist()
    rows.sort(key=lambda r: (r["distance"], r["kind"], r["name"], r["id"]))
    truncated, reason = False, None
    if any(r["distance"] > limit for r in rows) or (depth is None and
                                                     any(r["distance"] >= MAX_DEPTH for r in rows)):
        truncated = True
        reason = (f"depth {limit} reached; more lies beyond" if depth is not None
                  else f"lineage deeper than {MAX_DEPTH} hops")
        rows = [r for r in rows if r["distance"] <= limit]
    assets = [root] + [Asset.from_row(r) for r in rows]
    distances = {root.id: 0, **{r["id"]: r["distance"] for r in rows}}
    edges = induced_edges(graph, distances.keys(), types)
    return Subgraph(assets, edges, (root.id,), truncated, reason, distances)


def induced_edges(graph: Graph, ids: Iterable[str], types: Sequence[str] | None = None) -> list[Edge]:
    """Every lineage edge whose two ends are both among `ids`."""
    ids = list(ids)
    if len(ids) < 2:
        return []
    wanted = set(ids)
    table = graph._arrow(
        "LOAD FROM $ids MATCH (a:Asset {id: id})-[e:DEPENDS_ON]->(b:Asset) "
        "RETURN a.id AS s, b.id AS t, e.type AS type",
        {"ids": pa.table({"id": pa.array(ids, pa.string())})})
    type_set = set(types) if types else None
    return [Edge(s, t, ty) for s, t, ty in zip(table.column("s").to_pylist(),
                                                table.column("t").to_pylist(),
                                                table.column("type").to_pylist())
            if t in wanted and (type_set is None or ty in type_set)]


def owners_of(graph: Graph, ids: Iterable[str]) -> dict[str, tuple[Owner, ...]]:
    ids = list(ids)
    if not ids:
        return {}
    rows = graph._arrow(
        "LOAD FROM $ids MATCH (a:Asset {id: id})-[r:OWNED_BY]->(o:Owner) "
        "RETURN id, o.id AS oid, o.kind AS kind, o.name AS name, o.email AS email, r.role AS role",
        {"ids": pa.table({"id": pa.array(ids, pa.string())})}).to_pylist()
    owners: dict[str, list[Owner]] = {}
    for r in rows:
        owners.setdefault(r["id"], []).append(
            Owner(r["oid"], r["kind"], r["name"], r["email"], r["role"]))
    return {k: tuple(sorted(v, key=lambda o: (o.kind != "team", o.id))) for k, v in owners.items()}


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
                        edges[(start, e.target, "indirect")] = Edge(start, e.target, "indirect",
                                                                    True, hops)
                elif e.target not in seen:
                    seen.add(e.target)
                    nxt.extend((f, hops + 1) for f in out.get(e.target, ()))
            frontier = nxt
    # An indirect edge says "connected through hidden assets"; where the two are
    # also directly connected, the direct edge already says it.
    direct = {(s, t) for s, t, ty in edges if ty != "indirect"}
    kept_edges = [e for (s, t, ty), e in edges.items() if ty != "indirect" or (s, t) not in direct]
    assets = [a for a in sub.assets if a.id in keep]
    return Subgraph(assets, kept_edges, sub.roots, sub.truncated, sub.truncated_reason,
                    {k: v for k, v in sub.distances.items() if k in keep}, sub.owners)


def cap_nodes(sub: Subgraph, max_nodes: int) -> Subgraph:
    """The `max_nodes` assets nearest the roots; says it was cut."""
    order = sorted(sub.assets, key=lambda a: (sub.distances.get(a.id, 0), a.kind, a.name))
    kept = {a.id for a in order[:max_nodes]}
    reason = f"showing the {max_nodes} nearest of {len(sub.assets)} assets"
    if sub.truncated_reason:
        reason = f"{sub.truncated_reason}; {reason}"
    return Subgraph([a for a in sub.assets if a.id in kept],
                    [e for e in sub.relations if e.source in kept and e.target in kept],
                    sub.roots, True, reason,
                    {k: v for k, v in sub.distances.items() if k in kept}, sub.owners)


def _checked(values: Iterable[str] | None, allowed: Sequence[str], noun: str) -> list[str] | None:
    if values is None:
        return None
    values = [values] if isinstance(values, str) else list(values)
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise MlgError(f"unknown {noun} {unknown[0]!r}; expected one of {', '.join(allowed)}")
    return values or None
