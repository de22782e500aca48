"""`KuzuStore`: the storage port over one embedded Kuzu file.

The class holds the connections (one per thread: a Kuzu connection is not safe to share
between threads) and hands each port operation to the module that holds its Cypher:
assets.py (look-ups), closures.py (lineage walks), reports.py (estate aggregates),
runs.py (runs and aliases), history.py (the lifecycle reads; retire.py, lifecycle.py
the lifecycle writes), write.py (the one write transaction), generation.py, and
cypher.py (user Cypher); schema.py the DDL and upgrade steps, view.py what a View
means in Cypher, database.py the shared database handles. Those modules take the
store and call `execute`, `rows`, `arrow` and `count`: every query goes through
`execute`.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from copy import copy
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import kuzu
import pyarrow as pa

from mlg.errors import MlgError, ReadOnlyGraph
from mlg.lifespan import TODAY, LifeChange, View
from mlg.model import Asset, GraphStats, Neighbour, Owner
from mlg.store.kuzu import (
    assets,
    closures,
    cypher,
    database,
    generation,
    history,
    reports,
    runs,
    topology,
    write,
)
from mlg.store.location import resolve_path
from mlg.store.port import (
    RELATION_RECORD_TABLE,
    Closure,
    CountedLevel,
    Derived,
    Direction,
    PathDirection,
    Progress,
    Reach,
    ReachPath,
    RelationRecords,
    Resolution,
    StoredRun,
    WriteOutcome,
)
from mlg.store.tables import owners_at

if TYPE_CHECKING:
    from mlg.generation import GraphState
    from mlg.store.image import GraphImage
    from mlg.store.kuzu.bulk import BulkWriter
    from mlg.validation import Plan


def open_kuzu(target: str | os.PathLike[str], *, read_only: bool = False, create: bool = True) -> KuzuStore:
    """The registry's opener for paths (and `kuzu://` URLs: `kuzu:///abs/graph.kuzu`)."""
    if isinstance(target, str) and target.lower().startswith("kuzu://"):
        target = target[len("kuzu://") :]
    return KuzuStore(target, read_only=read_only, create=create)


class KuzuStore:
    """One open Kuzu graph file (see mlg.store.port.GraphStore for every method's contract)."""

    def __init__(
        self,
        path: str | os.PathLike[str] | None,
        *,
        read_only: bool = False,
        create: bool = True,
        buffer_pool: int = 0,
    ):
        self.path: Path = resolve_path(path)
        self.location = str(self.path)
        self.read_only = read_only
        self.handle = database.acquire(self.path, read_only, create and not read_only, buffer_pool)
        self._local = threading.local()
        self._connections: list[kuzu.Connection] = []
        self._lock = threading.Lock()
        self._closed = False
        self._borrowed = False  # a view of another handle (viewing): closing it closes nothing
        self.view: View = TODAY

    @property
    def schema_version(self) -> int:
        return self.handle.schema_version

    @property
    def derived(self) -> Derived:
        return self.handle.derived

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<KuzuStore {self.path} ({mode})>"

    # -- lifecycle ------------------------------------------------------------------------

    def close(self) -> None:
        if self._borrowed:
            return
        with self._lock:
            if self._closed:
                return
            self._closed = True
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        database.release(self.handle)

    def derived_path(self, suffix: str) -> Path:
        return Path(f"{self.path}{suffix}")

    # -- the only door to the database ---------------------------------------------------

    def connection(self) -> kuzu.Connection:
        """This thread's connection, opened with the depth setting on first use."""
        if self._closed:
            raise MlgError(f"graph at {self.path} is closed")
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = database.new_connection(self.handle.database)
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def execute(self, query: str, params: dict[str, Any] | None = None) -> kuzu.QueryResult:
        """Run one statement on this thread's connection."""
        return self.connection().execute(query, params or {})

    def rows(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """The result as dicts, one per row."""
        result = self.execute(query, params)
        names = result.get_column_names()
        found = []
        while result.has_next():
            found.append(dict(zip(names, result.get_next())))
        return found

    def arrow(self, query: str, params: dict[str, Any] | None = None) -> pa.Table:
        """The result as an Arrow table."""
        return self.execute(query, params).get_as_arrow()

    def count(self, query: str, params: dict[str, Any] | None = None) -> int:
        """The first column of the first row, as an int (0 when there is no row)."""
        result = self.execute(query, params)
        return int(result.get_next()[0]) if result.has_next() else 0

    def require_writable(self) -> None:
        """Refuse a write on a read-only store."""
        if self.read_only:
            raise ReadOnlyGraph(f"graph at {self.path} is open read-only; writes are refused")

    # -- assets -----------------------------------------------------------------------------

    def assets(self, ids: Iterable[str]) -> dict[str, Asset]:
        ids = assets.storable(ids)
        index = topology.current(self) if len(ids) > 1 else None  # one id: a primary-key look-up
        if index is not None:
            return topology.assets(index, ids)
        return assets.assets(self, ids)

    def asset_rows(self, ids: Iterable[str]) -> pa.Table:
        ids = assets.storable(ids)
        index = topology.current(self) if len(ids) > 1 else None  # one id: a primary-key look-up
        if index is not None:
            return topology.asset_rows(index, ids)
        return assets.asset_rows(self, ids)

    def resolve(self, ref: str) -> Resolution:
        return assets.resolve(self, ref)

    def siblings(self, asset: Asset) -> list[Asset]:
        return assets.siblings(self, asset)

    def neighbours(self, asset_id: str, direction: Direction) -> list[Neighbour]:
        return assets.neighbours(self, asset_id, direction)

    def counted_neighbours(
        self, asset_id: str, direction: Direction, *, kinds: Sequence[str] | None, limit: int
    ) -> CountedLevel:
        return assets.counted_neighbours(self, asset_id, direction, kinds=kinds, limit=limit)

    def owners_of(self, ids: Iterable[str]) -> dict[str, tuple[Owner, ...]]:
        ids = assets.storable(ids)
        if self.view.as_of is not None:  # the owners as they were
            return owners_at(self, ids, self.view.as_of)
        index = topology.current(self) if len(ids) > 1 else None
        if index is not None:
            return topology.owners_of(index, ids)
        return assets.owners_of(self, ids)

    def all_owners(self) -> list[Owner]:
        return assets.all_owners(self)

    def stats(self) -> GraphStats:
        return assets.stats(self)

    def assets_named(self, names: Iterable[str]) -> pa.Table:
        return assets.assets_named(self, names)

    def ownerships(self, ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        return assets.ownerships(self, ids)

    def index_assets(self, since: int | None) -> pa.Table:
        return assets.index_assets(self, since)

    def index_ownership_table(self) -> pa.Table:
        """Every ownership as Arrow rows (asset, owner, name): what a search-index
        rebuild reads instead of `index_ownerships(None)`'s dict (mlg.search.source)."""
        return assets.index_ownership_table(self)

    def index_ownerships(
        self, since: int | None = None, ids: Iterable[str] | None = None
    ) -> dict[str, list[tuple[str, str]]]:
        return assets.index_ownerships(self, since, ids)

    # -- lineage ---------------------------------------------------------------------------

    def closure(
        self,
        root_id: str,
        direction: Direction,
        *,
        depth: int,
        types: Sequence[str] | None = None,
        owners: bool = True,
    ) -> Closure:
        index = topology.current(self)
        if index is not None:
            return topology.closure(self, index, root_id, direction, depth=depth, types=types, owners=owners)
        return closures.closure(self, root_id, direction, depth=depth, types=types, owners=owners)

    def distances(self, root_id: str, direction: PathDirection, *, depth: int) -> dict[str, int]:
        index = topology.current(self) if direction != "undirected" else None
        if index is not None:
            return topology.distances(self, index, root_id, direction, depth=depth)
        return closures.distances(self, root_id, direction, depth=depth)

    def shortest_path(self, source_id: str, target_id: str, direction: PathDirection) -> list[str] | None:
        index = topology.current(self) if direction != "undirected" and source_id != target_id else None
        if index is not None:
            return topology.path(self, index, source_id, target_id, direction)
        return closures.shortest_path(self, source_id, target_id, direction)

    def edges_among(self, ids: Iterable[str]) -> pa.Table:
        index = topology.current(self)
        if index is not None:
            return topology.induced_edges(index, ids)
        return closures.edges_among(self, ids)

    def edges_present(self, keys: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        return closures.edges_present(self, keys)

    def all_edges(self) -> pa.Table:
        return closures.all_edges(self)

    def relation_records(self) -> RelationRecords:
        edges = self.arrow(
            "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) RETURN a.id AS source, b.id AS target, "
            "e.type AS type, e.source AS source_of, e.first_seen AS first_seen, e.last_seen AS last_seen"
        )
        runs = self.arrow("MATCH (r:Run) RETURN r.id AS id").column("id").to_pylist()
        aliases = self.arrow("MATCH (x:AssetAlias) RETURN x.id AS id").column("id").to_pylist()
        return RelationRecords(edges.cast(RELATION_RECORD_TABLE), tuple(runs), tuple(aliases))

    def edges_of(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        return closures.edges_of(self, ids)

    # -- reports -------------------------------------------------------------------------------

    def reach_counts(
        self, roots: Sequence[str], direction: Direction, *, reach: Reach | None = None
    ) -> pa.Table:
        return reports.reach_counts(self, roots, direction, reach=reach)

    def reach_paths(
        self, roots: Sequence[str], direction: Direction, *, reach: Reach | None = None, limit: int
    ) -> list[ReachPath]:
        return reports.reach_paths(self, roots, direction, reach=reach, limit=limit)

    def most_depended_on(self, kind: str, top: int) -> list[tuple[str, int]]:
        return reports.most_depended_on(self, kind, top)

    def unowned(self, limit: int) -> tuple[dict[str, int], list[Asset]]:
        return reports.unowned(self, limit)

    def tagged_in_use(self, tag: str) -> list[tuple[str, int]]:
        return reports.tagged_in_use(self, tag)

    # -- runs and aliases -------------------------------------------------------------------

    def recent_runs(self, workflow_id: str, limit: int) -> list[StoredRun]:
        return runs.recent_runs(self, workflow_id, limit)

    def runs(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        return runs.runs(self, ids)

    def run_io(self, ids: Iterable[str]) -> set[tuple[str, str, str]]:
        return runs.run_io(self, ids)

    def aliases(self, ids: Iterable[str]) -> dict[str, str]:
        return runs.aliases(self, ids)

    def aliases_of(self, asset_ids: Iterable[str]) -> dict[str, str]:
        return runs.aliases_of(self, asset_ids)

    def runs_using(self, asset_ids: Iterable[str]) -> set[str]:
        return runs.runs_using(self, asset_ids)

    # -- generations ---------------------------------------------------------------------------

    def state(self) -> GraphState:
        return generation.state(self)

    def mark_untracked(self) -> int:
        self.require_writable()
        return generation.mark_untracked(self)

    # -- writing -----------------------------------------------------------------------------

    def is_empty(self) -> bool:
        return write.is_empty(self)

    def asset_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        return write.asset_kinds(self, ids)

    def owner_ids(self, ids: Iterable[str]) -> set[str]:
        return write.owner_ids(self, ids)

    def rekey_assets(self, rekeyed: dict[str, str]) -> None:
        from mlg.store.kuzu.rekey import rekey_assets

        rekey_assets(self, rekeyed)

    # -- lifecycle ---------------------------------------------------------------------------

    def image(self) -> GraphImage:
        from mlg.store.kuzu.image import read_image

        return read_image(self)

    def write_image(self, image: GraphImage) -> WriteOutcome:
        self.require_writable()
        from mlg.store.kuzu.image import write_image

        return write_image(self, image)

    def viewing(self, *, include_retired: bool = False, as_of: datetime | None = None) -> KuzuStore:
        view = copy(self)
        view.view = View(include_retired=include_retired, as_of=as_of)
        view._borrowed = True
        return view

    def asset_at(self, asset_id: str, moment: datetime) -> Asset | None:
        return history.asset_at(self, asset_id, moment)

    def versions_at(self, ids: Iterable[str], moment: datetime) -> dict[str, Asset]:
        return history.versions_at(self, ids, moment)

    def assets_as_of(self, moment: datetime, *, asset: str | None = None) -> dict[str, dict[str, Any]]:
        return history.assets_as_of(self, moment, asset)

    def edges_as_of(
        self, moment: datetime, *, asset: str | None = None
    ) -> dict[tuple[str, str, str], tuple[str, ...]]:
        return history.edges_as_of(self, moment, asset)

    def ownerships_as_of(
        self, moment: datetime, *, ids: Iterable[str] | None = None
    ) -> dict[str, list[tuple[str, str]]]:
        return history.ownerships_as_of(self, moment, ids)

    def placeholders(self, limit: int) -> list[Asset]:
        return history.placeholders(self, limit)

    def retired_search(self, words: Sequence[str], *, kinds: Sequence[str] = (), limit: int) -> list[Asset]:
        return history.retired_search(self, words, kinds, limit)

    def history_counts(self) -> dict[str, int]:
        return history.history_counts(self)

    def retire_asset(self, asset: Asset, reason: str | None = None) -> LifeChange:
        """Retire `asset` and its edges by hand (mlg.store.kuzu.retire)."""
        from mlg.store.kuzu.retire import retire

        return retire(self, asset, reason)

    def restore_asset(self, asset: Asset) -> LifeChange:
        """Bring a retired `asset` back with the edges still asserted (mlg.store.kuzu.retire)."""
        from mlg.store.kuzu.retire import restore

        return restore(self, asset)

    def write_plan(
        self, plan: Plan, progress: Progress | None = None, *, dry_run: bool = False
    ) -> WriteOutcome:
        self.require_writable()
        return write.write_plan(self, plan, progress, dry_run=dry_run)

    def write_plans(self, plans: Iterable[Plan], progress: Progress | None = None) -> WriteOutcome:
        """Write lazily made plans in one transaction (mlg.store.kuzu.write.write_plans)."""
        self.require_writable()
        return write.write_plans(self, plans, progress)

    def bulk_writer(self) -> BulkWriter | None:
        """A writer of chunks into a new file that replaces this one when complete
        (mlg.store.kuzu.bulk), when the graph is empty and no other store of this
        process shares its file; else None (write in one transaction instead)."""
        from mlg.store.kuzu.bulk import BulkWriter, is_blank

        self.require_writable()
        if self.handle.users != 1 or self._borrowed or not is_blank(self):
            return None
        return BulkWriter(self)

    def swap_in(self, building: Path) -> None:
        """Put the closed graph file `building` in place of this store's file and go on
        with it (mlg.store.kuzu.database.replace_file); every connection is reopened."""
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
            self._local = threading.local()
        database.replace_file(self.handle, building)

    # -- raw Cypher -----------------------------------------------------------------------------

    def cypher(
        self, statement: str, params: dict[str, Any] | None = None, *, write: bool = False
    ) -> pa.Table:
        if write:
            self.require_writable()
        if self._closed:
            raise MlgError(f"graph at {self.path} is closed")
        return cypher.run(self, statement, params, write=write)

    def cypher_examples(self) -> tuple[tuple[str, str], ...]:
        return cypher.EXAMPLES
