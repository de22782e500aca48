"""Kuzu Cypher for walking lineage: closures, distances, shortest paths, edges among ids.

Closures use `* SHORTEST`, which visits each node once at its shortest distance (DESIGN
§3); `ALL SHORTEST` and plain variable-length patterns enumerate paths and explode on
diamond-heavy graphs. Kuzu cuts variable-length patterns at 30 hops unless told
otherwise: every connection raises `var_length_extend_max_depth` to MAX_DEPTH
(store.new_connection).

A closure's assets, the edges among them and their owners are three queries that each
walk the closure again from the root, and the rows name assets by Kuzu's internal node
offset (`offset(id(a))`). Not one closure query followed by look-ups of the ids it
found: Kuzu 0.11.3 plans `LOAD FROM $ids MATCH (a:Asset {id: id})-[e]->(b)` as hash
joins over full scans of Asset and DEPENDS_ON, so such a look-up costs ~0.1 s for nodes
and ~0.8 s for edges on 1M assets / 3M edges whatever the number of ids, while walking
the closure again costs what the closure costs (upstream of a typical model, 1,308
assets: 35-55 ms a query). Measured in benchmarks/README.md.

Induced edges come from one side only: for "up" the out-edges of the closure and the
root, for "down" their in-edges. Every edge between two of its assets is among them
(both ends are kept or the edge is dropped), so nothing is missed when the closure is
cut by depth or follows only some relation types.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from mlg.limits import surrogate_at
from mlg.store.kuzu.assets import ASSET_RETURN, ids_table, storable
from mlg.store.kuzu.view import life_return, view_of
from mlg.store.port import ASSET_SCHEMA, EDGE_TABLE, MAX_DEPTH, OWNERSHIP_TABLE, Closure

if TYPE_CHECKING:
    from mlg.store.kuzu.store import KuzuStore

# direction -> (left, right) arrow halves of a pattern from the root
ARROWS = {"up": ("-", "->"), "down": ("<-", "-"), "undirected": ("-", "-")}
_CLOSURE_ASSETS = pa.schema([*ASSET_SCHEMA, pa.field("distance", pa.int64())])


def closure(
    store: KuzuStore,
    root_id: str,
    direction: str,
    *,
    depth: int,
    types: Sequence[str] | None = None,
    owners: bool = True,
) -> Closure:
    if not storable([root_id]):
        return Closure(_CLOSURE_ASSETS.empty_table(), EDGE_TABLE.empty_table(), OWNERSHIP_TABLE.empty_table())
    left, right = ARROWS[direction]
    view = view_of(store)
    where = view.walk_filter("r.type IN $types" if types else "")
    params: dict = {"id": root_id}
    if types:
        params["types"] = list(types)
    walk = f"MATCH (x:Asset {{id: $id}}){left}[p:{view.edges()}* SHORTEST 1..{depth}{where}]{right}(a:Asset)"
    table = store.arrow(
        f"{walk} RETURN {ASSET_RETURN}{life_return(store, brief=True)}, length(p) AS distance, "
        "offset(id(a)) AS _offset, offset(id(x)) AS _root",
        params,
    )
    if not table.num_rows:
        found = _root_owners(store, root_id) if owners else OWNERSHIP_TABLE.empty_table()
        return Closure(_CLOSURE_ASSETS.empty_table(), EDGE_TABLE.empty_table(), found)
    # ids[i] is the asset at offsets[i]; the root first
    ids = pa.concat_arrays([pa.array([root_id], pa.string()), table.column("id").combine_chunks()])
    offsets = pa.concat_arrays(
        [
            pa.array([table.column("_root")[0].as_py()], pa.int64()),
            table.column("_offset").combine_chunks().cast(pa.int64()),
        ]
    )
    # select, not drop_columns: that needs pyarrow 14 and mlg supports 10.0.1
    assets = table.select([n for n in table.column_names if n not in ("_offset", "_root")])
    assets = assets.set_column(
        assets.schema.get_field_index("distance"), "distance", assets.column("distance").cast(pa.int64())
    )
    edges = _walk_edges(store, walk, params, direction, offsets, ids, types)
    found = _walk_owners(store, walk, params, offsets, ids) if owners else OWNERSHIP_TABLE.empty_table()
    return Closure(assets, edges, found)


def _positions(column: pa.ChunkedArray, offsets: pa.Array) -> pa.ChunkedArray:
    """For each node offset of `column`, its position in `offsets` (null if absent)."""
    return pc.index_in(column.cast(pa.int64()), value_set=offsets)


def _walk_edges(
    store: KuzuStore,
    walk: str,
    params: dict,
    direction: str,
    offsets: pa.Array,
    ids: pa.Array,
    types: Sequence[str] | None,
) -> pa.Table:
    """Every lineage edge between two of the assets `ids` (at node `offsets`)."""
    left, right = ARROWS[direction]
    view = view_of(store)
    ends = (
        f"(a){left}[e:{view.edges()}]{right}(b:Asset) WHERE {view.edge_alive()} "
        "RETURN offset(id(a)) AS a, offset(id(b)) AS b, e.type AS type"
    )
    table = store.arrow(
        f"{walk} WITH a MATCH {ends} UNION ALL MATCH (a:Asset {{id: $id}}) MATCH {ends}", params
    )
    if not table.num_rows:
        return EDGE_TABLE.empty_table()
    a, b = _positions(table.column("a"), offsets), _positions(table.column("b"), offsets)
    keep = pc.and_(pc.is_valid(a), pc.is_valid(b))
    if types:
        keep = pc.and_(keep, pc.is_in(table.column("type"), value_set=pa.array(list(types))))
    a, b = pc.take(ids, pc.filter(a, keep)), pc.take(ids, pc.filter(b, keep))
    if direction == "down":  # the walk's asset is what the other one depends on
        a, b = b, a
    edges = pa.Table.from_arrays(
        [a, b, pc.filter(table.column("type"), keep).cast(pa.string())], schema=EDGE_TABLE
    )
    return edges if view.today else _once(edges)  # an edge retired and asserted again: once


def _root_owners(store: KuzuStore, root_id: str) -> pa.Table:
    return store.arrow(
        "MATCH (a:Asset {id: $id})-[r:OWNED_BY]->(o:Owner) RETURN a.id AS asset, o.id AS id, o.kind AS kind, "
        "o.name AS name, o.email AS email, r.role AS role",
        {"id": root_id},
    )


def _walk_owners(store: KuzuStore, walk: str, params: dict, offsets: pa.Array, ids: pa.Array) -> pa.Table:
    """The owners of the assets `ids` (at node `offsets`): their ownerships by node
    offset, then the few distinct owners' properties by offset."""
    owned = "(a)-[r:OWNED_BY]->(o:Owner) RETURN offset(id(a)) AS a, offset(id(o)) AS o, r.role AS role"
    table = store.arrow(
        f"{walk} WITH a MATCH {owned} UNION ALL MATCH (a:Asset {{id: $id}}) MATCH {owned}", params
    )
    pos = _positions(table.column("a"), offsets)
    table = table.append_column("pos", pos).filter(pc.is_valid(pos))
    if not table.num_rows:
        return OWNERSHIP_TABLE.empty_table()
    found = pc.unique(table.column("o").cast(pa.int64()).combine_chunks())
    people = store.arrow(
        "MATCH (o:Owner) WHERE offset(id(o)) IN $o RETURN offset(id(o)) AS o, o.id AS id, "
        "o.kind AS kind, o.name AS name, o.email AS email",
        {"o": found.to_pylist()},
    )
    at = pc.index_in(table.column("o").cast(pa.int64()), value_set=people.column("o").cast(pa.int64()))
    columns = [pc.take(ids, table.column("pos"))]
    columns += [
        pc.take(people.column(name), at).cast(pa.string()) for name in ("id", "kind", "name", "email")
    ]
    columns.append(table.column("role").cast(pa.string()))
    return pa.Table.from_arrays(columns, schema=OWNERSHIP_TABLE)


def distances(store: KuzuStore, root_id: str, direction: str, *, depth: int) -> dict[str, int]:
    if not storable([root_id]):
        return {}
    left, right = ARROWS[direction]
    table = store.arrow(
        f"MATCH (x:Asset {{id: $id}}){left}[p:{view_of(store).edges()}* SHORTEST 1..{depth}"
        f"{view_of(store).walk_filter()}]{right}(a:Asset) "
        "RETURN a.id AS id, length(p) AS d",
        {"id": root_id},
    )
    exists = table.num_rows or store.count("MATCH (a:Asset {id: $id}) RETURN count(*)", {"id": root_id})
    found = dict(zip(table.column("id").to_pylist(), table.column("d").to_pylist()))
    return {root_id: 0, **found} if exists else {}


def shortest_path(store: KuzuStore, source_id: str, target_id: str, direction: str) -> list[str] | None:
    if len(storable([source_id, target_id])) < 2:
        return None
    left, right = ARROWS[direction]
    rows = store.rows(
        f"MATCH p = (a:Asset {{id: $a}}){left}[:{view_of(store).edges()}* SHORTEST 1..{MAX_DEPTH}"
        f"{view_of(store).walk_filter()}]{right}"
        "(b:Asset {id: $b}) RETURN list_transform(nodes(p), n -> n.id) AS ids LIMIT 1",
        {"a": source_id, "b": target_id},
    )
    return list(rows[0]["ids"]) if rows else None


def edges_among(store: KuzuStore, ids: Iterable[str]) -> pa.Table:
    """Out-edges of every id, those whose target is among the ids kept (see the module
    doc on LOAD FROM: one join, whatever the number of ids)."""
    ids = storable(ids)
    if len(ids) < 2:
        return EDGE_TABLE.empty_table()
    table = store.arrow(
        f"LOAD FROM $ids MATCH (a:Asset {{id: id}})-[e:{view_of(store).edges()}]->(b:Asset) "
        f"WHERE {view_of(store).edge_alive()} "
        "RETURN a.id AS source, b.id AS target, e.type AS type",
        {"ids": ids_table(ids)},
    )
    keep = pc.is_in(table.column("target"), value_set=pa.array(ids, pa.string()))
    return table.filter(keep).cast(EDGE_TABLE)


def edges_present(store: KuzuStore, keys: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    keys = [k for k in dict.fromkeys(keys) if all(surrogate_at(v) is None for v in k)]
    if not keys:
        return set()
    table = pa.table(
        {
            "src": pa.array([k[0] for k in keys], pa.string()),
            "dst": pa.array([k[1] for k in keys], pa.string()),
            "rtype": pa.array([k[2] for k in keys], pa.string()),
        }
    )
    rows = store.arrow(
        "LOAD FROM $keys MATCH (a:Asset {id: src})-[e:DEPENDS_ON]->(b:Asset {id: dst}) "
        "WHERE e.type = rtype RETURN src, dst, rtype",
        {"keys": table},
    )
    return set(zip(*(rows.column(c).to_pylist() for c in ("src", "dst", "rtype"))))


# Every lineage edge of the graph: the one pattern `all_edges` and the topology index's
# skeleton (topology.py) both read, so a filter added here reaches both.
EVERY_EDGE = "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset)"


def all_edges(store: KuzuStore) -> pa.Table:
    return store.arrow(f"{EVERY_EDGE} RETURN a.id AS source, b.id AS target")


def edge_skeleton(store: KuzuStore) -> pa.Table:
    """Every lineage edge as node offsets `a` -> `b` and its relation `type`."""
    return store.arrow(f"{EVERY_EDGE} RETURN offset(id(a)) AS a, offset(id(b)) AS b, e.type AS type")


def edges_of(store: KuzuStore, ids: Iterable[str]) -> list[dict[str, Any]]:
    table = ids_table(ids)
    found = []
    for pattern, src, dst in (
        ("(a:Asset {id: id})-[e:DEPENDS_ON]->(b:Asset)", "a", "b"),
        ("(b:Asset)-[e:DEPENDS_ON]->(a:Asset {id: id})", "b", "a"),
    ):
        found += store.rows(
            f"LOAD FROM $ids MATCH {pattern} RETURN {src}.id AS src, {dst}.id AS dst, e.type AS type, "
            "e.source AS source, e.first_seen AS first_seen, e.last_seen AS last_seen",
            {"ids": table},
        )
    return list({(r["src"], r["dst"], r["type"]): r for r in found}.values())


def _once(edges: pa.Table) -> pa.Table:
    """Each (source, target, type) once."""
    seen = list(dict.fromkeys(zip(*(edges.column(c).to_pylist() for c in ("source", "target", "type")))))
    return (
        pa.Table.from_arrays([pa.array(list(c), pa.string()) for c in zip(*seen)], schema=EDGE_TABLE)
        if seen
        else edges
    )
