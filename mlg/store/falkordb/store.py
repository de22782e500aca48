"""`FalkorStore`: the storage port (mlg.store.port.GraphStore) on a FalkorDB server.

Every line of FalkorDB Cypher mlg runs lives in this package. The graph holds the same
labels as the Kuzu schema (Asset, Owner, Run, AssetAlias, MlgMeta; DEPENDS_ON, OWNED_BY,
RUN_OF, RUN_IO) with an index on every id; timestamps are integers (connection.py).
Many processes may read and write one graph at once: reads run in parallel on the
server, and writes (writes.py) are optimistic transactions, each all or nothing.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from copy import copy
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa

from mlg.errors import GraphError, MlgError, ReadOnlyGraph
from mlg.generation import GENERATION_KEY, GRAPH_ID_KEY, UNTRACKED_KEY, GraphState, initial_meta
from mlg.lifespan import OWNER_LINKS_SCHEMA, TODAY, LifeChange, View
from mlg.lifespan import SCHEMA as LIFETIMES_SCHEMA
from mlg.limits import surrogate_at
from mlg.model import Asset, GraphStats, Neighbour, Owner
from mlg.schema import ASSET_COLUMNS, META_TABLE, OWNER_COLUMNS, RUN_COLUMNS, SCHEMA_VERSION
from mlg.store.falkordb import views, walks
from mlg.store.falkordb.connection import Connection, from_micros
from mlg.store.falkordb.url import Target, parse_target
from mlg.store.falkordb.views import ASSET_HISTORY, OWNER_LINK_HISTORY
from mlg.store.image import GraphImage  # noqa: TC001 - in the port's signatures
from mlg.store.port import (
    ASSET_SCHEMA,
    EDGE_TABLE,
    MAX_DEPTH,
    OWNERSHIP_TABLE,
    RELATION_RECORD_TABLE,
    Closure,
    CountedLevel,
    CountedNeighbour,
    Derived,
    Reach,
    ReachPath,
    RelationRecords,
    Resolution,
    StoredRun,
    WriteOutcome,
)
from mlg.store.tables import owners_at

ASSET_RETURN = ", ".join(f"a.{name}" for name, _ in ASSET_COLUMNS)
# what readers of whole assets add (mlg.lifespan.LIFE_RETURN): Asset.from_row reads them
LIFE_NAMES = ("valid_to", "placeholder", "retired_reason", "sources")
FULL_RETURN = ASSET_RETURN + "".join(f", a.{n}" for n in LIFE_NAMES)
# what walks add for the UIs to mark (placeholder, retired)
BRIEF_LIFE = (("placeholder", pa.bool_()), ("valid_to", pa.timestamp("us")))
_TIME_COLUMNS = {n for n, t in ASSET_COLUMNS if t == "TIMESTAMP"}
_RUN_TIMES = {n for n, t in RUN_COLUMNS if t == "TIMESTAMP"}
RUN_RETURN = ", ".join(f"r.{n}" for n, _ in RUN_COLUMNS)
OWNER_RETURN = ", ".join(f"o.{n}" for n, _ in OWNER_COLUMNS)
# kept asset versions (mlg.lifecycle.history) are looked up by asset and key
LIFE_INDEXES = (
    f"CREATE INDEX FOR (h:{ASSET_HISTORY}) ON (h.asset)",
    f"CREATE INDEX FOR (h:{ASSET_HISTORY}) ON (h.key)",
)
OWNER_LINK_INDEXES = (f"CREATE INDEX FOR (h:{OWNER_LINK_HISTORY}) ON (h.asset)",)
# id indexes first: every look-up mlg makes is by id (or name, family, generation)
INDEXES = (
    "CREATE INDEX FOR (a:Asset) ON (a.id)",
    "CREATE INDEX FOR (a:Asset) ON (a.name)",
    "CREATE INDEX FOR (a:Asset) ON (a.family)",
    "CREATE INDEX FOR (a:Asset) ON (a.gen)",
    "CREATE INDEX FOR (o:Owner) ON (o.id)",
    "CREATE INDEX FOR (r:Run) ON (r.id)",
    "CREATE INDEX FOR (x:AssetAlias) ON (x.id)",
    f"CREATE INDEX FOR (m:{META_TABLE}) ON (m.key)",
    *LIFE_INDEXES,
    *OWNER_LINK_INDEXES,
)
CHUNK = 5_000
# MlgMeta key set once the graph's assets, edges and owner links carry the lifecycle
# properties (a graph written by the FalkorDB backend before it kept lifetimes has none)
LIFECYCLE_KEY = "falkordb_lifecycle"
_OUT_EDGES = "UNWIND $ids AS i MATCH (a:Asset {id: i})-[e:DEPENDS_ON]->(b:Asset) RETURN a.id, b.id, e.type"


# (host, port, graph) -> [the Derived every handle on that graph in this process shares, users]
_shared: dict[tuple[str, int, str], list] = {}
_shared_lock = threading.Lock()


def _acquire_derived(key: tuple[str, int, str]) -> Derived:
    with _shared_lock:
        entry = _shared.setdefault(key, [Derived(), 0])
        entry[1] += 1
        return entry[0]


def _release_derived(key: tuple[str, int, str]) -> None:
    with _shared_lock:
        entry = _shared.get(key)
        if entry is None:
            return
        entry[1] -= 1
        if entry[1] <= 0:
            del _shared[key]
            with entry[0].lock:
                entry[0].close()


def open_falkordb(target: str, *, read_only: bool = False, create: bool = True) -> FalkorStore:
    """The registry's opener for `falkordb://HOST:PORT/GRAPH` (and `falkordbs://`)."""
    return FalkorStore(parse_target(str(target)), read_only=read_only, create=create)


def _chunks(items: list, size: int = CHUNK):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def asset_table(rows: list[list], extra: Sequence[tuple[str, pa.DataType]] = ()) -> pa.Table:
    """Rows of ASSET_RETURN (plus `extra` columns) as an ASSET_SCHEMA (+ extra) table."""
    columns = list(zip(*rows)) if rows else [()] * (len(ASSET_COLUMNS) + len(extra))
    arrays = []
    for (name, _), values in zip(ASSET_COLUMNS, columns):
        if name in _TIME_COLUMNS:
            arrays.append(pa.array(values, pa.int64()).cast(pa.timestamp("us")))
        elif name == "tags":
            arrays.append(pa.array([list(v or ()) for v in values], pa.list_(pa.string())))
        else:
            arrays.append(pa.array(values, pa.string()))
    fields = list(ASSET_SCHEMA)
    for (name, typ), values in zip(extra, columns[len(ASSET_COLUMNS) :]):
        arrays.append(pa.array(values, typ))
        fields.append(pa.field(name, typ))
    return pa.Table.from_arrays(arrays, schema=pa.schema(fields))


def asset_of(row: list) -> Asset:
    """An Asset from one row of ASSET_RETURN or FULL_RETURN."""
    record = dict(zip([n for n, _ in ASSET_COLUMNS] + list(LIFE_NAMES), row))
    for name in _TIME_COLUMNS:
        record[name] = from_micros(record[name])
    record["valid_to"] = from_micros(record.get("valid_to"))
    return Asset.from_row(record)


def run_row(row: list) -> dict[str, Any]:
    record = dict(zip((n for n, _ in RUN_COLUMNS), row))
    for name in _RUN_TIMES:
        record[name] = from_micros(record[name])
    return record


def _storable(ids: Iterable[str]) -> list[str]:
    """Distinct ids that are storable text (others name nothing)."""
    return list(dict.fromkeys(i for i in ids if isinstance(i, str) and surrogate_at(i) is None))


class FalkorStore:
    """One graph on a FalkorDB server (see the module doc)."""

    def __init__(self, target: Target, *, read_only: bool = False, create: bool = True):
        self.target = target
        self.location = target.location
        self.read_only = read_only
        self._closed = False
        self._borrowed = False  # a view of another handle (viewing): closing it closes nothing
        self.view: View = TODAY
        self.conn = Connection(target)
        try:
            self.schema_version = self._check_or_create(create and not read_only)
        except BaseException:
            self.conn.close()
            raise
        self._key = (target.host, target.port, target.graph)
        self.derived = _acquire_derived(self._key)

    # -- lifecycle ------------------------------------------------------------------

    def _check_or_create(self, create: bool) -> int:
        if not self.conn.exists():
            if not create:
                raise GraphError(
                    f"no graph at {self.location}; create one with `mlg init` "
                    "or load the sample with `mlg sample`"
                )
            from mlg.store.falkordb.writes import create_schema

            create_schema(self, {"schema_version": str(SCHEMA_VERSION), LIFECYCLE_KEY: "1", **initial_meta()})
            return SCHEMA_VERSION
        rows = self.conn.rows(f"MATCH (m:{META_TABLE} {{key: 'schema_version'}}) RETURN m.value")
        if not rows:
            raise GraphError(f"the graph {self.location} is not an mlg graph (no schema version)")
        version = int(rows[0][0])
        # schema 5 is upgraded in place (writes.upgrade_to_6); older ones are copied
        if version != SCHEMA_VERSION and version != OWNER_LINKS_SCHEMA - 1:
            relation = "newer" if version > SCHEMA_VERSION else "older"
            raise GraphError(
                f"graph at {self.location} has schema version {version}, {relation} than this mlg "
                f"({SCHEMA_VERSION}); "
                + ("upgrade mlg" if version > SCHEMA_VERSION else "copy it with a matching mlg")
            )
        if not self.conn.rows(f"MATCH (m:{META_TABLE} {{key: $k}}) RETURN m.value", {"k": LIFECYCLE_KEY}):
            if not create:
                # seen as it is, without lifetimes (mlg.lifespan.LEGACY), until opened writable
                return LIFETIMES_SCHEMA - 1  # the schema before lifetimes
            from mlg.store.falkordb.writes import add_lifecycle

            add_lifecycle(self)
        if version < SCHEMA_VERSION:
            if not create:
                return version  # seen as it is: owner links without lifetimes (today's)
            from mlg.store.falkordb.writes import upgrade_to_6

            upgrade_to_6(self)
            version = SCHEMA_VERSION
        return version

    def close(self) -> None:
        if self._closed or self._borrowed:
            return
        self._closed = True
        _release_derived(self._key)
        self.conn.close()

    def __enter__(self) -> FalkorStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _rows(self, query: str, params: dict[str, Any] | None = None) -> list[list]:
        if self._closed:
            raise MlgError(f"graph at {self.location} is closed")
        return self.conn.rows(query, params)

    def derived_path(self, suffix: str) -> Path:
        from platformdirs import user_cache_path

        key = hashlib.sha256(
            f"{self.target.host}:{self.target.port}/{self.target.graph}".encode()
        ).hexdigest()
        return user_cache_path("mlg", appauthor=False) / "falkordb" / key[:24] / f"graph{suffix}"

    # -- assets ---------------------------------------------------------------------

    def asset_rows(self, ids: Iterable[str]) -> pa.Table:
        rows: list[list] = []
        for chunk in _chunks(_storable(ids)):
            rows += self._rows(
                f"UNWIND $ids AS i MATCH (a:Asset {{id: i}}) RETURN {ASSET_RETURN}", {"ids": chunk}
            )
        return asset_table(rows)

    def assets(self, ids: Iterable[str]) -> dict[str, Asset]:
        out: dict[str, Asset] = {}
        for chunk in _chunks(_storable(ids)):
            for row in self._rows(
                f"UNWIND $ids AS i MATCH (a:Asset {{id: i}}) RETURN {FULL_RETURN}", {"ids": chunk}
            ):
                out[row[0]] = asset_of(row)
        return out

    def resolve(self, ref: str) -> Resolution:
        if surrogate_at(ref) is not None:
            return Resolution(None)
        found = self.assets([ref])
        if ref in found:
            return Resolution(found[ref])
        alive = views.asset_alive(views.of(self))
        rows = self._rows(
            f"MATCH (a:Asset {{name: $name}}) WHERE {alive} RETURN {FULL_RETURN} ORDER BY a.id LIMIT 51",
            {"name": ref},
        )
        if len(rows) == 1:
            return Resolution(asset_of(rows[0]))
        if rows:
            return Resolution(None, named=tuple(r[0] for r in rows[:50]))
        near = self._rows(
            "MATCH (a:Asset) WHERE (toLower(a.id) CONTAINS $q OR toLower(a.name) CONTAINS $q) "
            f"AND {alive} RETURN a.id ORDER BY size(a.id), a.id LIMIT 5",
            {"q": ref.lower()},
        )
        return Resolution(None, near=tuple(r[0] for r in near))

    def siblings(self, asset: Asset) -> list[Asset]:
        if not asset.family:
            return []
        rows = self._rows(
            f"MATCH (a:Asset {{family: $family}}) WHERE a.kind = $kind AND a.id <> $id "
            f"AND {views.asset_alive(views.of(self))} RETURN {FULL_RETURN} ORDER BY a.version, a.id",
            {"family": asset.family, "kind": asset.kind, "id": asset.id},
        )
        return [asset_of(r) for r in rows]

    def neighbours(self, asset_id: str, direction: str) -> list[Neighbour]:
        view = views.of(self)
        label = views.edges(view)
        arrow = {"up": f"-[e:{label}]->", "down": f"<-[e:{label}]-"}[direction]
        if surrogate_at(asset_id) is not None:
            return []
        rows = self._rows(
            f"MATCH (r:Asset {{id: $id}}){arrow}(a:Asset) WHERE {views.edge_alive(view)} "
            f"RETURN {FULL_RETURN}, e.type ORDER BY e.type, a.kind, a.name, a.id",
            {"id": asset_id},
        )
        found = [Neighbour(asset_of(r[:-1]), r[-1]) for r in rows]
        return found if view.today else list(dict.fromkeys(found))  # an edge retired and back: once

    def counted_neighbours(
        self, asset_id: str, direction: str, *, kinds: Sequence[str] | None, limit: int
    ) -> CountedLevel:
        label = views.edges(views.of(self))
        arrow, onwards = {
            "up": (f"-[e:{label}]->", f"-[f:{label}]->"),
            "down": (f"<-[e:{label}]-", f"<-[f:{label}]-"),
        }[direction]
        if surrogate_at(asset_id) is not None:
            return CountedLevel(0, 0, ())
        params = {"id": asset_id, "kinds": list(kinds or ()), "all": kinds is None, "limit": limit}
        counts = self._rows(
            f"MATCH (r:Asset {{id: $id}}){arrow}(a:Asset) "
            "RETURN count(a), sum(CASE WHEN $all OR a.kind IN $kinds THEN 1 ELSE 0 END)",
            params,
        )
        total, matching = (int(counts[0][0]), int(counts[0][1] or 0)) if counts else (0, 0)
        rows = (
            self._rows(
                f"MATCH (r:Asset {{id: $id}}){arrow}(a:Asset) WHERE $all OR a.kind IN $kinds "
                f"WITH a, e LIMIT $limit OPTIONAL MATCH (a){onwards}(:Asset) "
                "RETURN a.id, a.kind, a.name, a.version, e.type, count(f)",
                params,
            )
            if matching
            else []
        )
        return CountedLevel(
            total,
            matching,
            tuple(CountedNeighbour(r[0], r[1], r[2], r[3] or None, r[4], int(r[5])) for r in rows),
        )

    def owners_of(self, ids: Iterable[str]) -> dict[str, tuple[Owner, ...]]:
        if self.view.as_of is not None:  # the owners as they were
            return owners_at(self, _storable(ids), self.view.as_of)
        found: dict[str, list[Owner]] = defaultdict(list)
        for chunk in _chunks(_storable(ids)):
            for row in self._rows(
                "UNWIND $ids AS i MATCH (a:Asset {id: i})-[r:OWNED_BY]->(o:Owner) "
                f"RETURN a.id, {OWNER_RETURN}, r.role",
                {"ids": chunk},
            ):
                found[row[0]].append(Owner(row[1], row[2], row[3], row[4] or None, row[5]))
        return {
            a: tuple(sorted(owners, key=lambda o: (o.kind != "team", o.id, o.role or "")))
            for a, owners in found.items()
        }

    def all_owners(self) -> list[Owner]:
        return [
            Owner(r[0], r[1], r[2], r[3] or None)
            for r in self._rows(f"MATCH (o:Owner) RETURN {OWNER_RETURN} ORDER BY o.id")
        ]

    def stats(self) -> GraphStats:
        def counts(query: str) -> dict[str, int]:
            return {r[0]: int(r[1]) for r in self._rows(query)}

        alive = views.asset_alive(views.of(self))
        unowned = self._rows(
            f"MATCH (a:Asset) WHERE {alive} AND NOT (a)-[:OWNED_BY]->(:Owner) RETURN count(a)"
        )
        return GraphStats(
            path=self.location,
            assets_by_kind=counts(f"MATCH (a:Asset) WHERE {alive} RETURN a.kind AS k, count(a) ORDER BY k"),
            relations_by_type=counts(
                "MATCH (:Asset)-[e:DEPENDS_ON]->(:Asset) RETURN e.type AS k, count(e) ORDER BY k"
            ),
            owners_by_kind=counts("MATCH (o:Owner) RETURN o.kind AS k, count(o) ORDER BY k"),
            unowned_assets=int(unowned[0][0]) if unowned else 0,
        )

    # -- lineage --------------------------------------------------------------------

    def _node_rows(self, nodes: list[int]) -> dict[int, list]:
        out: dict[int, list] = {}
        for chunk in _chunks(nodes):
            for row in self._rows(
                f"UNWIND $ids AS i MATCH (a:Asset) WHERE id(a) = i RETURN id(a), {ASSET_RETURN}, "
                "a.placeholder, a.valid_to",
                {"ids": chunk},
            ):
                out[row[0]] = row[1:]
        return out

    def _edges_of_nodes(self, nodes: Iterable[int], types: Sequence[str] | None = None) -> list[tuple]:
        """(source id, target id, type) of every edge among the internal `nodes`."""
        members = set(nodes)
        view = views.of(self)
        where = " AND e.type IN $types" if types is not None else ""
        out = []
        for chunk in _chunks(list(members)):
            for row in self._rows(
                f"UNWIND $ids AS i MATCH (a:Asset)-[e:{views.edges(view)}]->(b:Asset) WHERE id(a) = i"
                f"{where} AND {views.edge_alive(view)} RETURN id(b), a.id, b.id, e.type",
                {"ids": chunk, "types": list(types or ())},
            ):
                if row[0] in members:
                    out.append(tuple(row[1:]))
        return out if view.today else list(dict.fromkeys(out))  # an edge retired and back: once

    def _walk(self, root: int, direction: str, depth: int, types=None, parents: bool = False):
        """The frontier walk (walks.py) over the edges of this store's view."""
        view = views.of(self)
        return walks.walk(
            self.conn,
            root,
            direction,
            depth,
            types,
            parents,
            edges=views.edges(view),
            alive=views.edge_alive(view),
        )

    def closure(
        self,
        root_id: str,
        direction: str,
        *,
        depth: int,
        types: Sequence[str] | None = None,
        owners: bool = True,
    ) -> Closure:
        empty = Closure(
            asset_table([], [("distance", pa.int64())]),
            EDGE_TABLE.empty_table(),
            OWNERSHIP_TABLE.empty_table(),
        )
        root = None if surrogate_at(root_id) is not None else walks.root_node(self.conn, root_id)
        if root is None:
            return empty
        found = self._walk(root, direction, min(depth, MAX_DEPTH), types)
        reached = [n for n in found.distance if n != root]
        rows = self._node_rows(reached)
        assets = asset_table(
            [rows[n] + [found.distance[n]] for n in reached if n in rows],
            [*BRIEF_LIFE, ("distance", pa.int64())],
        )
        edges = self._edges_of_nodes(found.distance, types)
        edge_table = pa.Table.from_arrays(
            [pa.array([e[i] for e in edges], pa.string()) for i in range(3)], schema=EDGE_TABLE
        )
        owner_table = OWNERSHIP_TABLE.empty_table()
        if owners:
            ids = [root_id] + [rows[n][0] for n in reached if n in rows]
            owned = [(a, o) for a, os in self.owners_of(ids).items() for o in os]
            owner_table = pa.Table.from_pylist(
                [
                    {
                        "asset": a,
                        "id": o.id,
                        "kind": o.kind,
                        "name": o.name,
                        "email": o.email or "",
                        "role": o.role,
                    }
                    for a, o in owned
                ],
                schema=OWNERSHIP_TABLE,
            )
        return Closure(assets, edge_table, owner_table)

    def distances(self, root_id: str, direction: str, *, depth: int) -> dict[str, int]:
        root = None if surrogate_at(root_id) is not None else walks.root_node(self.conn, root_id)
        if root is None:
            return {}
        found = self._walk(root, direction, min(depth, MAX_DEPTH))
        ids = self._ids_of(list(found.distance))
        return {ids[n]: d for n, d in found.distance.items() if n in ids}

    def _ids_of(self, nodes: list[int]) -> dict[int, str]:
        out: dict[int, str] = {}
        for chunk in _chunks(nodes, 20_000):
            for row in self._rows(
                "UNWIND $ids AS i MATCH (a:Asset) WHERE id(a) = i RETURN id(a), a.id", {"ids": chunk}
            ):
                out[row[0]] = row[1]
        return out

    def shortest_path(self, source_id: str, target_id: str, direction: str) -> list[str] | None:
        if (
            surrogate_at(source_id) is not None
            or surrogate_at(target_id) is not None
            or source_id == target_id
        ):
            if source_id != target_id:
                return None
        if direction in ("up", "down") and views.of(self).today:
            arrow = "-[:DEPENDS_ON*1..%d]->" if direction == "up" else "<-[:DEPENDS_ON*1..%d]-"
            rows = self._rows(
                "MATCH (a:Asset {id: $s}), (b:Asset {id: $t}) "
                f"RETURN [n IN nodes(shortestPath((a){arrow % MAX_DEPTH}(b))) | n.id]",
                {"s": source_id, "t": target_id},
            )
            path = list(rows[0][0] or ()) if rows else []
            if len(path) < 2:
                return None
            # nodes() runs along the edges' direction: from the source of the first edge
            return path if path[0] == source_id else path[::-1]
        # FalkorDB has no undirected shortestPath: the frontier walk, with parents
        root = walks.root_node(self.conn, source_id)
        goal = walks.root_node(self.conn, target_id)
        if root is None or goal is None:
            return None
        found = self._walk(root, direction, MAX_DEPTH, parents=True)
        if goal not in found.distance or goal == root:
            return None
        nodes, _ = walks.path_of(found, goal)
        ids = self._ids_of(nodes)
        return [ids[n] for n in nodes]

    def edges_among(self, ids: Iterable[str]) -> pa.Table:
        members = set(_storable(ids))
        view = views.of(self)
        query = (
            f"UNWIND $ids AS i MATCH (a:Asset {{id: i}})-[e:{views.edges(view)}]->(b:Asset) "
            f"WHERE {views.edge_alive(view)} RETURN a.id, b.id, e.type"
        )
        rows = []
        for chunk in _chunks(list(members)):
            rows += [r for r in self._rows(query, {"ids": chunk}) if r[1] in members]
        if not view.today:
            rows = list(dict.fromkeys(tuple(r) for r in rows))
        return pa.Table.from_arrays(
            [pa.array([r[i] for r in rows], pa.string()) for i in range(3)], schema=EDGE_TABLE
        )

    def edges_present(self, keys: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        wanted = {tuple(k) for k in keys}
        sources = _storable(k[0] for k in wanted)
        found = set()
        for chunk in _chunks(sources):
            for row in self._rows(
                _OUT_EDGES,
                {"ids": chunk},
            ):
                if tuple(row) in wanted:
                    found.add(tuple(row))
        return found

    def all_edges(self) -> pa.Table:
        rows = self._rows("MATCH (a:Asset)-[:DEPENDS_ON]->(b:Asset) RETURN a.id, b.id")
        return pa.table(
            {
                "source": pa.array([r[0] for r in rows], pa.string()),
                "target": pa.array([r[1] for r in rows], pa.string()),
            }
        )

    def relation_records(self) -> RelationRecords:
        rows = self._rows(
            "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) "
            "RETURN a.id, b.id, e.type, e.source, e.first_seen, e.last_seen"
        )
        columns = list(zip(*rows)) if rows else [()] * 6
        edges = pa.Table.from_arrays(
            [pa.array(c, pa.string()) for c in columns[:4]]
            + [pa.array(c, pa.int64()).cast(pa.timestamp("us")) for c in columns[4:]],
            schema=RELATION_RECORD_TABLE,
        )
        runs = tuple(r[0] for r in self._rows("MATCH (r:Run) RETURN r.id"))
        aliases = tuple(r[0] for r in self._rows("MATCH (x:AssetAlias) RETURN x.id"))
        return RelationRecords(edges, runs, aliases)

    def edges_of(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        found: dict[tuple, dict[str, Any]] = {}
        for chunk in _chunks(_storable(ids)):
            for pattern in (
                "(a:Asset {id: i})-[e:DEPENDS_ON]->(b:Asset)",
                "(a:Asset)-[e:DEPENDS_ON]->(b:Asset {id: i})",
            ):
                for row in self._rows(
                    f"UNWIND $ids AS i MATCH {pattern} "
                    "RETURN a.id, b.id, e.type, e.source, e.first_seen, e.last_seen",
                    {"ids": chunk},
                ):
                    found[tuple(row[:3])] = {
                        "src": row[0],
                        "dst": row[1],
                        "type": row[2],
                        "source": row[3],
                        "first_seen": from_micros(row[4]),
                        "last_seen": from_micros(row[5]),
                    }
        return list(found.values())

    # -- reports --------------------------------------------------------------------

    def _selected(self, reach: Reach | None, kind: str, tags: Sequence[str]) -> bool:
        if reach is None or (not reach.kinds and not reach.kinds_tagged):
            return True
        return kind in reach.kinds or any(kind == k and t in tags for k, t in reach.kinds_tagged)

    def reach_counts(self, roots: Sequence[str], direction: str, *, reach: Reach | None = None) -> pa.Table:
        out: dict[str, list] = {"root": [], "kind": [], "n": [], "deepest": []}
        for root_id in roots:
            root = walks.root_node(self.conn, root_id) if surrogate_at(root_id) is None else None
            if root is None:
                continue
            found = walks.walk(self.conn, root, direction, MAX_DEPTH)
            nodes = [n for n in found.distance if n != root]
            kinds = self._kinds_tags(nodes)
            n: Counter = Counter()
            deepest: dict[str, int] = {}
            for node in nodes:
                kind, tags = kinds.get(node, (None, ()))
                if kind is None or not self._selected(reach, kind, tags):
                    continue
                n[kind] += 1
                deepest[kind] = max(deepest.get(kind, 0), found.distance[node])
            for kind in sorted(n):
                out["root"].append(root_id)
                out["kind"].append(kind)
                out["n"].append(n[kind])
                out["deepest"].append(deepest[kind])
        return pa.table(
            {
                "root": pa.array(out["root"], pa.string()),
                "kind": pa.array(out["kind"], pa.string()),
                "n": pa.array(out["n"], pa.int64()),
                "deepest": pa.array(out["deepest"], pa.int64()),
            }
        )

    def _kinds_tags(self, nodes: list[int]) -> dict[int, tuple[str, tuple]]:
        out = {}
        for chunk in _chunks(nodes, 20_000):
            for row in self._rows(
                "UNWIND $ids AS i MATCH (a:Asset) WHERE id(a) = i RETURN id(a), a.kind, a.tags",
                {"ids": chunk},
            ):
                out[row[0]] = (row[1], tuple(row[2] or ()))
        return out

    def reach_paths(
        self, roots: Sequence[str], direction: str, *, reach: Reach | None = None, limit: int
    ) -> list[ReachPath]:
        paths: list[ReachPath] = []
        for root_id in roots:
            if len(paths) >= limit:
                break
            root = walks.root_node(self.conn, root_id) if surrogate_at(root_id) is None else None
            if root is None:
                continue
            found = walks.walk(self.conn, root, direction, MAX_DEPTH, parents=True)
            nodes = [n for n in found.distance if n != root]
            kinds = self._kinds_tags(nodes)
            chosen = [n for n in nodes if n in kinds and self._selected(reach, *kinds[n])][
                : limit - len(paths)
            ]
            routes = {n: walks.path_of(found, n) for n in chosen}
            ids = self._ids_of(list({m for nodes_, _ in routes.values() for m in nodes_}))
            for node, (route, types) in routes.items():
                paths.append(ReachPath(root_id, ids[node], tuple(ids[m] for m in route), tuple(types)))
        return paths

    def most_depended_on(self, kind: str, top: int) -> list[tuple[str, int]]:
        rows = self._rows(
            "MATCH (a:Asset {kind: $kind})<-[:DEPENDS_ON]-(d:Asset) WITH a, count(DISTINCT d) AS n "
            "RETURN a.id, n ORDER BY n DESC, a.id LIMIT $top",
            {"kind": kind, "top": top},
        )
        return [(r[0], int(r[1])) for r in rows]

    def unowned(self, limit: int) -> tuple[dict[str, int], list[Asset]]:
        alive = views.asset_alive(views.of(self))
        counts = self._rows(
            f"MATCH (a:Asset) WHERE {alive} AND NOT (a)-[:OWNED_BY]->(:Owner) "
            "RETURN a.kind AS k, count(a) ORDER BY k"
        )
        rows = self._rows(
            f"MATCH (a:Asset) WHERE {alive} AND NOT (a)-[:OWNED_BY]->(:Owner) RETURN {FULL_RETURN} "
            "ORDER BY a.kind, a.name, a.id LIMIT $limit",
            {"limit": limit},
        )
        return {r[0]: int(r[1]) for r in counts}, [asset_of(r) for r in rows]

    def tagged_in_use(self, tag: str) -> list[tuple[str, int]]:
        rows = self._rows(
            "MATCH (a:Asset)<-[e:DEPENDS_ON]-(:Asset) WHERE $tag IN a.tags "
            "RETURN a.id, count(e) AS n ORDER BY n DESC, a.id",
            {"tag": tag},
        )
        return [(r[0], int(r[1])) for r in rows]

    # -- runs and aliases -------------------------------------------------------------

    def recent_runs(self, workflow_id: str, limit: int) -> list[StoredRun]:
        rows = self._rows(
            f"MATCH (r:Run)-[:RUN_OF]->(w:Asset {{id: $id}}) RETURN {RUN_RETURN} "
            "ORDER BY coalesce(r.started_at, r.last_event_at) DESC, r.id DESC LIMIT $limit",
            {"id": workflow_id, "limit": limit},
        )
        runs = [run_row(r) for r in rows]
        io: dict[str, dict[str, list[str]]] = defaultdict(lambda: {"input": [], "output": []})
        for run_id, asset_id, direction in sorted(self.run_io([r["id"] for r in runs])):
            io[run_id][direction].append(asset_id)
        found = self.assets({a for d in io.values() for ids in d.values() for a in ids})
        return [
            StoredRun(
                row=r,
                inputs=tuple(found[a] for a in io[r["id"]]["input"] if a in found),
                outputs=tuple(found[a] for a in io[r["id"]]["output"] if a in found),
            )
            for r in runs
        ]

    def runs(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        out = {}
        for chunk in _chunks(_storable(ids)):
            for row in self._rows(
                f"UNWIND $ids AS i MATCH (r:Run {{id: i}}) RETURN {RUN_RETURN}", {"ids": chunk}
            ):
                out[row[0]] = run_row(row)
        return out

    def run_io(self, ids: Iterable[str]) -> set[tuple[str, str, str]]:
        out = set()
        for chunk in _chunks(_storable(ids)):
            for row in self._rows(
                "UNWIND $ids AS i MATCH (r:Run {id: i})-[l:RUN_IO]->(a:Asset) RETURN r.id, a.id, l.direction",
                {"ids": chunk},
            ):
                out.add(tuple(row))
        return out

    def aliases(self, ids: Iterable[str]) -> dict[str, str]:
        out = {}
        for chunk in _chunks(_storable(ids)):
            for row in self._rows(
                "UNWIND $ids AS i MATCH (x:AssetAlias {id: i}) RETURN x.id, x.asset", {"ids": chunk}
            ):
                out[row[0]] = row[1]
        return out

    def aliases_of(self, asset_ids: Iterable[str]) -> dict[str, str]:
        out = {}
        for chunk in _chunks(_storable(asset_ids)):
            for row in self._rows(
                "UNWIND $ids AS i MATCH (x:AssetAlias) WHERE x.asset = i RETURN x.id, x.asset", {"ids": chunk}
            ):
                out[row[0]] = row[1]
        return out

    def runs_using(self, asset_ids: Iterable[str]) -> set[str]:
        out: set[str] = set()
        for chunk in _chunks(_storable(asset_ids)):
            rows = self._rows(
                "UNWIND $ids AS i MATCH (r:Run)-[:RUN_IO]->(a:Asset {id: i}) RETURN DISTINCT r.id",
                {"ids": chunk},
            )
            out.update(r[0] for r in rows)
        return out

    def assets_named(self, names: Iterable[str]) -> pa.Table:
        rows = []
        for chunk in _chunks(_storable(names)):
            rows += self._rows(
                "UNWIND $names AS n MATCH (a:Asset {name: n}) "
                "RETURN a.id, a.kind, a.namespace, a.name, a.version, a.created_at",
                {"names": chunk},
            )
        cols = list(zip(*rows)) if rows else [()] * 6
        return pa.table(
            {
                **{
                    k: pa.array(v, pa.string())
                    for k, v in zip(("id", "kind", "namespace", "name", "version"), cols[:5])
                },
                "created_at": pa.array(cols[5], pa.int64()).cast(pa.timestamp("us")),
            }
        )

    def ownerships(self, ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for chunk in _chunks(_storable(ids)):
            for row in self._rows(
                "UNWIND $ids AS i MATCH (a:Asset {id: i})-[r:OWNED_BY]->(o:Owner) RETURN a.id, o.id, r.role",
                {"ids": chunk},
            ):
                out[row[0]].append((row[1], row[2]))
        return {k: sorted(v) for k, v in out.items()}

    # -- what the search index reads ----------------------------------------------------

    def index_assets(self, since: int | None) -> pa.Table:
        # `alive`: the search index keeps alive assets only, and forgets retired ones,
        # whatever the view of the handle that brings it up to date (it is shared)
        alive = "true" if views.of(self).legacy else f"a.valid_to = {views.FOREVER_US}"
        extra = [("alive", pa.bool_())]
        if since is None:
            return asset_table(
                self._rows(f"MATCH (a:Asset) WHERE {alive} RETURN {ASSET_RETURN}, true"), extra
            )
        return asset_table(
            self._rows(
                f"MATCH (a:Asset) WHERE a.gen > $since RETURN {ASSET_RETURN}, {alive}", {"since": since}
            ),
            extra,
        )

    def index_ownerships(
        self, since: int | None = None, ids: Iterable[str] | None = None
    ) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = defaultdict(list)
        if ids is not None:
            rows = []
            for chunk in _chunks(_storable(ids)):
                rows += self._rows(
                    "UNWIND $ids AS i MATCH (a:Asset {id: i})-[:OWNED_BY]->(o:Owner) "
                    "RETURN a.id, o.id, o.name",
                    {"ids": chunk},
                )
        elif since is None:
            rows = self._rows("MATCH (a:Asset)-[:OWNED_BY]->(o:Owner) RETURN a.id, o.id, o.name")
        else:
            rows = self._rows(
                "MATCH (a:Asset)-[:OWNED_BY]->(o:Owner) WHERE a.gen > $since RETURN a.id, o.id, o.name",
                {"since": since},
            )
        for a, o, name in rows:
            out[a].append((o, name))
        return {k: sorted(v) for k, v in out.items()}

    # -- generations --------------------------------------------------------------------

    def state(self) -> GraphState:
        values = dict(
            self._rows(
                f"MATCH (m:{META_TABLE}) WHERE m.key IN $keys RETURN m.key, m.value",
                {"keys": [GENERATION_KEY, UNTRACKED_KEY, GRAPH_ID_KEY]},
            )
        )
        return GraphState(
            graph_id=values.get(GRAPH_ID_KEY),
            generation=int(values.get(GENERATION_KEY) or 0),
            untracked=int(values.get(UNTRACKED_KEY) or 0),
        )

    def mark_untracked(self) -> int:
        self._require_writable()
        from mlg.store.falkordb.writes import transaction

        return transaction(self, lambda generation: [], untracked=True)[0]

    # -- writing --------------------------------------------------------------------------

    def _require_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyGraph(f"graph at {self.location} is open read-only; writes are refused")

    def is_empty(self) -> bool:
        return not self._rows("MATCH (a:Asset) RETURN 1 LIMIT 1") and not self._rows(
            "MATCH (o:Owner) RETURN 1 LIMIT 1"
        )

    def asset_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        out = {}
        for chunk in _chunks(_storable(ids)):
            for row in self._rows(
                "UNWIND $ids AS i MATCH (a:Asset {id: i}) RETURN a.id, a.kind", {"ids": chunk}
            ):
                out[row[0]] = row[1]
        return out

    def owner_ids(self, ids: Iterable[str]) -> set[str]:
        out = set()
        for chunk in _chunks(_storable(ids)):
            out.update(
                r[0]
                for r in self._rows("UNWIND $ids AS i MATCH (o:Owner {id: i}) RETURN o.id", {"ids": chunk})
            )
        return out

    def rekey_assets(self, rekeyed: dict[str, str]) -> None:
        from mlg.store.falkordb.rekey import rekey_assets

        rekey_assets(self, rekeyed)

    def write_plan(self, plan, progress=None, *, dry_run: bool = False) -> WriteOutcome:
        self._require_writable()
        from mlg.store.falkordb.writes import write_plan

        return write_plan(self, plan, progress, dry_run=dry_run)

    # -- lifecycle: views, history, retirement, placeholders (history.py, retire.py) -----------

    def image(self) -> GraphImage:
        from mlg.store.falkordb.image import read_image

        return read_image(self)

    def write_image(self, image: GraphImage) -> WriteOutcome:
        self._require_writable()
        from mlg.store.falkordb.image import write_image

        return write_image(self, image)

    def viewing(self, *, include_retired: bool = False, as_of: datetime | None = None) -> FalkorStore:
        view = copy(self)
        view.view = View(include_retired=include_retired, as_of=as_of)
        view._borrowed = True
        return view

    def asset_at(self, asset_id: str, moment: datetime) -> Asset | None:
        from mlg.store.falkordb import history

        return history.asset_at(self, asset_id, moment)

    def versions_at(self, ids: Iterable[str], moment: datetime) -> dict[str, Asset]:
        from mlg.store.falkordb import history

        return history.versions_at(self, _storable(ids), moment)

    def assets_as_of(self, moment: datetime, *, asset: str | None = None) -> dict[str, dict[str, Any]]:
        from mlg.store.falkordb import history

        return history.assets_as_of(self, moment, asset)

    def edges_as_of(
        self, moment: datetime, *, asset: str | None = None
    ) -> dict[tuple[str, str, str], tuple[str, ...]]:
        from mlg.store.falkordb import history

        return history.edges_as_of(self, moment, asset)

    def ownerships_as_of(
        self, moment: datetime, *, ids: Iterable[str] | None = None
    ) -> dict[str, list[tuple[str, str]]]:
        from mlg.store.falkordb import history

        return history.ownerships_as_of(self, moment, None if ids is None else _storable(ids))

    def placeholders(self, limit: int) -> list[Asset]:
        from mlg.store.falkordb import history

        return history.placeholders(self, limit)

    def retired_search(self, words: Sequence[str], *, kinds: Sequence[str] = (), limit: int) -> list[Asset]:
        from mlg.store.falkordb import history

        return history.retired_search(self, words, kinds, limit)

    def history_counts(self) -> dict[str, int]:
        """What this graph keeps beyond today's state (mlg.lifecycle): retired assets,
        retired edges, kept asset versions. `mlg copy` refuses to drop them."""
        from mlg.store.falkordb import history

        return history.history_counts(self)

    def retire_asset(self, asset: Asset, reason: str | None = None) -> LifeChange:
        """Retire `asset` and its edges by hand (retire.py)."""
        self._require_writable()
        from mlg.store.falkordb.retire import retire

        return retire(self, asset, reason)

    def restore_asset(self, asset: Asset) -> LifeChange:
        """Bring a retired `asset` back with the edges still asserted (retire.py)."""
        self._require_writable()
        from mlg.store.falkordb.retire import restore

        return restore(self, asset)

    # -- raw Cypher -------------------------------------------------------------------------

    def cypher(
        self, statement: str, params: dict[str, Any] | None = None, *, write: bool = False
    ) -> pa.Table:
        from mlg.store.falkordb.raw import run_cypher

        return run_cypher(self, statement, params, write=write)

    def cypher_examples(self) -> tuple[tuple[str, str], ...]:
        from mlg.store.falkordb.raw import EXAMPLES

        return EXAMPLES


__all__ = ["FalkorStore", "open_falkordb"]
