"""`Subgraph`: a part of the lifecycle graph, as plain objects and as DataFrames.

Columns (stable; documented in the README):

nodes: id, kind, name, namespace, family, version, description, domain (str);
       tags (list of str); owners (list of owner ids); props (JSON text, keys sorted,
       no spaces: as stored);
       created_at, updated_at (datetime64[us]); distance (Int64: hops from the
       nearest root, 0 for a root, <NA> when not known); is_root, deprecated (bool)
edges: source, target, type (str: the dependent, what it depends on, the relation
       type; "indirect" for an edge standing for hidden hops); indirect (bool);
       hops (Int64: how many relations the edge stands for, 1 when direct)
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from mlg.model import Asset, Owner

if TYPE_CHECKING:
    import networkx
    import pandas
    import pyarrow

NODE_COLUMNS = (
    "id",
    "kind",
    "name",
    "namespace",
    "family",
    "version",
    "description",
    "domain",
    "tags",
    "owners",
    "props",
    "created_at",
    "updated_at",
    "distance",
    "is_root",
    "deprecated",
)
EDGE_COLUMNS = ("source", "target", "type", "indirect", "hops")


@dataclass(frozen=True)
class Edge:
    """A lineage edge of a result: `source` depends on `target` through `type`;
    `indirect` edges stand for `hops` relations through assets a kind filter hid."""

    source: str  # the dependent asset
    target: str  # what it depends on
    type: str
    indirect: bool = False
    hops: int = 1

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"source": self.source, "target": self.target, "type": self.type}
        if self.indirect:
            data.update(indirect=True, hops=self.hops)
        return data


@dataclass
class _Tables:
    """What a Subgraph read from the store holds: `nodes` (ASSET_SCHEMA, maybe the
    lifecycle columns, and `distance`), `edges` (EDGE_TABLE), `owners` (OWNERSHIP_TABLE;
    None when none were read) and `pinned` (assets already built, used as they are)."""

    nodes: pyarrow.Table
    edges: pyarrow.Table
    owners: pyarrow.Table | None
    pinned: dict[str, Asset]


class Subgraph:
    """Assets, the edges between them, the root(s) asked about, and whether it was cut.

    Built from objects (`Subgraph(assets, relations, ...)`) or from the store's Arrow
    tables (`Subgraph.from_tables`, what lineage queries return). A subgraph of tables
    makes `Asset`s, `Edge`s, owners and distances only when they are first asked for
    (`assets`, `relations`, `owners`, `distances`, `asset(id)` builds one), while
    `to_arrow`, `nodes` and `edges` are built from the tables column by column. Setting
    `assets`, `relations`, `distances` or `owners` replaces the tables by objects."""

    def __init__(
        self,
        assets: Iterable[Asset],
        relations: Iterable[Edge],
        roots: tuple[str, ...] = (),
        truncated: bool = False,
        truncated_reason: str | None = None,
        distances: dict[str, int] | None = None,
        owners: dict[str, tuple[Owner, ...]] | None = None,
    ):
        self._assets: list[Asset] | None = list(assets)
        self._relations: list[Edge] | None = list(relations)
        self.roots = tuple(roots)
        self.truncated = truncated
        self.truncated_reason = truncated_reason
        self._distances: dict[str, int] | None = dict(distances) if distances else {}
        self._owners: dict[str, tuple[Owner, ...]] | None = dict(owners) if owners else {}
        self._tables: _Tables | None = None
        self._rows: dict[str, int] | None = None  # asset id -> position, built on first use

    @classmethod
    def from_tables(
        cls,
        nodes: pyarrow.Table,
        edges: pyarrow.Table,
        roots: tuple[str, ...],
        truncated: bool = False,
        truncated_reason: str | None = None,
        owners: pyarrow.Table | None = None,
        pinned: Iterable[Asset] = (),
    ) -> Subgraph:
        """A subgraph holding the store's tables: `nodes` one row per asset in order
        (the asset columns of mlg.store.port.ASSET_SCHEMA, optionally the lifecycle
        ones, and `distance`), `edges` (source, target, type), `owners` (the port's
        OWNERSHIP_TABLE, None: not read) and `pinned` assets already built."""
        sub = cls((), (), roots, truncated, truncated_reason)
        sub._assets = sub._relations = sub._distances = sub._owners = None
        sub._tables = _Tables(nodes, edges, owners, {a.id: a for a in pinned})
        return sub

    # -- plain access ----------------------------------------------------------------

    @property
    def assets(self) -> list[Asset]:
        if self._assets is None:
            from mlg.store.tables import assets_of, gc_paused

            pinned = self._tables.pinned
            with gc_paused():
                self._assets = [pinned.get(a.id, a) for a in assets_of(self._tables.nodes)]
        return self._assets

    @assets.setter
    def assets(self, value: Iterable[Asset]) -> None:
        self._to_objects()
        self._assets, self._rows = list(value), None

    @property
    def relations(self) -> list[Edge]:
        if self._relations is None:
            from mlg.store.tables import decoded, gc_paused

            edges = self._tables.edges
            with gc_paused():
                columns = [edges.column(c).to_pylist() for c in ("source", "target")]
                columns.append(decoded(edges.column("type")))
                self._relations = [Edge(s, t, ty) for s, t, ty in zip(*columns)]
        return self._relations

    @relations.setter
    def relations(self, value: Iterable[Edge]) -> None:
        self._to_objects()
        self._relations = list(value)

    @property
    def distances(self) -> dict[str, int]:
        if self._distances is None:
            nodes = self._tables.nodes
            self._distances = dict(zip(nodes.column("id").to_pylist(), nodes.column("distance").to_pylist()))
        return self._distances

    @distances.setter
    def distances(self, value: dict[str, int]) -> None:
        self._to_objects()
        self._distances = dict(value)

    @property
    def owners(self) -> dict[str, tuple[Owner, ...]]:
        if self._owners is None:
            from mlg.store.tables import gc_paused, owners_by_asset

            found = self._tables.owners
            with gc_paused():
                self._owners = owners_by_asset(found.to_pylist()) if found is not None else {}
        return self._owners

    @owners.setter
    def owners(self, value: dict[str, tuple[Owner, ...]]) -> None:
        self._to_objects()
        self._owners = dict(value)

    def _to_objects(self) -> None:
        """Build every object from the tables, then let the tables go."""
        if self._tables is not None:
            _ = self.assets, self.relations, self.distances, self.owners
            self._tables = None

    def __len__(self) -> int:
        return self._tables.nodes.num_rows if self._tables is not None else len(self._assets)

    def __contains__(self, asset_id: object) -> bool:
        return asset_id in self._positions()

    def _positions(self) -> dict[str, int]:
        if self._rows is None:
            self._rows = {i: n for n, i in enumerate(self.ids)}
        return self._rows

    @property
    def ids(self) -> list[str]:
        if self._tables is not None and self._assets is None:
            return self._tables.nodes.column("id").to_pylist()
        return [a.id for a in self._assets]

    def asset(self, asset_id: str) -> Asset:
        at = self._positions().get(asset_id)
        if at is None:
            raise KeyError(asset_id)
        if self._assets is not None:
            return self._assets[at]
        from mlg.store.tables import assets_of

        pinned = self._tables.pinned.get(asset_id)
        return pinned if pinned is not None else assets_of(self._tables.nodes.slice(at, 1))[0]

    def assets_at(self, rows: Iterable[int]) -> list[Asset]:
        """The assets at these positions (of `ids`), built only for them when the
        subgraph holds tables and has not built its assets yet."""
        rows = list(rows)
        if self._assets is not None:
            return [self._assets[r] for r in rows]
        from mlg.store.tables import assets_of

        pinned = self._tables.pinned
        return [pinned.get(a.id, a) for a in assets_of(self._tables.nodes.take(rows))]

    def skeleton(self) -> tuple[pyarrow.Table, pyarrow.Table]:
        """(nodes, edges) with only what walks over the subgraph need: node id, kind,
        name, distance; edge source, target, type. Taken as they are from the tables the
        subgraph holds (no props, owners or tags are decoded)."""
        import pyarrow as pa

        if self._tables is None:
            nodes, edges = self._object_nodes(), self._object_edges()
        else:
            nodes, edges = self._tables.nodes, self._tables.edges
        text = pa.string()
        columns = {c: nodes.column(c).combine_chunks().cast(text) for c in ("id", "kind", "name")}
        columns["distance"] = nodes.column("distance").combine_chunks().cast(pa.int64())
        links = {c: edges.column(c).combine_chunks().cast(text) for c in ("source", "target", "type")}
        return pa.table(columns), pa.table(links)

    def owners_of(self, ids: pyarrow.Array) -> dict[str, tuple[Owner, ...]]:
        """`owners` for these assets only: built for them alone from the tables, unless
        the map of every asset's owners is built already."""
        import pyarrow as pa
        import pyarrow.compute as pc

        from mlg.store.tables import owners_by_asset

        if self._owners is not None:
            return self._owners
        table = self.owner_rows()
        picked = table.filter(pc.is_in(table.column("asset").cast(pa.string()), value_set=ids))
        return owners_by_asset(picked.to_pylist())

    def owner_rows(self) -> pyarrow.Table:
        """One row per (asset, owner, role), with the columns of the port's
        OWNERSHIP_TABLE (asset, id, kind, name, email, role)."""
        import pyarrow as pa

        from mlg.store.port import OWNERSHIP_TABLE

        if self._tables is not None and self._tables.owners is not None:
            return self._tables.owners
        rows = [
            {"asset": asset_id, "id": o.id, "kind": o.kind, "name": o.name, "email": o.email, "role": o.role}
            for asset_id, owners in self.owners.items()
            for o in owners
        ]
        return pa.Table.from_pylist(rows, schema=OWNERSHIP_TABLE)

    def by_kind(self) -> dict[str, list[Asset]]:
        groups: dict[str, list[Asset]] = {}
        for a in self.assets:
            groups.setdefault(a.kind, []).append(a)
        return groups

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Subgraph):
            return NotImplemented
        return self._compared() == other._compared()

    __hash__ = None  # mutable, as the dataclass it was

    def _compared(self) -> tuple:
        return (
            self.assets,
            self.relations,
            self.roots,
            self.truncated,
            self.truncated_reason,
            self.distances,
            self.owners,
        )

    def __repr__(self) -> str:
        cut = f", truncated: {self.truncated_reason}" if self.truncated else ""
        n_edges = self._tables.edges.num_rows if self._relations is None else len(self._relations)
        return f"<Subgraph roots={list(self.roots)} {len(self)} assets, {n_edges} edges{cut}>"

    # -- Jupyter ----------------------------------------------------------------------

    # The Graph (or None) a lineage query ran on, set by mlg.lineage so that a diagram
    # can expand it. Unannotated on purpose: not a dataclass field, so it is never
    # compared, exported or pickled.
    _graph = None

    @property
    def graph(self):
        """The Graph this result was read from, which a diagram expands it from; None
        when it was built by hand or unpickled."""
        return self._graph

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state.pop("_graph", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        """In Jupyter: the interactive lineage diagram, with an HTML table fallback."""
        from mlg.rich_display import notebook_display

        display = notebook_display()
        if display is None:
            return {"text/plain": repr(self)}
        return display.mimebundle(self, include, exclude)

    # -- conversions ----------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The CLI's `--format json` shape (DESIGN §6)."""
        nodes = []
        for a in self.assets:
            node = a.to_dict()
            node["owners"] = [o.id for o in self.owners.get(a.id, ())]
            node["distance"] = self.distances.get(a.id)
            node["is_root"] = a.id in self.roots
            nodes.append(node)
        return {
            "roots": list(self.roots),
            "nodes": nodes,
            "edges": [e.to_dict() for e in self.relations],
            "truncated": self.truncated,
            "truncated_reason": self.truncated_reason,
        }

    def to_arrow(self) -> tuple[pyarrow.Table, pyarrow.Table]:
        """(nodes, edges) as Arrow tables with the documented columns; from the store's
        tables column by column when the subgraph holds them."""
        if self._tables is not None:
            return _node_columns(self._tables, self.roots), _edge_columns(self._tables.edges)
        return self._object_nodes(), self._object_edges()

    def _object_nodes(self) -> pyarrow.Table:
        import pyarrow as pa

        from mlg.model import canonical_json

        roots = set(self.roots)
        return pa.table(
            {
                "id": pa.array([a.id for a in self.assets], pa.string()),
                "kind": pa.array([a.kind for a in self.assets], pa.string()),
                "name": pa.array([a.name for a in self.assets], pa.string()),
                "namespace": pa.array([a.namespace for a in self.assets], pa.string()),
                "family": pa.array([a.family for a in self.assets], pa.string()),
                "version": pa.array([a.version for a in self.assets], pa.string()),
                "description": pa.array([a.description for a in self.assets], pa.string()),
                "domain": pa.array([a.domain for a in self.assets], pa.string()),
                "tags": pa.array([list(a.tags) for a in self.assets], pa.list_(pa.string())),
                "owners": pa.array(
                    [[o.id for o in self.owners.get(a.id, ())] for a in self.assets], pa.list_(pa.string())
                ),
                "props": pa.array([canonical_json(a.props or {}) for a in self.assets], pa.string()),
                "created_at": pa.array([a.created_at for a in self.assets], pa.timestamp("us")),
                "updated_at": pa.array([a.updated_at for a in self.assets], pa.timestamp("us")),
                "distance": pa.array([self.distances.get(a.id) for a in self.assets], pa.int64()),
                "is_root": pa.array([a.id in roots for a in self.assets], pa.bool_()),
                "deprecated": pa.array([a.deprecated for a in self.assets], pa.bool_()),
            }
        )

    def _object_edges(self) -> pyarrow.Table:
        import pyarrow as pa

        return pa.table(
            {
                "source": pa.array([e.source for e in self.relations], pa.string()),
                "target": pa.array([e.target for e in self.relations], pa.string()),
                "type": pa.array([e.type for e in self.relations], pa.string()),
                "indirect": pa.array([e.indirect for e in self.relations], pa.bool_()),
                "hops": pa.array([e.hops for e in self.relations], pa.int64()),
            }
        )

    def to_pandas(self) -> tuple[pandas.DataFrame, pandas.DataFrame]:
        """(nodes, edges) DataFrames with the columns and dtypes of the module docstring
        (text as the pandas string dtype, under pandas 2 as under 3; see mlg.frames)."""
        from mlg.frames import to_pandas

        nodes, edges = self.to_arrow()
        return to_pandas(nodes), to_pandas(edges)

    @property
    def nodes(self) -> pandas.DataFrame:
        return self.to_pandas()[0]

    @property
    def edges(self) -> pandas.DataFrame:
        return self.to_pandas()[1]

    def to_networkx(self) -> networkx.MultiDiGraph:
        """A MultiDiGraph: node attributes are the asset's fields, edges keyed by type."""
        import networkx as nx

        g = nx.MultiDiGraph(roots=list(self.roots), truncated=self.truncated)
        for a in self.assets:
            g.add_node(
                a.id,
                **{k: v for k, v in a.to_dict().items() if k != "id"},
                distance=self.distances.get(a.id),
                is_root=a.id in self.roots,
            )
        for e in self.relations:
            g.add_edge(e.source, e.target, key=e.type, type=e.type, indirect=e.indirect, hops=e.hops)
        return g

    # -- combining --------------------------------------------------------------------

    @classmethod
    def merge(cls, parts: Iterable[Subgraph]) -> Subgraph:
        """One subgraph holding every asset and edge of the parts (first occurrence wins)."""
        assets: dict[str, Asset] = {}
        edges: dict[tuple[str, str, str], Edge] = {}
        roots: list[str] = []
        distances: dict[str, int] = {}
        owners: dict[str, tuple[Owner, ...]] = {}
        reasons: list[str] = []
        truncated = False
        for part in parts:
            for a in part.assets:
                assets.setdefault(a.id, a)
            for e in part.relations:
                edges.setdefault((e.source, e.target, e.type), e)
            roots.extend(r for r in part.roots if r not in roots)
            for k, d in part.distances.items():
                distances[k] = min(d, distances.get(k, d))
            owners.update(part.owners)
            if part.truncated:
                truncated = True
                if part.truncated_reason and part.truncated_reason not in reasons:
                    reasons.append(part.truncated_reason)
        return cls(
            list(assets.values()),
            list(edges.values()),
            tuple(roots),
            truncated,
            "; ".join(reasons) or None,
            distances,
            owners,
        )


# -- the documented columns from the store's tables ------------------------------------------

_OPTIONAL_TEXT = ("namespace", "family", "version", "description", "domain")


def _node_columns(tables: _Tables, roots: tuple[str, ...]) -> pyarrow.Table:
    """The documented node columns from the store's rows, column by column: optional
    text stored blank becomes missing (mlg.schema.BLANK_FOR_NULL), props lose their
    bookkeeping keys (only rows holding one are parsed), owners are listed per asset in
    mlg.store.tables.owner_order."""
    import pyarrow as pa
    import pyarrow.compute as pc

    nodes = tables.nodes
    text = pa.string()
    ids = nodes.column("id").combine_chunks().cast(text)
    columns: dict[str, Any] = {"id": ids}
    for name in ("kind", "name"):
        columns[name] = nodes.column(name).cast(text)
    for name in _OPTIONAL_TEXT:
        column = nodes.column(name).cast(text)
        columns[name] = pc.if_else(pc.equal(column, ""), pa.scalar(None, text), column)
    tags = nodes.column("tags").combine_chunks().cast(pa.list_(text))
    if tags.null_count:
        tags = pa.array([t or [] for t in tags.to_pylist()], pa.list_(text))
    columns["tags"] = tags
    columns["owners"] = owner_lists(tables.owners, ids)
    columns["props"] = _visible_props(nodes.column("props").combine_chunks().cast(text))
    for name in ("created_at", "updated_at"):
        columns[name] = nodes.column(name).cast(pa.timestamp("us"))
    columns["distance"] = nodes.column("distance").cast(pa.int64())
    columns["is_root"] = pc.is_in(ids, value_set=pa.array(list(roots), text))
    deprecated = np.zeros(len(ids), dtype=bool)
    flat = pc.list_flatten(tags)
    if len(flat):
        hit = pc.equal(flat, "deprecated").to_numpy(zero_copy_only=False)
        deprecated[pc.list_parent_indices(tags).to_numpy()[hit]] = True
    columns["deprecated"] = pa.array(deprecated)
    return pa.table(columns)


def owner_lists(owners: pyarrow.Table | None, ids: pyarrow.Array) -> pyarrow.Array:
    """Per asset of `ids`, the ids of its owners (teams first, then by id)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.string()
    n = len(ids)
    if owners is None or not owners.num_rows:
        return pa.ListArray.from_arrays(pa.array(np.zeros(n + 1, dtype=np.int32)), pa.array([], text))
    at = pc.index_in(owners.column("asset").cast(text), value_set=ids)
    rows = pa.table(
        {
            "at": at,
            "person": pc.not_equal(owners.column("kind").cast(text), "team"),
            "id": owners.column("id").cast(text),
        }
    ).filter(pc.is_valid(at))
    order = [("at", "ascending"), ("person", "ascending"), ("id", "ascending")]
    rows = rows.take(pc.sort_indices(rows, sort_keys=order))
    counts = np.bincount(rows.column("at").to_numpy(), minlength=n)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(counts, out=offsets[1:])
    return pa.ListArray.from_arrays(pa.array(offsets), rows.column("id").combine_chunks())


def _visible_props(props: pyarrow.Array) -> pyarrow.Array:
    """The stored props text ("{}" for none) less BOOKKEEPING_PROPS: only the rows that
    may hold one (a key starting with "_") are parsed and written again."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from mlg.model import canonical_json, without_bookkeeping

    props = pc.if_else(pc.or_(pc.is_null(props), pc.equal(props, "")), "{}", props)
    maybe = pc.fill_null(pc.match_substring(props, '"_'), False)
    rows = pc.indices_nonzero(maybe).to_pylist()
    if not rows:
        return props
    values = props.to_pylist()
    for i in rows:
        values[i] = canonical_json(without_bookkeeping(json.loads(values[i])))
    return pa.array(values, pa.string())


def _edge_columns(edges: pyarrow.Table) -> pyarrow.Table:
    import pyarrow as pa

    n = edges.num_rows
    return pa.table(
        {
            "source": edges.column("source").cast(pa.string()),
            "target": edges.column("target").cast(pa.string()),
            "type": edges.column("type").cast(pa.string()),
            "indirect": pa.array(np.zeros(n, dtype=bool)),
            "hops": pa.array(np.ones(n, dtype=np.int64)),
        }
    )
