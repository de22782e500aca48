"""Lineage closures: everything upstream or downstream of an asset, in one query each.

Closures use `* SHORTEST`, which visits each node once (DESIGN §3). Kuzu cuts
variable-length patterns at 30 hops unless told otherwise, so every connection raises
`var_length_extend_max_depth` to MAX_DEPTH (see Graph._connection); "no depth" means
MAX_DEPTH, and reaching it is reported as truncation, never silently.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

from mlg.errors import MlgError
from mlg.lifecycle.view import life_return, view_of
from mlg.model import Asset, Owner
from mlg.schema import ASSET_COLUMNS, KINDS, RELATION_TYPES
from mlg.subgraph import Edge, Subgraph

if TYPE_CHECKING:
    from mlg.graph import Graph

MAX_DEPTH = 10_000
DIRECTIONS = ("up", "down", "both")

_RETURN = ", ".join(f"a.{name} AS {name}" for name, _ in ASSET_COLUMNS)
_ARROWS = {"up": ("-", "->"), "down": ("<-", "-")}


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
    with _gc_paused():
        parts = [
            _one_direction(graph, root, d, depth, types, with_owners)
            for d in (("up", "down") if direction == "both" else (direction,))
        ]
    sub = parts[0] if len(parts) == 1 else Subgraph.merge(parts)
    if kinds:
        sub = keep_kinds(sub, kinds)
    if max_nodes is not None and len(sub.assets) > max_nodes:
        sub = cap_nodes(sub, max_nodes)
    if with_owners:
        # each part fetched the owners of all its assets: keep those of the assets kept
        owners = sub.owners
        sub.owners = {i: owners[i] for i in sub.ids if i in owners}
    sub._graph = graph  # lets a notebook diagram expand the result (mlg.notebook)
    return sub


# -- fetching one closure ----------------------------------------------------------------
#
# The assets, the edges between them and their owners are three queries that each walk
# the closure again from the root, and the rows name assets by Kuzu's internal node
# offset (`offset(id(a))`). Not one closure query followed by look-ups of the ids it
# found: Kuzu 0.11.3 plans `LOAD FROM $ids MATCH (a:Asset {id: id})-[e]->(b)` as hash
# joins over full scans of Asset and DEPENDS_ON, so such a look-up costs ~0.1 s for
# nodes and ~0.8 s for edges on 1M assets / 3M edges whatever the number of ids,
# while walking the closure again costs what the closure costs (upstream of a typical
# model, 1,308 assets: 35-55 ms a query). Measured in benchmarks/README.md.
#
# Induced edges come from one side only: for `up` the out-edges of the closure and the
# root, for `down` their in-edges. Every edge between two of its assets is among them
# (both ends are kept or the edge is dropped), so nothing is missed when the closure is
# cut by depth or follows only some relation types.


@contextmanager
def _gc_paused():
    """Python's cyclic GC paused while a closure's objects are built: hundreds of
    thousands of new Assets, Edges and tuples would trigger it over and over, each pass
    walking the whole heap (downstream of a 330k-asset hub: ~3-4 s of ~10). They hold
    no reference cycles, so pausing it loses nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


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
    left, right = _ARROWS[direction]
    view = view_of(graph)
    where = view.walk_filter("r.type IN $types" if types else "")
    params: dict = {"id": root.id}
    if types:
        params["types"] = list(types)
    walk = f"MATCH (x:Asset {{id: $id}}){left}[p:{view.edges()}* SHORTEST 1..{bound}{where}]{right}(a:Asset)"
    table = graph._arrow(
        f"{walk} RETURN {_RETURN}{life_return(graph, brief=True)}, length(p) AS distance, "
        "offset(id(a)) AS _offset, offset(id(x)) AS _root",
        params,
    )
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
    # nearest first, then by kind, name and id
    table = table.sort_by(
        [("distance", "ascending"), ("kind", "ascending"), ("name", "ascending"), ("id", "ascending")]
    )
    if not table.num_rows:
        owners = _root_owners(graph, root) if with_owners else {}
        return Subgraph([root], [], (root.id,), truncated, reason, {root.id: 0}, owners)
    assets = [root] + _assets(table)
    if view.as_of is not None:  # the walked assets as they were then
        from mlg.lifecycle.history import versions_at

        past = versions_at(graph, [a.id for a in assets[1:]], view.as_of)
        assets = [assets[0]] + [past.get(a.id, a) for a in assets[1:]]
    ids = [a.id for a in assets]  # ids[i] is the asset at offsets[i]
    distances = {root.id: 0, **dict(zip(ids[1:], table.column("distance").to_pylist()))}
    root_offset = table.column("_root")[0]
    offsets = pa.concat_arrays(
        [
            pa.array([root_offset.as_py()], pa.int64()),
            table.column("_offset").combine_chunks().cast(pa.int64()),
        ]
    )
    edges = _walk_edges(graph, walk, params, direction, offsets, ids, types)
    owners = _walk_owners(graph, walk, params, offsets, ids) if with_owners else {}
    return Subgraph(assets, edges, (root.id,), truncated, reason, distances, owners)


def _assets(table: pa.Table) -> list[Asset]:
    """`Asset.from_row` of every row, built column by column: 330k rows in 2.0 s
    against 7.6 s through row dicts (same run, GC paused; one `json.loads` per row and
    one datetime per value are most of the difference)."""
    n = table.num_rows
    props = table.column("props").to_pylist()
    try:  # one parse of a JSON array instead of one call per row
        parsed = json.loads("[" + ",".join(p or "{}" for p in props) + "]")
    except ValueError:
        parsed = None
    if not isinstance(parsed, list) or len(parsed) != n:
        parsed = [json.loads(p) if p else {} for p in props]
    cols = [table.column(name).to_pylist() for name in ("id", "kind", "name")] + [
        # stored blank for NULL (mlg.schema.BLANK_FOR_NULL)
        [v or None for v in table.column(name).to_pylist()]
        for name in ("namespace", "family", "version", "description", "domain")
    ]
    tags = [tuple(t) if t else () for t in table.column("tags").to_pylist()]
    assets = [
        Asset(i, k, nm, ns, fam, ver, desc, dom, tg, pr, ca, ua)
        for i, k, nm, ns, fam, ver, desc, dom, tg, pr, ca, ua in zip(
            *cols, tags, parsed, _decoded(table.column("created_at")), _decoded(table.column("updated_at"))
        )
    ]
    if "placeholder" in table.column_names:  # marked in the UIs (mlg.lifecycle)
        assets = _marked(assets, table)
    return assets


def _marked(assets: list[Asset], table: pa.Table) -> list[Asset]:
    """The placeholders and retired assets among `assets`, flagged as such."""
    from dataclasses import replace

    from mlg.lifecycle.columns import FOREVER

    flags = pc.or_(
        table.column("placeholder"),
        pc.not_equal(table.column("valid_to"), pa.scalar(FOREVER, pa.timestamp("us"))),
    )
    marked = pc.indices_nonzero(flags.combine_chunks()).to_pylist()
    if not marked:
        return assets
    placeholder, valid_to = table.column("placeholder"), table.column("valid_to")
    for i in marked:
        to = valid_to[i].as_py()
        assets[i] = replace(
            assets[i], placeholder=bool(placeholder[i].as_py()), retired_at=None if to == FOREVER else to
        )
    return assets


def _decoded(column: pa.ChunkedArray | pa.Array) -> list:
    """The column's values as Python objects, one object per distinct value: assets
    written by one ingest share their timestamps, and converting each row's datetime
    costs ~0.4 s per 330k rows."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    encoded = column.dictionary_encode()
    values = encoded.dictionary.to_pylist()
    return [None if i is None else values[i] for i in encoded.indices.to_pylist()]


def _positions(column: pa.ChunkedArray, offsets: pa.Array) -> pa.ChunkedArray:
    """For each node offset of `column`, its position in `offsets` (null if absent)."""
    return pc.index_in(column.cast(pa.int64()), value_set=offsets)


def _walk_edges(
    graph: Graph,
    walk: str,
    params: dict,
    direction: str,
    offsets: pa.Array,
    ids: list[str],
    types: Sequence[str] | None,
) -> list[Edge]:
    """Every lineage edge between two of the assets `ids` (at node `offsets`)."""
    left, right = _ARROWS[direction]
    view = view_of(graph)
    ends = (
        f"(a){left}[e:{view.edges()}]{right}(b:Asset) WHERE {view.edge_alive()} RETURN offset(id(a)) AS a, "
        "offset(id(b)) AS b, e.type AS type"
    )
    table = graph._arrow(
        f"{walk} WITH a MATCH {ends} UNION ALL MATCH (a:Asset {{id: $id}}) MATCH {ends}", params
    )
    if not table.num_rows:
        return []
    a, b = _positions(table.column("a"), offsets), _positions(table.column("b"), offsets)
    keep = pc.and_(pc.is_valid(a), pc.is_valid(b))
    if types:
        keep = pc.and_(keep, pc.is_in(table.column("type"), value_set=pa.array(list(types))))
    a, b = pc.filter(a, keep).to_pylist(), pc.filter(b, keep).to_pylist()
    kinds = _decoded(pc.filter(table.column("type"), keep))
    if direction == "down":  # the walk's asset is what the other one depends on
        a, b = b, a
    edges = [Edge(ids[s], ids[t], ty) for s, t, ty in zip(a, b, kinds)]
    if not view.today or pc.any(pc.equal(offsets[1:], offsets[0])).as_py():
        edges = list(dict.fromkeys(edges))  # the root lies on a cycle, or an edge came back: once
    return edges


def _root_owners(graph: Graph, root: Asset) -> dict[str, tuple[Owner, ...]]:
    rows = graph._arrow(
        "MATCH (a:Asset {id: $id})-[r:OWNED_BY]->(o:Owner) RETURN o.id AS id, o.kind AS kind, "
        "o.name AS name, o.email AS email, r.role AS role",
        {"id": root.id},
    ).to_pylist()
    found = sorted((Owner(**r) for r in rows), key=lambda o: (o.kind != "team", o.id))
    return {root.id: tuple(found)} if found else {}


def _walk_owners(
    graph: Graph, walk: str, params: dict, offsets: pa.Array, ids: list[str]
) -> dict[str, tuple[Owner, ...]]:
    """The owners of the assets `ids` (at node `offsets`), each asset's ordered as
    `owners_of` orders them: teams first, then by id."""
    owned = "(a)-[r:OWNED_BY]->(o:Owner) RETURN offset(id(a)) AS a, offset(id(o)) AS o, r.role AS role"
    table = graph._arrow(
        f"{walk} WITH a MATCH {owned} UNION ALL MATCH (a:Asset {{id: $id}}) MATCH {owned}", params
    )
    a = _positions(table.column("a"), offsets)
    table = table.append_column("pos", a).filter(pc.is_valid(a))
    if not table.num_rows:
        return {}
    found = pc.unique(table.column("o").cast(pa.int64()).combine_chunks())
    people = graph._arrow(
        "MATCH (o:Owner) WHERE offset(id(o)) IN $o RETURN offset(id(o)) AS o, o.id AS id, "
        "o.kind AS kind, o.name AS name, o.email AS email",
        {"o": found.to_pylist()},
    ).to_pylist()
    who = {r.pop("o"): r for r in people}
    ranked = sorted(who, key=lambda o: (who[o]["kind"] != "team", who[o]["id"]))
    order = {o: i for i, o in enumerate(ranked)}
    rank = pa.array([order[o] for o in found.to_pylist()], pa.int64())
    table = table.append_column("rank", pc.take(rank, _positions(table.column("o"), found)))
    table = table.sort_by([("pos", "ascending"), ("rank", "ascending")])
    shared: dict[tuple[int, str | None], Owner] = {}  # one object per owner and role
    owners: dict[str, list[Owner]] = {}
    for p, o, role in zip(
        table.column("pos").to_pylist(), table.column("o").to_pylist(), _decoded(table.column("role"))
    ):
        owner = shared.get((o, role))
        if owner is None:
            owner = shared[(o, role)] = Owner(**who[o], role=role)
        owners.setdefault(ids[p], []).append(owner)
    return {k: tuple(v) for k, v in owners.items()}


def induced_edges(graph: Graph, ids: Iterable[str], types: Sequence[str] | None = None) -> list[Edge]:
    """Every lineage edge whose two ends are both among `ids`."""
    ids = list(ids)
    if len(ids) < 2:
        return []
    wanted = set(ids)
    view = view_of(graph)
    table = graph._arrow(
        f"LOAD FROM $ids MATCH (a:Asset {{id: id}})-[e:{view.edges()}]->(b:Asset) WHERE {view.edge_alive()} "
        "RETURN a.id AS s, b.id AS t, e.type AS type",
        {"ids": pa.table({"id": pa.array(ids, pa.string())})},
    )
    type_set = set(types) if types else None
    return list(
        dict.fromkeys(
            [
                Edge(s, t, ty)
                for s, t, ty in zip(
                    table.column("s").to_pylist(),
                    table.column("t").to_pylist(),
                    table.column("type").to_pylist(),
                )
                if t in wanted and (type_set is None or ty in type_set)
            ]
        )
    )  # an edge retired and asserted again is there twice with include_retired


def owners_of(graph: Graph, ids: Iterable[str]) -> dict[str, tuple[Owner, ...]]:
    ids = list(ids)
    if not ids:
        return {}
    rows = graph._arrow(
        "LOAD FROM $ids MATCH (a:Asset {id: id})-[r:OWNED_BY]->(o:Owner) "
        "RETURN id, o.id AS oid, o.kind AS kind, o.name AS name, o.email AS email, r.role AS role",
        {"ids": pa.table({"id": pa.array(ids, pa.string())})},
    ).to_pylist()
    owners: dict[str, list[Owner]] = {}
    for r in rows:
        owners.setdefault(r["id"], []).append(Owner(r["oid"], r["kind"], r["name"], r["email"], r["role"]))
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
