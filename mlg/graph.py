"""`Graph`: the public handle on one lifecycle graph, the facade over the storage port.

A Graph holds a `GraphStore` (mlg/store/port.py; chosen from the path or URL by
`mlg.store.open_store`) and composes the queries of mlg (lineage, impact, paths,
search, reports, runs), each of which takes the graph and asks its store.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlg.batch import Batch
from mlg.errors import AmbiguousAsset, AssetNotFound, MlgError, ReadOnlyGraph
from mlg.impact import Impact, impact
from mlg.lineage import lineage, owners_of
from mlg.model import Asset, AssetDetail, GraphStats, IngestReport, Neighbour, Owner
from mlg.neighbours import NeighbourLevel, neighbours_with_counts
from mlg.paths import PathResult
from mlg.paths import path as shortest_paths
from mlg.store import open_store
from mlg.store.port import GraphStore
from mlg.subgraph import Subgraph

if TYPE_CHECKING:
    import pandas

    from mlg.reports import Consumers, ReuseReport
    from mlg.runs import DatasetRun, Run
    from mlg.search import SearchResults


def open(  # noqa: A001 - mirrors the builtin on purpose: mlg.open(path)
    path: str | os.PathLike[str] | None = None, *, read_only: bool = False, create: bool = True
) -> Graph:
    """Open (creating if needed) the graph at `path` (a file, or a backend URL such as
    `falkordb://host:port/graph`), else `$MLG_DB`, else the user data dir."""
    return Graph(path, read_only=read_only, create=create)


class Graph:
    """One lifecycle graph. Safe to share across threads; close it (or use `with`)."""

    def __init__(
        self, path: str | os.PathLike[str] | None = None, *, read_only: bool = False, create: bool = True
    ):
        self.store: GraphStore = open_store(path, read_only=read_only, create=create)
        # The graph's file (an embedded store); a server's graph has none and shows its URL.
        self.path: Path = getattr(self.store, "path", None) or Path(self.store.location)
        self.read_only = read_only
        self._borrowed = False  # a view of another Graph (viewing): closing it closes nothing
        self._ingest_mode = (False, False)  # (sync, strict) for ingest_batch (Graph.ingest)

    def viewing(self, include_retired: bool = False, as_of=None) -> Graph:
        """This graph seen with retired assets and edges (`include_retired`), or as it
        was at `as_of` (a datetime or an ISO date, mlg.lifecycle.history.parse_moment).
        Shares this Graph's store; closing the view closes nothing. Every query of the
        view sees only that (`GraphStore.viewing`)."""
        from copy import copy

        from mlg.lifecycle.history import parse_moment

        view = copy(self)
        view.store = self.store.viewing(include_retired=include_retired, as_of=parse_moment(as_of))
        view._borrowed = True
        return view

    def _seen(self, include_retired: bool, as_of) -> Graph:
        return self.viewing(include_retired, as_of) if include_retired or as_of is not None else self

    # -- lifecycle ---------------------------------------------------------------

    def close(self) -> None:
        if not self._borrowed:
            self.store.close()

    def __enter__(self) -> Graph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        mode = "read-only" if self.read_only else "read-write"
        return f"<mlg.Graph {self.store.location} ({mode})>"

    def _require_writable(self) -> None:
        if self.read_only:
            raise ReadOnlyGraph(f"graph at {self.store.location} is open read-only; writes are refused")

    # -- assets -------------------------------------------------------------------

    def get(self, asset_id: str) -> Asset | None:
        """The asset with exactly this id, or None; retired assets too (`Asset.retired`);
        as of a date (`viewing`), the asset as it was then, None if it was not alive."""
        moment = self.store.view.as_of
        if moment is not None:
            from mlg.limits import surrogate_at

            return None if surrogate_at(asset_id) is not None else self.store.asset_at(asset_id, moment)
        return self.store.assets([asset_id]).get(asset_id)

    def resolve(self, ref: str) -> Asset:
        """The asset `ref` names: an id, another name's id (an OpenLineage symlink, or an
        asset merged into another), or a name that matches exactly one asset."""
        if self.store.view.as_of is not None:  # an id or a name, as of that date
            asset = self.get(ref)
            if asset is not None:
                return asset
        found = self.store.resolve(ref)
        if found.asset is not None:
            if self.store.view.as_of is not None:
                then = self.get(found.asset.id)
                if then is None:
                    raise AssetNotFound(ref, [])
                return then
            return found.asset
        alias = self.store.aliases([ref]).get(ref)
        if alias is not None and (asset := self.get(alias)) is not None:
            return asset
        written = self._written(ref)
        if len(written) == 1:
            return written[0]
        if written:
            raise AmbiguousAsset(ref, [a.id for a in written])
        if found.named:
            raise AmbiguousAsset(ref, list(found.named))
        raise AssetNotFound(ref, list(found.near))

    def _written(self, ref: str) -> list[Asset]:
        """The assets `ref` names as people write a dataset or job (namespace/name,
        `s3://bucket/dir/file.csv`), their ids escaped or not (mlg.qualified_ids)."""
        from mlg.qualified_ids import candidates

        ids = candidates(ref)
        if not ids:
            return []
        aliases = self.store.aliases(ids)
        wanted = list(dict.fromkeys(aliases.get(i, i) for i in ids))
        if self.store.view.as_of is None:
            known = self.store.assets(wanted)
            return [known[i] for i in wanted if i in known]
        return [a for a in map(self.get, wanted) if a is not None]

    def owners(self, ref: str) -> list[Owner]:
        """The owners of an asset (each with its role), teams first, then by id."""
        asset = self.resolve(ref)
        return list(self.store.owners_of([asset.id]).get(asset.id, ()))

    def siblings(self, ref: str) -> list[Asset]:
        """Other versions of the same thing: same kind and family."""
        return self.store.siblings(self.resolve(ref))

    def neighbours(self, ref: str, direction: str = "up") -> list[Neighbour]:
        """Direct dependencies (`up`) or direct dependents (`down`) of an asset."""
        if direction not in ("up", "down"):
            raise MlgError(f"direction must be 'up' or 'down', not {direction!r}")
        return self.store.neighbours(self.resolve(ref).id, direction)

    def detail(self, ref: str, *, include_retired: bool = False, as_of=None) -> AssetDetail:
        """Everything about one asset: properties, owners, siblings, direct neighbours
        (`include_retired`: retired ones too; `as_of`: as the graph was then)."""
        if include_retired or as_of is not None:
            return self._seen(include_retired, as_of).detail(ref)
        asset = self.resolve(ref)
        return AssetDetail(
            asset=asset,
            owners=tuple(self.owners(asset.id)),
            siblings=tuple(self.siblings(asset.id)),
            upstream=tuple(self.neighbours(asset.id, "up")),
            downstream=tuple(self.neighbours(asset.id, "down")),
        )

    def stats(self) -> GraphStats:
        """How many assets of each kind, relations of each type, owners; unowned assets."""
        return self.store.stats()

    def generation(self) -> tuple[str | None, int]:
        """The graph's id and generation, read now: both change when anything writes to
        the graph (this process or another), so a reader that keeps answers (the
        explorer) compares them to know when its answers are stale. One short query."""
        state = self.store.state()
        return state.graph_id, state.generation

    # -- lineage -------------------------------------------------------------------

    def upstream(
        self,
        asset: str,
        *,
        depth: int | None = None,
        kinds: Iterable[str] | None = None,
        types: Iterable[str] | None = None,
        max_nodes: int | None = None,
        include_retired: bool = False,
        as_of=None,
    ) -> Subgraph:
        """Everything `asset` depends on, to any depth (or `depth` hops).

        `kinds` keeps only assets of those kinds (plus the root); the hops through
        hidden assets become edges with `indirect=True`. `types` follows only those
        relation types. `max_nodes` keeps the nearest assets and marks the result cut.
        `include_retired` walks retired edges too; `as_of` (a datetime or ISO date)
        answers from the graph as it was then.
        """
        return lineage(self._seen(include_retired, as_of), asset, "up", depth, kinds, types, max_nodes)

    def downstream(
        self,
        asset: str,
        *,
        depth: int | None = None,
        kinds: Iterable[str] | None = None,
        types: Iterable[str] | None = None,
        max_nodes: int | None = None,
        include_retired: bool = False,
        as_of=None,
    ) -> Subgraph:
        """Everything that depends on `asset`, directly or not. Arguments as `upstream`."""
        return lineage(self._seen(include_retired, as_of), asset, "down", depth, kinds, types, max_nodes)

    def lineage(
        self,
        asset: str,
        direction: str = "both",
        *,
        depth: int | None = None,
        kinds: Iterable[str] | None = None,
        types: Iterable[str] | None = None,
        max_nodes: int | None = None,
        include_retired: bool = False,
        as_of=None,
    ) -> Subgraph:
        """Upstream (`up`), downstream (`down`) or both around `asset`."""
        return lineage(self._seen(include_retired, as_of), asset, direction, depth, kinds, types, max_nodes)

    # -- impact and paths: thin methods over mlg/impact.py and mlg/paths.py ------------

    def impact(
        self,
        asset: str,
        *,
        max_paths: int | None = 10_000,
        include_retired: bool = False,
        as_of=None,
    ) -> Impact:
        """Everything that depends on `asset`, by kind, with paths and owners to notify."""
        return impact(self._seen(include_retired, as_of), asset, max_paths)

    def path_between(
        self, a: str, b: str, max_paths: int = 5, *, include_retired: bool = False, as_of=None
    ) -> PathResult:
        """Shortest dependency path(s) from `a` to `b` (either direction, else undirected).

        Not `Graph.path`: that attribute is the graph's file.
        """
        return shortest_paths(self._seen(include_retired, as_of), a, b, max_paths)

    # -- discovery: thin methods over mlg/search.py, mlg/reports.py, mlg/cypher.py -------

    def search(
        self,
        text: str | None,
        *,
        kind: str | Iterable[str] | None = None,
        owner: str | None = None,
        tag: str | None = None,
        domain: str | None = None,
        limit: int = 50,
        count: bool = False,
        include_retired: bool = False,
    ) -> SearchResults:
        """Assets matching `text` (`mlg.search.SearchResults`, a list of `SearchHit`),
        ranked in tiers: exact id or name, name prefix, all words in the name, an
        owner's name, full text, typos. Filters by kind(s), owner (id or name), tag and
        domain; `truncated` says whether `limit` cut the hits, `total` (with `count=True`)
        how many matched. Retired assets only with `include_retired`."""
        from mlg.search import search

        return search(
            self,
            text,
            kind=kind,
            owner=owner,
            tag=tag,
            domain=domain,
            limit=limit,
            count=count,
            include_retired=include_retired or self.store.view.include_retired,
        )

    def consumers(self, asset: str) -> Consumers:
        """Who uses `asset` (`mlg.reports.Consumers`): direct consumers with their owners,
        and everything downstream counted by kind."""
        from mlg.reports import consumers

        return consumers(self, asset)

    def reuse_report(self, *, limit: int | None = None, top: int | None = None) -> ReuseReport:
        """Most reused datasets and features (the `limit` most used of each, 20 unless
        given; `top` is its older name), unowned assets, deprecated assets still feeding
        services or tier-1 models (`mlg.ReuseReport`)."""
        from mlg.reports import reuse_report

        if limit is not None and top is not None and limit != top:
            raise MlgError(f"limit={limit!r} and top={top!r} disagree; give one")
        chosen = limit if limit is not None else top if top is not None else 20
        return reuse_report(self, top=chosen)

    def diff(self, since, until=None, asset: str | None = None):
        """What changed from `since` to `until` (default now; datetimes or dates, ISO text,
        "last-week", ...): assets and edges added, changed and retired, by source and
        owner (`mlg.lifecycle.diff.GraphDiff`); of the whole graph, or of one `asset`."""
        from mlg.lifecycle.diff import diff

        return diff(self, since, until, asset)

    def retire(self, asset: str, reason: str | None = None):
        """Retire `asset` by hand (kept, left out of today's answers) until `restore`."""
        from mlg.search.index import refresh_after_write

        self._require_writable()
        change = self.store.retire_asset(self.viewing(include_retired=True).resolve(asset), reason)
        if change.changed:
            refresh_after_write(self, None, written={change.asset}, owners_changed=False)
        return change

    def restore(self, asset: str):
        """Bring a retired asset back, with the edges still asserted."""
        from mlg.search.index import refresh_after_write

        self._require_writable()
        change = self.store.restore_asset(self.viewing(include_retired=True).resolve(asset))
        if change.changed:
            refresh_after_write(self, None, written={change.asset}, owners_changed=False)
        return change

    def query(
        self, cypher: str, params: dict[str, Any] | None = None, *, write: bool = False
    ) -> pandas.DataFrame:
        """Run your own Cypher; a pandas DataFrame. Read-only unless `write=True`."""
        from mlg.cypher import query

        return query(self, cypher, params, write=write)

    def cypher_examples(self) -> tuple[tuple[str, str], ...]:
        """(what it shows, statement) pairs of Cypher this graph's backend runs, for a
        console to offer."""
        return self.store.cypher_examples()

    # -- ingest -------------------------------------------------------------------

    def ingest(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        progress=None,
        *,
        from_: str | None = None,
        format: str | None = None,  # noqa: A002 - the name before `from_`, kept working
        skip_invalid: bool = False,
        sync: bool = False,
        strict: bool = False,
    ) -> IngestReport:
        """Ingest files or directories ("-" reads stdin): validated first, then written
        all-or-nothing.

        `from_` names the source (mlg.sources; the CLI's `--from`): "manifest",
        "openlineage" (events: one per file, a JSON array or NDJSON) or "auto" (the
        default: each file sniffed; manifests and events may be mixed). `format` is its
        older name. `skip_invalid` leaves out invalid OpenLineage events and lists them in
        the report instead of rejecting the whole ingest. `sync` takes each manifest as
        the whole truth of its source, `strict` refuses references to unknown assets
        (see `ingest_batch`).
        """
        from mlg.sources import DEFAULT_SOURCE, ingest

        if from_ is not None and format is not None and from_ != format:
            raise MlgError(f"from_={from_!r} and format={format!r} disagree; give one")
        if isinstance(paths, str | os.PathLike):
            paths = [paths]
        self._require_writable()
        source = from_ or format or DEFAULT_SOURCE
        target = self
        if sync or strict:  # the sources call ingest_batch: they write in this mode
            from copy import copy

            target = copy(self)
            target._borrowed, target._ingest_mode = True, (sync, strict)
        return ingest(target, list(paths), source, skip_invalid=skip_invalid, progress=progress)

    def ingest_batch(
        self,
        batch: Batch,
        progress=None,
        *,
        sync: bool = False,
        strict: bool = False,
        dry_run: bool = False,
    ) -> IngestReport:
        """Validate and write a Batch of records (see `mlg.batch`), all or nothing.

        Every asset, edge and owner list written records the source that asserts it:
        `batch.source` (a connector sets it to its name, e.g. ``Batch(source="dbt:prod")``
        or ``Batch.from_records(..., source="feast")``), else the file's declared
        `source:`, else the file's path.

        `sync=True` takes the batch as the complete truth of each of its sources
        (`batch.sources()`): what a source asserted before and no longer does loses
        that source, and an asset or edge no source asserts any more is retired
        (kept, with its `valid_to`; see mlg.lifecycle). What other sources assert is
        untouched; an asset stays alive while any source asserts it. The retirements
        are part of the same validated transaction; running the same sync again
        changes nothing. The report counts `assets_retired`, `relations_retired` and
        `assets_revived`.

        A relation to an asset neither in the batch nor in the graph creates a
        placeholder of the kind the relation implies (`placeholders_added`), which a
        later batch describing the asset makes a full one; `strict=True` refuses such
        references instead (as does a reference whose kind cannot be told). Physical
        identifiers (mlg.lifecycle.identity) make one dataset one asset across sources.

        `dry_run=True` validates and reports what would change, writing nothing.
        """
        from mlg.ingest import write_batch

        self._require_writable()
        sync, strict = sync or self._ingest_mode[0], strict or self._ingest_mode[1]
        if progress:
            progress("validating", 0, 1)
        return self._write_then_index(
            lambda: write_batch(self, batch, progress, sync=sync, strict=strict, dry_run=dry_run), progress
        )

    def ingest_chunks(
        self, chunks, progress=None, *, sync: bool = False, strict: bool = False, dry_run: bool = False
    ) -> IngestReport:
        """Ingest an input too big to hold at once, a Batch at a time, all or nothing:
        `chunks()` yields the batches (and reads the input again on each call; e.g.
        `mlg.batch.batch_chunks`, `mlg.manifest.ndjson_chunks`). Memory holds one chunk
        plus every asset's id and kind; see mlg.ingest.write_chunks. Options as for
        `ingest_batch`."""
        from mlg.ingest import write_chunks

        self._require_writable()
        sync, strict = sync or self._ingest_mode[0], strict or self._ingest_mode[1]
        return self._write_then_index(
            lambda: write_chunks(self, chunks, progress, sync=sync, strict=strict, dry_run=dry_run), progress
        )

    def _write_then_index(self, write, progress) -> IngestReport:
        """Run `write` (a write through the port, giving its WriteOutcome) with the
        garbage collector paused, then bring the search index along; its report."""
        from mlg.search.index import refresh_after_write
        from mlg.store.tables import gc_paused

        with gc_paused():
            outcome = write()
            if outcome.generation is not None:
                # The index follows the assets this write stamped. Never fails the ingest:
                # the data is committed, and a stale index is brought up to date by the
                # next search.
                written = None if outcome.written is None else set(outcome.written)
                refresh_after_write(self, progress, written=written, owners_changed=outcome.owners_changed)
        return outcome.report

    def dataset_runs(self, asset: str, *, limit: int = 20) -> list[DatasetRun]:
        """The latest runs that read or wrote `asset` (`mlg.runs.DatasetRun`),
        newest first, each with the version of the asset it read or wrote."""
        from mlg.runs import dataset_runs

        return dataset_runs(self, asset, limit)

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
        from mlg.sources import ingest_from

        return ingest_from(self, connector, targets, sync=sync, dry_run=dry_run, progress=progress)

    def runs(self, workflow: str, *, limit: int = 20) -> list[Run]:
        """The latest runs of a workflow (`mlg.Run`), newest first, each with the assets
        it read and wrote."""
        from mlg.runs import recent_runs

        return recent_runs(self, workflow, limit)

    def neighbour_level(
        self, ref: str, direction: str = "up", *, kinds: Iterable[str] | None = None, limit: int = 100
    ) -> NeighbourLevel:
        """One level of a lineage tree: up to `limit` direct neighbours of `ref` (of
        `kinds`), each with how many neighbours it has in turn (`mlg.NeighbourLevel`)."""
        return neighbours_with_counts(self, ref, direction, kinds, limit)

    def owners_of(self, ids: Iterable[str]) -> dict[str, tuple[Owner, ...]]:
        """The owners of many assets at once: asset id -> its owners (with roles), teams
        first; assets without owners left out."""
        return owners_of(self, ids)

    def load_sample(self, progress=None) -> IngestReport:
        """Ingest the bundled sample estate (a fictional streaming company)."""
        from mlg.sample import sample_paths

        return self.ingest(sample_paths(), progress=progress)
