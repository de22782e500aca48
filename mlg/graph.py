"""`Graph`: the public handle on one lifecycle graph file."""

from __future__ import annotations

import gc
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import kuzu
import pyarrow as pa

from mlg import store
from mlg.batch import Batch
from mlg.errors import AmbiguousAsset, AssetNotFound, MlgError, ReadOnlyGraph
from mlg.impact import Impact, impact
from mlg.limits import surrogate_at
from mlg.lineage import MAX_DEPTH, lineage
from mlg.model import Asset, AssetDetail, GraphStats, IngestReport, Neighbour, Owner
from mlg.paths import PathResult
from mlg.paths import path as shortest_paths
from mlg.schema import ASSET_COLUMNS
from mlg.subgraph import Subgraph

_ASSET_RETURN = ", ".join(f"a.{name} AS {name}" for name, _ in ASSET_COLUMNS)


def open(  # noqa: A001 - mirrors the builtin on purpose: mlg.open(path)
    path: str | os.PathLike[str] | None = None, *, read_only: bool = False, create: bool = True
) -> Graph:
    """Open (creating if needed) the graph at `path`, else `$MLG_DB`, else the user data dir."""
    return Graph(path, read_only=read_only, create=create)


class Graph:
    """One lifecycle graph. Safe to share across threads; close it (or use `with`)."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False, create: bool = True
    ):
        self.path: Path = store.resolve_path(path)
        self.read_only = read_only
        self._handle = store.acquire(self.path, read_only, create and not read_only)
        self._local = threading.local()
        self._connections: list[kuzu.Connection] = []
        self._closed = False

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        for conn in self._connections:
            conn.close()
        self._connections.clear()
        store.release(self._handle)

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<mlg.Graph {self.path} ({mode})>"

    # -- Kuzu access (the only door to the database) ----------------------------------

    def _connection(self) -> kuzu.Connection:
        if self._closed:
            raise MlgError(f"graph at {self.path} is closed")
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = kuzu.Connection(self._handle.database)
            # Lineage must never be cut silently at Kuzu's 30-hop default (DESIGN §3).
            conn.execute(f"CALL var_length_extend_max_depth={MAX_DEPTH}")
            self._local.conn = conn
            self._connections.append(conn)
        return conn

    def _result(self, query: str, params: dict[str, Any] | None = None):
        return self._connection().execute(query, params or {})

    def _rows(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        result = self._result(query, params)
        names = result.get_column_names()
        rows = []
        while result.has_next():
            rows.append(dict(zip(names, result.get_next())))
        return rows

    def _arrow(self, query: str, params: dict[str, Any] | None = None) -> pa.Table:
        return self._result(query, params).get_as_arrow()

    def _count(self, query: str, params: dict[str, Any] | None = None) -> int:
        result = self._result(query, params)
        return int(result.get_next()[0]) if result.has_next() else 0

    def _require_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyGraph(f"graph at {self.path} is open read-only; writes are refused")

    # -- assets -------------------------------------------------------------------

    def get(self, asset_id: str) -> Asset | None:
        """The asset with exactly this id, or None."""
        if surrogate_at(asset_id) is not None:
            return None  # not storable text, so no asset has it (and Kuzu cannot bind it)
        rows = self._rows(f"MATCH (a:Asset {{id: $id}}) RETURN {_ASSET_RETURN}", {"id": asset_id})
        return Asset.from_row(rows[0]) if rows else None

    def resolve(self, ref: str) -> Asset:
        """The asset `ref` names: an id, or a name that matches exactly one asset."""
        asset = self.get(ref)
        if asset is not None:
            return asset
        if surrogate_at(ref) is not None:
            raise AssetNotFound(ref)
        rows = self._rows(
            f"MATCH (a:Asset) WHERE a.name = $name RETURN {_ASSET_RETURN} ORDER BY a.id LIMIT 50",
            {"name": ref},
        )
        if len(rows) == 1:
            return Asset.from_row(rows[0])
        if rows:
            raise AmbiguousAsset(ref, [r["id"] for r in rows])
        lowered = ref.lower()
        near = self._rows(
            "MATCH (a:Asset) WHERE lower(a.id) CONTAINS $q OR lower(a.name) "
            "CONTAINS $q RETURN a.id AS id ORDER BY size(a.id) LIMIT 5",
            {"q": lowered},
        )
        raise AssetNotFound(ref, [r["id"] for r in near])

    def owners(self, ref: str) -> list[Owner]:
        asset = self.resolve(ref)
        rows = self._rows(
            "MATCH (a:Asset {id: $id})-[r:OWNED_BY]->(o:Owner) RETURN o.id AS id, o.kind AS kind, "
            "o.name AS name, o.email AS email, r.role AS role ORDER BY o.kind DESC, o.id",
            {"id": asset.id},
        )
        return [Owner(**r) for r in rows]

    def siblings(self, ref: str) -> list[Asset]:
        """Other versions of the same thing: same kind and family."""
        asset = self.resolve(ref)
        if asset.family is None:
            return []
        rows = self._rows(
            f"MATCH (a:Asset) WHERE a.kind = $kind AND a.family = $family AND a.id <> $id "
            f"RETURN {_ASSET_RETURN} ORDER BY a.version, a.id",
            {"kind": asset.kind, "family": asset.family, "id": asset.id},
        )
        return [Asset.from_row(r) for r in rows]

    def neighbours(self, ref: str, direction: str = "up") -> list[Neighbour]:
        """Direct dependencies (`up`) or direct dependents (`down`) of an asset."""
        asset = self.resolve(ref)
        pattern = {
            "up": "(x:Asset {id: $id})-[e:DEPENDS_ON]->(a:Asset)",
            "down": "(x:Asset {id: $id})<-[e:DEPENDS_ON]-(a:Asset)",
        }[direction]
        rows = self._rows(
            f"MATCH {pattern} RETURN {_ASSET_RETURN}, e.type AS rel_type ORDER BY e.type, a.kind, a.name",
            {"id": asset.id},
        )
        return [Neighbour(Asset.from_row(r), r["rel_type"]) for r in rows]

    def detail(self, ref: str) -> AssetDetail:
        """Everything about one asset: properties, owners, siblings, direct neighbours."""
        asset = self.resolve(ref)
        return AssetDetail(
            asset=asset,
            owners=tuple(self.owners(asset.id)),
            siblings=tuple(self.siblings(asset.id)),
            upstream=tuple(self.neighbours(asset.id, "up")),
            downstream=tuple(self.neighbours(asset.id, "down")),
        )

    def stats(self) -> GraphStats:
        def counts(query: str) -> dict[str, int]:
            return {r["k"]: int(r["n"]) for r in self._rows(query)}

        return GraphStats(
            path=str(self.path),
            assets_by_kind=counts("MATCH (a:Asset) RETURN a.kind AS k, count(*) AS n ORDER BY k"),
            relations_by_type=counts(
                "MATCH ()-[e:DEPENDS_ON]->() RETURN e.type AS k, count(*) AS n ORDER BY k"
            ),
            owners_by_kind=counts("MATCH (o:Owner) RETURN o.kind AS k, count(*) AS n ORDER BY k"),
            unowned_assets=self._count(
                "MATCH (a:Asset) WHERE NOT EXISTS { MATCH (a)-[:OWNED_BY]->(:Owner) } RETURN count(*)"
            ),
        )

    # -- lineage -------------------------------------------------------------------

    def upstream(
        self,
        asset: str,
        depth: int | None = None,
        kinds: Iterable[str] | None = None,
        types: Iterable[str] | None = None,
        max_nodes: int | None = None,
    ) -> Subgraph:
        """Everything `asset` depends on, to any depth (or `depth` hops).

        `kinds` keeps only assets of those kinds (plus the root); the hops through
        hidden assets become edges with `indirect=True`. `types` follows only those
        relation types. `max_nodes` keeps the nearest assets and marks the result cut.
        """
        return lineage(self, asset, "up", depth, kinds, types, max_nodes)

    def downstream(
        self,
        asset: str,
        depth: int | None = None,
        kinds: Iterable[str] | None = None,
        types: Iterable[str] | None = None,
        max_nodes: int | None = None,
    ) -> Subgraph:
        """Everything that depends on `asset`, directly or not. Arguments as `upstream`."""
        return lineage(self, asset, "down", depth, kinds, types, max_nodes)

    def lineage(
        self,
        asset: str,
        direction: str = "both",
        depth: int | None = None,
        kinds: Iterable[str] | None = None,
        types: Iterable[str] | None = None,
        max_nodes: int | None = None,
    ) -> Subgraph:
        """Upstream (`up`), downstream (`down`) or both around `asset`."""
        return lineage(self, asset, direction, depth, kinds, types, max_nodes)

    # -- impact and paths: thin methods over mlg/impact.py and mlg/paths.py ------------

    def impact(self, asset: str, max_paths: int | None = 10_000) -> Impact:
        """Everything that depends on `asset`, by kind, with paths and owners to notify."""
        return impact(self, asset, max_paths)

    def path_between(self, a: str, b: str, max_paths: int = 5) -> PathResult:
        """Shortest dependency path(s) from `a` to `b` (either direction, else undirected).

        Not `Graph.path`: that attribute is the graph's file.
        """
        return shortest_paths(self, a, b, max_paths)

    # -- discovery: thin methods over mlg/search.py, mlg/reports.py, mlg/cypher.py -------

    def search(
        self,
        text: str | None,
        kind: str | Iterable[str] | None = None,
        owner: str | None = None,
        tag: str | None = None,
        domain: str | None = None,
        limit: int = 50,
        count: bool = False,
    ):
        """Assets matching `text` (`mlg.search.SearchResults`, a list of `SearchHit`),
        ranked in tiers: exact id or name, name prefix, all words in the name, an
        owner's name, full text, typos. Filters by kind(s), owner (id or name), tag and
        domain; `truncated` says whether `limit` cut the hits, `total` (with `count=True`)
        how many matched."""
        from mlg.search import search

        return search(self, text, kind=kind, owner=owner, tag=tag, domain=domain, limit=limit, count=count)

    def consumers(self, asset: str):
        """Who uses `asset` (`mlg.reports.Consumers`): direct consumers with their owners,
        and everything downstream counted by kind."""
        from mlg.reports import consumers

        return consumers(self, asset)

    def reuse_report(self, top: int = 20):
        """Most reused datasets and features, unowned assets, deprecated assets still
        feeding services or tier-1 models (`mlg.reports.ReuseReport`)."""
        from mlg.reports import reuse_report

        return reuse_report(self, top=top)

    def query(self, cypher: str, params: dict[str, Any] | None = None, write: bool = False):
        """Run your own Cypher; a pandas DataFrame. Read-only unless `write=True`."""
        from mlg.cypher import query

        return query(self, cypher, params, write=write)

    # -- ingest -------------------------------------------------------------------

    def ingest(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        progress=None,
        *,
        format: str = "auto",  # noqa: A002 - the CLI's --format
        skip_invalid: bool = False,
    ) -> IngestReport:
        """Ingest files or directories ("-" reads stdin): validated first, then written
        all-or-nothing.

        `format` is "manifest", "openlineage" (events: one per file, a JSON array or
        NDJSON) or "auto" (each file sniffed; manifests and events may be mixed).
        `skip_invalid` leaves out invalid OpenLineage events and lists them in the
        report instead of rejecting the whole ingest.
        """
        from mlg.manifest import read_manifests

        if isinstance(paths, str | os.PathLike):
            paths = [paths]
        paths = list(paths)
        self._require_writable()
        if format == "manifest" and "-" not in paths:  # stdin is read by the reader below
            return self.ingest_batch(read_manifests(paths), progress=progress)
        from mlg.openlineage.loader import ingest_sources

        return ingest_sources(self, paths, format, skip_invalid, progress)

    def ingest_batch(self, batch: Batch, progress=None, *, dry_run: bool = False) -> IngestReport:
        """Validate and write a Batch of records (see `mlg.batch`); with `dry_run`,
        validate and report what would change, writing nothing."""
        from mlg.ingest import KuzuLookup, write_plan
        from mlg.validation import validate

        self._require_writable()
        lookup = KuzuLookup(self)
        if progress:
            progress("validating", 0, 1)
        # Millions of short-lived dicts and tuples make the cyclic garbage collector
        # the largest single cost of a big ingest (measured ~40% of validation); they
        # form no cycles, so it is paused for the call.
        collecting = gc.isenabled()
        gc.disable()
        try:
            plan = validate(batch, lookup)
            return write_plan(self, plan, lookup, progress, dry_run=dry_run)
        finally:
            if collecting:
                gc.enable()

    def ingest_from(
        self,
        connector: str,
        targets: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        sync: bool = False,
        dry_run: bool = False,
        progress=None,
    ) -> IngestReport:
        """Read a system through a connector ("dbt", "mlflow", "feast", "backstage",
        "model-card"; see `mlg.connectors`) and ingest it as one source, all or nothing.
        `dry_run` reports what would change and writes nothing."""
        from mlg.connectors import ingest_from

        return ingest_from(self, connector, targets, sync=sync, dry_run=dry_run, progress=progress)

    def runs(self, workflow: str, limit: int = 20) -> list:
        """The latest runs of a workflow (`mlg.openlineage.Run`), newest first, each with
        the assets it read and wrote."""
        from mlg.openlineage.runs import recent_runs

        return recent_runs(self, workflow, limit)

    def load_sample(self, progress=None) -> IngestReport:
        """Ingest the bundled sample estate (a fictional streaming company)."""
        from mlg.sample import sample_paths

        return self.ingest(sample_paths(), progress=progress)
