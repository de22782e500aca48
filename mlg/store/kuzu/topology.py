"""The Kuzu store's topology index: closures, distances and shortest paths without Cypher.

A derived index (DESIGN §1, like the search index): the lineage edges as compressed sparse
rows (mlg.topology), numbered by Kuzu's node offset, with the asset rows and ownerships a
closure hands back, kept as ``.npy`` and Arrow IPC files in ``<graph>.topology/`` and
memory-mapped on open. Kuzu stays the record store and answers every look-up by id.

Staleness: the index records the graph id and generation it was built from, read in the
same read transaction as its rows. Every committed write bumps the generation inside its
own transaction (mlg/generation.py), and Kuzu admits one writer at a time, so before
answering, the store reads the generation (one primary-key look-up) and an index whose
generation differs (a write by this process or by another one since) is rebuilt first.
Setting MLG_TOPOLOGY=0 turns the index off: every walk then runs in Cypher (closures.py),
which also answers anything the index does not cover (undirected walks).

Lifetimes (mlg.lifespan): the index is today's graph. Its skeleton is DEPENDS_ON, the
alive edges (retired ones are in RETIRED_DEPENDS_ON and never enter it), less any edge
with a retired end (none, by the lifecycle's rule; checked anyway with the rows' alive
flag); its asset rows are every asset with its lifecycle columns (valid_to: alive or
retired; placeholder; why retired; sources), since a look-up by id answers for retired
assets too. A store viewing retired edges or a past date (Graph.viewing) is not answered
from the index: `current` returns None and its walks run in Cypher. A retire, restore or
sync is a write like any other and bumps the generation, so it is seen by the next walk.
"""

from __future__ import annotations

import bisect
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from mlg.lifespan import FOREVER
from mlg.model import Asset, Owner
from mlg.store.kuzu.assets import ASSET_RETURN, storable
from mlg.store.kuzu.closures import edge_skeleton
from mlg.store.kuzu.view import life_return, view_of
from mlg.store.port import ASSET_SCHEMA, EDGE_TABLE, OWNERSHIP_TABLE, Closure
from mlg.store.tables import assets_of, owners_by_asset
from mlg.topology import Topology, load_topology, save_topology, shortest_path
from mlg.topology import closure as walk
from mlg.topology.files import load_extra_array, load_extra_table, load_meta
from mlg.topology.walks import edges_among

if TYPE_CHECKING:
    from mlg.generation import GraphState
    from mlg.store.kuzu.store import KuzuStore

SUFFIX = ".topology"
SWITCH = "MLG_TOPOLOGY"  # "0": no index, every walk in Cypher
_NAME = "topology"
_CLOSURE_ASSETS = pa.schema([*ASSET_SCHEMA, pa.field("distance", pa.int64())])
# what a Cypher closure hands back per asset beyond ASSET_SCHEMA (closures.closure)
_WALK_LIFE = ("placeholder", "valid_to")
_OWNER_COLUMNS = ("id", "kind", "name", "email", "role")


def enabled() -> bool:
    return os.environ.get(SWITCH, "1") != "0"


def alive_mask(assets: pa.Table) -> np.ndarray:
    """Per asset row: alive today (True) or retired (False)."""
    if "valid_to" not in assets.column_names:  # an older schema: nothing is ever retired
        return np.ones(assets.num_rows, dtype=bool)
    alive = pc.equal(assets.column("valid_to"), pa.scalar(FOREVER, pa.timestamp("us")))
    return pc.fill_null(alive, True).combine_chunks().to_numpy(zero_copy_only=False)


@dataclass
class TopologyIndex:
    """One built (or loaded) index: `topology` over node offsets 0..n-1 (today's edges);
    `assets` the asset rows (ASSET_SCHEMA and, from schema 4, the lifecycle columns),
    `row_of[node]` the row of a node (-1: no asset there); `owners` the
    ownership rows sorted by node, those of node i at `owner_pointers[i]:[i+1]`."""

    topology: Topology
    assets: pa.Table
    row_of: np.ndarray
    owners: pa.Table
    owner_pointers: np.ndarray
    graph_id: str | None
    generation: int
    # for `nodes_of`, built on first use: rows in id order, and the node of each row
    by_id: np.ndarray | None = None
    node_of_row: np.ndarray | None = None

    def close(self) -> None:
        """Nothing to release: the memory maps go with the arrays."""

    def rows(self, nodes: np.ndarray) -> pa.Table:
        """The asset rows (ASSET_SCHEMA) of `nodes`."""
        return self.assets.take(pa.array(self.row_of[nodes])).select(ASSET_SCHEMA.names).cast(ASSET_SCHEMA)

    def walk_rows(self, nodes: np.ndarray) -> pa.Table:
        """The rows a closure hands back for `nodes`: ASSET_SCHEMA and what UIs mark
        (placeholder, valid_to), as closures.closure returns them."""
        extra = [c for c in _WALK_LIFE if c in self.assets.column_names]
        return self.assets.take(pa.array(self.row_of[nodes])).select([*ASSET_SCHEMA.names, *extra])

    def ids(self, nodes: np.ndarray) -> pa.Array:
        return self.assets.column("id").take(pa.array(self.row_of[nodes])).combine_chunks()

    def nodes_of(self, ids: list[str]) -> np.ndarray:
        """The nodes of the assets among `ids` (unknown ids left out): a binary search in
        id order for a few ids, one hash pass over every id for many."""
        column = self.assets.column("id").combine_chunks()
        if len(ids) > FEW_IDS:
            rows = pc.index_in(pa.array(ids, pa.string()), value_set=column).drop_null().to_numpy()
        else:
            if self.by_id is None:
                self.by_id = pc.sort_indices(column).to_numpy()
            ordered = _InOrder(column, self.by_id)
            found = []
            for i in ids:
                at = bisect.bisect_left(ordered, i)
                if at < len(ordered) and ordered[at] == i:
                    found.append(self.by_id[at])
            rows = np.array(found, dtype=np.int64)
        if self.node_of_row is None:
            present = np.flatnonzero(self.row_of >= 0)
            self.node_of_row = np.empty(len(present), dtype=np.int64)
            self.node_of_row[self.row_of[present]] = present
        return self.node_of_row[rows.astype(np.int64)] if len(rows) else np.zeros(0, dtype=np.int64)

    def owner_rows(self, nodes: np.ndarray, ids: pa.Array) -> pa.Table:
        starts = self.owner_pointers[nodes]
        lengths = self.owner_pointers[nodes + 1] - starts
        total = int(lengths.sum())
        if total == 0:
            return OWNERSHIP_TABLE.empty_table()
        shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
        positions = pa.array(np.arange(total, dtype=np.int64) + shift)
        asset = ids.take(pa.array(np.repeat(np.arange(len(nodes)), lengths)))
        columns = [asset] + [self.owners.column(c).take(positions) for c in _OWNER_COLUMNS]
        return pa.Table.from_arrays(columns, schema=OWNERSHIP_TABLE)

    def types_known(self, types) -> list[str] | None:
        """`types` as the walk takes them: None for all; unknown types dropped."""
        if not types:
            return None
        return [t for t in types if t in self.topology.type_names]


FEW_IDS = 256


class _InOrder:
    """The ids as a sequence sorted by id, for bisect."""

    def __init__(self, column: pa.Array, order: np.ndarray):
        self.column, self.order = column, order

    def __len__(self) -> int:
        return len(self.order)

    def __getitem__(self, at: int) -> str:
        return self.column[int(self.order[at])].as_py()


def current(store: KuzuStore) -> TopologyIndex | None:
    """The index, brought up to the graph's generation first; None when it is off or the
    graph has no generation (an older schema opened read-only), and None for a store
    viewing retired edges or a past date (those walks run in Cypher)."""
    if not enabled() or not view_of(store).today:
        return None
    state = store.state()
    if not state.tracked:
        return None
    with store.derived.lock:
        index = store.derived.indexes.get(_NAME)
        if index is not None and _fresh(index.graph_id, index.generation, state):
            return index
        folder = store.derived_path(SUFFIX)
        index = _load(folder, state) or _build(store, folder)
        store.derived.indexes[_NAME] = index
        return index


def _fresh(graph_id: str | None, generation: int, state: GraphState) -> bool:
    return graph_id == state.graph_id and generation == state.generation


def _load(folder: Path, state: GraphState) -> TopologyIndex | None:
    """The saved index if it is the graph's current one. Another process may replace
    the folder while it is read (save_topology renames a complete one into place): the
    meta is read again after every file is open, and a change means a mix of two
    builds, so nothing is loaded (it is rebuilt)."""
    meta = load_meta(folder)
    if meta is None or not _fresh(meta.get("graph_id"), int(meta.get("generation", -1)), state):
        return None
    topology = load_topology(folder)
    if topology is None:
        return None
    try:
        index = TopologyIndex(
            topology=topology,
            assets=load_extra_table(folder, "assets"),
            row_of=load_extra_array(folder, "row_of"),
            owners=load_extra_table(folder, "owners"),
            owner_pointers=load_extra_array(folder, "owner_pointers"),
            graph_id=meta.get("graph_id"),
            generation=topology.generation,
        )
    except (OSError, ValueError, pa.ArrowException):
        return None
    if load_meta(folder) != meta or topology.generation != state.generation:
        return None
    if len(index.row_of) != topology.n or len(index.owner_pointers) != topology.n + 1:
        return None
    return index


def _build(store: KuzuStore, folder: Path) -> TopologyIndex:
    """Read the skeleton, asset rows and ownerships in one read transaction (so they and
    the generation read with them agree), then save them beside the graph."""
    conn = store.connection()
    conn.execute("BEGIN TRANSACTION READ ONLY")
    try:
        state = store.state()
        returns = f"{ASSET_RETURN}{life_return(store)}, offset(id(a)) AS _node"
        assets = store.arrow(f"MATCH (a:Asset) RETURN {returns}")
        edges = edge_skeleton(store)
        owners = store.arrow(
            "MATCH (a:Asset)-[r:OWNED_BY]->(o:Owner) RETURN offset(id(a)) AS _node, o.id AS id, "
            "o.kind AS kind, o.name AS name, o.email AS email, r.role AS role"
        )
    finally:
        conn.execute("COMMIT")
    nodes = assets.column("_node").to_numpy().astype(np.int64)
    n = int(nodes.max()) + 1 if len(nodes) else 0
    row_of = np.full(n, -1, dtype=np.int64)
    row_of[nodes] = np.arange(len(nodes))
    life = [f for f in assets.schema if f.name not in ASSET_SCHEMA.names and f.name != "_node"]
    assets = assets.select([*ASSET_SCHEMA.names, *(f.name for f in life)])
    assets = assets.cast(pa.schema([*ASSET_SCHEMA, *life]))
    # today's edges join two alive assets (mlg.lifespan); an edge that does not is left out
    alive = np.zeros(n, dtype=bool)
    alive[nodes] = alive_mask(assets)
    if edges.num_rows:
        ends_alive = alive[edges.column("a").to_numpy()] & alive[edges.column("b").to_numpy()]
        if not ends_alive.all():
            edges = edges.filter(pa.array(ends_alive))
    encoded = pc.dictionary_encode(edges.column("type").combine_chunks()) if edges.num_rows else None
    type_names = tuple(encoded.dictionary.to_pylist()) if encoded is not None else ()
    codes = encoded.indices.to_numpy() if encoded is not None else np.zeros(0, dtype=np.uint8)
    topology = Topology.from_edges(
        n,
        edges.column("a").to_numpy(),
        edges.column("b").to_numpy(),
        codes,
        type_names,
        generation=state.generation,
    )
    owners = owners.sort_by("_node")
    owner_nodes = owners.column("_node").to_numpy().astype(np.int64)
    owner_pointers = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(owner_nodes, minlength=n)[:n], out=owner_pointers[1:])
    owners = owners.select(list(_OWNER_COLUMNS)).cast(pa.schema([(c, pa.string()) for c in _OWNER_COLUMNS]))
    index = TopologyIndex(topology, assets, row_of, owners, owner_pointers, state.graph_id, state.generation)
    try:
        save_topology(
            topology,
            folder,
            arrays={"row_of": row_of, "owner_pointers": owner_pointers},
            tables={"assets": assets, "owners": owners},
            meta={"graph_id": state.graph_id},
        )
    except OSError:
        pass  # a read-only place: answer from memory, build again next time
    return index


def _node(store: KuzuStore, asset_id: str) -> int | None:
    if not storable([asset_id]):
        return None
    rows = store.execute("MATCH (a:Asset {id: $id}) RETURN offset(id(a))", {"id": asset_id}).get_all()
    return int(rows[0][0]) if rows else None


def closure(
    store: KuzuStore, index: TopologyIndex, root_id: str, direction: str, *, depth: int, types, owners: bool
) -> Closure:
    root = _node(store, root_id)
    none = OWNERSHIP_TABLE.empty_table()
    if root is None:
        return Closure(_CLOSURE_ASSETS.empty_table(), EDGE_TABLE.empty_table(), none)
    wanted = index.types_known(types)
    roots = np.array([root], dtype=np.int64)
    if wanted == []:  # only relation types the graph has none of
        found = OWNERSHIP_TABLE.empty_table() if not owners else index.owner_rows(roots, index.ids(roots))
        return Closure(_CLOSURE_ASSETS.empty_table(), EDGE_TABLE.empty_table(), found)
    reached = walk(index.topology, [root], direction, depth, wanted)
    nodes = np.concatenate([roots, reached.nodes.astype(np.int64)])
    ids = index.ids(nodes)
    assets = index.walk_rows(reached.nodes.astype(np.int64))
    assets = assets.append_column("distance", pa.array(reached.depths.astype(np.int64)))
    found = index.owner_rows(nodes, ids) if owners else none
    if not len(reached.nodes):
        return Closure(assets, EDGE_TABLE.empty_table(), found)
    sources, targets, codes = edges_among(index.topology, nodes, wanted)
    position = np.full(index.topology.n, -1, dtype=np.int64)
    position[nodes] = np.arange(len(nodes))
    names = pa.array(index.topology.type_names, pa.string())
    edges = pa.Table.from_arrays(
        [
            ids.take(pa.array(position[sources])),
            ids.take(pa.array(position[targets])),
            names.take(pa.array(codes.astype(np.int64))),
        ],
        schema=EDGE_TABLE,
    )
    return Closure(assets, edges, found)


def distances(
    store: KuzuStore, index: TopologyIndex, root_id: str, direction: str, *, depth: int
) -> dict[str, int]:
    root = _node(store, root_id)
    if root is None:
        return {}
    reached = walk(index.topology, [root], direction, depth)
    ids = index.ids(reached.nodes.astype(np.int64)).to_pylist()
    return {root_id: 0, **dict(zip(ids, reached.depths.tolist()))}


def path(
    store: KuzuStore, index: TopologyIndex, source_id: str, target_id: str, direction: str
) -> list[str] | None:
    source, target = _node(store, source_id), _node(store, target_id)
    if source is None or target is None:
        return None
    found = shortest_path(index.topology, source, target, direction)
    if found is None:
        return None
    return index.ids(np.array(found[0], dtype=np.int64)).to_pylist()


def induced_edges(index: TopologyIndex, ids) -> pa.Table:
    """Every lineage edge whose two ends are among `ids` (EDGE_TABLE)."""
    nodes = index.nodes_of(storable(ids))
    if len(nodes) < 2:
        return EDGE_TABLE.empty_table()
    sources, targets, codes = edges_among(index.topology, nodes)
    names = pa.array(index.topology.type_names, pa.string())
    return pa.Table.from_arrays(
        [
            index.ids(sources.astype(np.int64)),
            index.ids(targets.astype(np.int64)),
            names.take(pa.array(codes.astype(np.int64))),
        ],
        schema=EDGE_TABLE,
    )


def asset_rows(index: TopologyIndex, ids: list[str]) -> pa.Table:
    """The asset rows (ASSET_SCHEMA) of the assets among `ids`."""
    return index.rows(index.nodes_of(ids))


def assets(index: TopologyIndex, ids: list[str]) -> dict[str, Asset]:
    """The assets among `ids` by id, with what their lifecycle columns say."""
    nodes = index.nodes_of(ids)
    return {a.id: a for a in assets_of(index.assets.take(pa.array(index.row_of[nodes])))}


def owners_of(index: TopologyIndex, ids: list[str]) -> dict[str, tuple[Owner, ...]]:
    """The owners of the assets among `ids`, by asset id."""
    nodes = index.nodes_of(ids)
    return owners_by_asset(index.owner_rows(nodes, index.ids(nodes)).to_pylist())
