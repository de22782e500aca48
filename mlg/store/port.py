"""The storage port: every operation the rest of mlg asks of the store holding a graph.

mlg's queries (lineage, impact, paths, neighbours, search, reports, runs), its ingest
and its UIs talk to a graph only through `GraphStore`. A backend (mlg/store/kuzu/ for a
Kuzu file; others registered in mlg/store/registry.py) implements it in its own
dialect and hides its defects and their workarounds.

Rules every backend keeps (the contract suite in tests/store/ checks them):

- Results are plain objects: the dataclasses of mlg.model and of this module, tuples,
  dicts, and `pyarrow.Table`s whose columns are named below. Nothing of the backend's
  own types leaks out.
- Asset tables have the columns of `mlg.schema.ASSET_COLUMNS`, in that order, with the
  Arrow types of `ASSET_SCHEMA` (strings, list of strings for `tags`, `timestamp[us]`
  for `created_at`/`updated_at`; optional text may come back as "" for a missing value
  - readers map "" to None, see `mlg.schema.BLANK_FOR_NULL`).
- An id that no asset has is simply absent from a result, never an error; an id that
  is not storable text (a lone surrogate, `mlg.limits.surrogate_at`) is such an id.
- Lineage edges point from the dependent to its dependency: `source` depends on
  `target` (a model `trained_on` a dataset: source = the model). "up" follows edges
  forwards (what an asset depends on), "down" backwards (what depends on it).
- Closures are shortest-path closures: every reachable asset once, at its smallest
  distance in hops, however many paths reach it, and never cut silently below the
  depth asked for (`MAX_DEPTH` hops at most).
- Reads see committed data only; `write_plan` is one transaction, all or nothing.
- A store opened read-only refuses writes with `mlg.errors.ReadOnlyGraph`.
- Any method may raise `mlg.errors.MlgError` (or a subclass) with a message naming what
  went wrong; never a backend's own exception type.

Two optional extensions, which mlg.ingest.write_chunks looks for with `hasattr` and
does without: `write_plans(plans, progress)` writes lazily made plans in one
transaction; `bulk_writer()` returns, for an empty graph, a writer that puts each plan
in its own transaction into a new graph that replaces this one only when complete
(`.store` the graph being built, for the reads planning a chunk needs; `.write(plan)`;
`.commit()` the swap, returning a WriteOutcome; leaving its `with` block on an error
deletes what it built), or None when it cannot (the Kuzu store: mlg.store.kuzu.bulk).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol, runtime_checkable

import pyarrow as pa

from mlg.lifespan import LifeChange, View
from mlg.model import Asset, GraphStats, IngestReport, Neighbour, Owner
from mlg.schema import ASSET_COLUMNS

if TYPE_CHECKING:
    from mlg.generation import GraphState
    from mlg.store.image import GraphImage
    from mlg.validation import Plan

MAX_DEPTH = 10_000  # the deepest closure or path mlg asks for, in hops (DESIGN §3)

Direction = Literal["up", "down"]
PathDirection = Literal["up", "down", "undirected"]
Progress = Callable[[str, int, int], None]  # (stage, done, total)

_ARROW_TYPES = {"STRING": pa.string(), "STRING[]": pa.list_(pa.string()), "TIMESTAMP": pa.timestamp("us")}
ASSET_SCHEMA = pa.schema([(name, _ARROW_TYPES[t]) for name, t in ASSET_COLUMNS])
# `edges_among`, `Closure.edges`: one row per lineage edge; source depends on target.
EDGE_TABLE = pa.schema([("source", pa.string()), ("target", pa.string()), ("type", pa.string())])
# `Closure.owners`: one row per (asset, owner, role).
OWNERSHIP_TABLE = pa.schema(
    [
        ("asset", pa.string()),
        ("id", pa.string()),
        ("kind", pa.string()),
        ("name", pa.string()),
        ("email", pa.string()),
        ("role", pa.string()),
    ]
)


# -- what the port hands back --------------------------------------------------------------


@dataclass(frozen=True)
class Resolution:
    """What a reference names: `asset` when it is an asset's id or the name of exactly
    one asset; otherwise `named` (ids of the assets sharing that exact name, at most
    50, by id) when several do, else `near` (up to 5 ids whose id or name contains the
    reference, case-insensitively, shortest id first) as suggestions."""

    asset: Asset | None
    named: tuple[str, ...] = ()
    near: tuple[str, ...] = ()


@dataclass(frozen=True)
class CountedNeighbour:
    """An asset one hop away (the fields a tree shows; `GraphStore.assets` has the rest),
    the relation that links it, and how many neighbours it has in turn."""

    id: str
    kind: str
    name: str
    version: str | None
    type: str  # relation type, e.g. "trained_on"
    count: int  # its direct neighbours in the same direction: the children it would show


@dataclass(frozen=True)
class CountedLevel:
    """One level of neighbours: `total` direct neighbours of any kind, `matching` of the
    kinds asked for, and up to `limit` of those matching, unordered."""

    total: int
    matching: int
    neighbours: tuple[CountedNeighbour, ...]


@dataclass(frozen=True)
class Closure:
    """A shortest-path closure from one root.

    `assets`: ASSET_COLUMNS plus `distance` (int64, hops from the root, >= 1), one row
    per asset reached (never the root itself, even on a cycle), in no particular order.
    `edges` (EDGE_TABLE): every lineage edge whose two ends are among the root and the
    assets reached, each once, following the relation types asked for only.
    `owners` (OWNERSHIP_TABLE): the owners of the root and the assets reached (empty when
    not asked for).
    """

    assets: pa.Table
    edges: pa.Table
    owners: pa.Table


@dataclass(frozen=True)
class Reach:
    """Which assets a `reach_counts`/`reach_paths` walk counts: those of `kinds`, or of a
    kind in `kinds_tagged` and carrying its tag (("model", "tier-1"): tier-1 models).
    Both empty: every asset."""

    kinds: tuple[str, ...] = ()
    kinds_tagged: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class ReachPath:
    """One shortest path from a root to an asset it reaches: `assets` runs from the root
    to `reached` (both included), `types[i]` is the relation between assets i and i+1."""

    root: str
    reached: str
    assets: tuple[str, ...]
    types: tuple[str, ...]


@dataclass(frozen=True)
class StoredRun:
    """A workflow run as stored: `row` has the columns of mlg.schema's Run table
    (facets as JSON text), `inputs`/`outputs` the assets it read and wrote, by id."""

    row: dict[str, Any]
    inputs: tuple[Asset, ...] = ()
    outputs: tuple[Asset, ...] = ()


@dataclass(frozen=True)
class WriteOutcome:
    """What `write_plan` did: the report users see, and what the derived indexes must
    follow: `written` the ids of the assets the write stamped with its generation (None:
    unknown, e.g. an owner was renamed), `owners_changed` whether owners were added or
    changed, `generation` the generation the write created (None: nothing was written)."""

    report: IngestReport
    written: frozenset[str] | None
    owners_changed: bool
    generation: int | None


@dataclass
class Derived:
    """Indexes derived from one graph (the search index) shared by every handle on that
    graph in this process: name -> object with `close()`, guarded by `lock`; closed by
    the store when its last handle closes."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    indexes: dict[str, Any] = field(default_factory=dict)

    def close(self) -> None:
        """Close every index and forget them."""
        for index in self.indexes.values():
            index.close()
        self.indexes.clear()


@dataclass(frozen=True)
class RelationRecords:
    """`edges`: source, target, type, source_of (who asserted it) strings and
    first_seen, last_seen (timestamp[us]), one row per lineage edge; `run_ids`,
    `alias_ids`: every run and alias the graph holds."""

    edges: pa.Table
    run_ids: tuple[str, ...]
    alias_ids: tuple[str, ...]


RELATION_RECORD_TABLE = pa.schema(
    [
        ("source", pa.string()),
        ("target", pa.string()),
        ("type", pa.string()),
        ("source_of", pa.string()),
        ("first_seen", pa.timestamp("us")),
        ("last_seen", pa.timestamp("us")),
    ]
)


# -- the port -------------------------------------------------------------------------------


@runtime_checkable
class GraphStore(Protocol):
    """One open graph. Thread-safe: every method may be called from any thread."""

    location: str
    """The graph as users name it in messages: a file path, or a URL without secrets."""

    read_only: bool
    """Whether this handle refuses writes (`ReadOnlyGraph`)."""

    schema_version: int
    """The graph's schema version (mlg.schema.SCHEMA_VERSION unless an older graph was
    opened read-only and so not upgraded; below 3 it has no generations)."""

    derived: Derived
    """The derived indexes of this graph in this process (see `Derived`)."""

    view: View
    """What this handle's reads see: today's graph (`TODAY`), unless made by `viewing`."""

    def close(self) -> None:
        """Release this handle; idempotent. Methods called afterwards raise MlgError."""
        ...

    def derived_path(self, suffix: str) -> Path:
        """Where a derived index named by `suffix` (".search", ".topology") lives on disk:
        beside the graph file (`graph.kuzu.search`) for an embedded backend, under a
        cache directory keyed by the server and graph for a server backend. The parent
        directory may not exist yet, nor be writable (an index then keeps to memory)."""
        ...

    # -- assets -------------------------------------------------------------------------

    def assets(self, ids: Iterable[str]) -> dict[str, Asset]:
        """The assets among `ids`, by id; ids no asset has are left out."""
        ...

    def asset_rows(self, ids: Iterable[str]) -> pa.Table:
        """The stored rows (ASSET_SCHEMA) of the assets among `ids`, one per asset found."""
        ...

    def resolve(self, ref: str) -> Resolution:
        """What `ref` names: an asset id first, then an exact name (see `Resolution`)."""
        ...

    def siblings(self, asset: Asset) -> list[Asset]:
        """Other assets of `asset`'s kind and family (other versions of one thing), by
        version then id; [] when it has no family."""
        ...

    def neighbours(self, asset_id: str, direction: Direction) -> list[Neighbour]:
        """The direct dependencies ("up") or dependents ("down") of one asset, each with
        the relation type, ordered by relation type, kind, name."""
        ...

    def counted_neighbours(
        self, asset_id: str, direction: Direction, *, kinds: Sequence[str] | None, limit: int
    ) -> CountedLevel:
        """One level of a lineage tree in one round trip: up to `limit` direct
        neighbours of the `kinds` asked for (None: all), whichever come first, each
        with its own count of direct neighbours in the same direction; and how many
        there are of every kind (`total`) and of those kinds (`matching`)."""
        ...

    def owners_of(self, ids: Iterable[str]) -> dict[str, tuple[Owner, ...]]:
        """The owners of the assets among `ids` (each with its `role`), teams first then
        by owner id; assets without owners are left out."""
        ...

    def all_owners(self) -> list[Owner]:
        """Every owner (role None), by id. Owners are few (thousands)."""
        ...

    def stats(self) -> GraphStats:
        """Counts: assets by kind, edges by relation type, owners by kind (each ordered
        by key), and assets without an owner; `path` is `location`."""
        ...

    # -- lineage ------------------------------------------------------------------------

    def closure(
        self,
        root_id: str,
        direction: Direction,
        *,
        depth: int,
        types: Sequence[str] | None = None,
        owners: bool = True,
    ) -> Closure:
        """Everything within `depth` hops (1..MAX_DEPTH) of the asset `root_id`, up or
        down, following only edges of `types` (None: all), each asset once at its
        shortest distance; with the edges among them and (when `owners`) their owners.
        A root no asset has gives an empty closure. Callers ask one hop more than they
        show to learn whether a closure was cut."""
        ...

    def distances(self, root_id: str, direction: PathDirection, *, depth: int) -> dict[str, int]:
        """Asset id -> shortest distance in hops from `root_id` (itself at 0), within
        `depth` hops; "undirected" ignores edge directions."""
        ...

    def shortest_path(self, source_id: str, target_id: str, direction: PathDirection) -> list[str] | None:
        """The ids along one shortest path from `source_id` to `target_id` (both
        included; at least one hop, at most MAX_DEPTH), or None when there is none.
        "up": source depends on target; "down": target depends on source;
        "undirected": any connection ignoring edge directions."""
        ...

    def edges_among(self, ids: Iterable[str]) -> pa.Table:
        """Every lineage edge (EDGE_TABLE) whose two ends are both among `ids`."""
        ...

    def edges_present(self, keys: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
        """The (source, target, type) among `keys` that the graph holds as edges."""
        ...

    def all_edges(self) -> pa.Table:
        """Every lineage edge as (source, target) strings (what a cycle check needs)."""
        ...

    def relation_records(self) -> RelationRecords:
        """Every lineage edge with its properties, and the ids of every run and alias:
        what `mlg copy` needs, besides the other reads, to copy a whole graph."""
        ...

    def edges_of(self, ids: Iterable[str]) -> list[dict[str, Any]]:
        """Every lineage edge with an end among `ids`, as dicts: src, dst, type, source,
        first_seen, last_seen (what merging two assets moves)."""
        ...

    # -- reports ------------------------------------------------------------------------

    def reach_counts(
        self, roots: Sequence[str], direction: Direction, *, reach: Reach | None = None
    ) -> pa.Table:
        """For each root and each kind, how many assets its closure holds (of those
        `reach` selects; None: all): columns root, kind (strings), n, deepest (int64:
        the largest shortest distance among them). Roots reaching nothing have no row."""
        ...

    def reach_paths(
        self, roots: Sequence[str], direction: Direction, *, reach: Reach | None = None, limit: int
    ) -> list[ReachPath]:
        """One shortest path from a root to each asset its closure holds (of those
        `reach` selects), at most `limit` paths in all, in no particular order."""
        ...

    def most_depended_on(self, kind: str, top: int) -> list[tuple[str, int]]:
        """The `top` assets of `kind` with the most distinct direct dependents, as
        (id, dependents), most first, then by id; assets without dependents left out."""
        ...

    def unowned(self, limit: int) -> tuple[dict[str, int], list[Asset]]:
        """Assets without an owner: how many of each kind (by kind), and the first
        `limit` of them by kind, name, id."""
        ...

    def tagged_in_use(self, tag: str) -> list[tuple[str, int]]:
        """Assets carrying `tag` that something depends on directly, as (id, number of
        edges into it), most first, then by id."""
        ...

    # -- runs and aliases (records of the OpenLineage source) ---------------------------

    def recent_runs(self, workflow_id: str, limit: int) -> list[StoredRun]:
        """The latest `limit` runs of a workflow, newest first (by started_at, else
        last_event_at, then id descending), with their inputs and outputs by asset id."""
        ...

    def runs(self, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        """The stored rows of the runs among `ids`, by run id (facets as JSON text)."""
        ...

    def run_io(self, ids: Iterable[str]) -> set[tuple[str, str, str]]:
        """(run id, asset id, "input"|"output") links of the runs among `ids`."""
        ...

    def aliases(self, ids: Iterable[str]) -> dict[str, str]:
        """Alias id -> asset id, for the aliases among `ids` the graph holds."""
        ...

    def aliases_of(self, asset_ids: Iterable[str]) -> dict[str, str]:
        """Alias id -> asset id, for the aliases that name one of `asset_ids`."""
        ...

    def runs_using(self, asset_ids: Iterable[str]) -> set[str]:
        """The ids of the runs that read or wrote one of `asset_ids`."""
        ...

    def assets_named(self, names: Iterable[str]) -> pa.Table:
        """Assets whose name is one of `names`: columns id, kind, namespace, name,
        version (strings) and created_at (timestamp)."""
        ...

    def ownerships(self, ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
        """Asset id -> [(owner id, role)] sorted, for the assets among `ids`."""
        ...

    # -- what the search index reads ----------------------------------------------------

    def index_assets(self, since: int | None) -> pa.Table:
        """ASSET_SCHEMA rows of every asset (`since` None) or of those a write after
        generation `since` stamped."""
        ...

    def index_ownerships(
        self, since: int | None = None, ids: Iterable[str] | None = None
    ) -> dict[str, list[tuple[str, str]]]:
        """Asset id -> [(owner id, owner name)] for the assets `index_assets(since)`
        returns, or (with `ids`) for those few assets."""
        ...

    # -- generations --------------------------------------------------------------------

    def state(self) -> GraphState:
        """The graph's generation, untracked generation and id, read now (`tracked`
        False for a graph of a schema without generations)."""
        ...

    def mark_untracked(self) -> int:
        """Commit a new generation every derived index older than it must rebuild from
        (before a write that cannot say what it changes); that generation."""
        ...

    # -- writing ------------------------------------------------------------------------

    def is_empty(self) -> bool:
        """Whether the graph holds no asset and no owner."""
        ...

    def asset_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        """Asset id -> kind, for the assets among `ids` (what validation checks)."""
        ...

    def owner_ids(self, ids: Iterable[str]) -> set[str]:
        """The owner ids among `ids` the graph holds."""
        ...

    def rekey_assets(self, rekeyed: dict[str, str]) -> None:
        """Give each asset `old` of `rekeyed` (old id -> new id) the new id, keeping all it
        has: its row, kept versions, edges both ways (live and retired), owner links and
        their history, runs, the aliases naming it; the derived indexes rebuild. Refused,
        nothing written, when an old id is not an asset or a new one already is. A crash
        leaves the old ids or the new ones (mlg.lifecycle.identity)."""
        ...

    def write_plan(
        self, plan: Plan, progress: Progress | None = None, *, dry_run: bool = False
    ) -> WriteOutcome:
        """Write a validated plan (mlg.validation.Plan) in one transaction: new assets,
        owners, edges, ownerships, runs and aliases created; changed ones updated; an
        asset record listing owners replaces that asset's owners; every asset written
        stamped with the new generation, which is committed with the data. All or
        nothing: on failure nothing is written and MlgError says why. `progress` is
        called as (stage, done, total). With `dry_run`, the report of what it would
        change, nothing written (generation None)."""
        ...

    # -- lifecycle: views, history, retirement, placeholders (mlg/lifecycle) -------------

    def image(self) -> GraphImage:
        """The whole graph as rows, history included: every table, every column of
        every row (mlg.store.image; what `mlg copy` carries)."""
        ...

    def write_image(self, image: GraphImage) -> WriteOutcome:
        """Write `image` into this EMPTY graph in one transaction, all or nothing; an
        image with an edge whose end is missing, or a store that is not empty, is
        refused before anything is written."""
        ...

    def viewing(self, *, include_retired: bool = False, as_of: datetime | None = None) -> GraphStore:
        """A handle on the same graph (same connections and derived indexes) whose reads
        see retired assets and edges too (`include_retired`), or the graph as it was at
        `as_of` (naive UTC; the edges alive then). Closing it closes nothing."""
        ...

    def asset_at(self, asset_id: str, moment: datetime) -> Asset | None:
        """The asset as it was at `moment` (naive UTC): its current row if valid then,
        else its past version valid then; None when it was not alive then."""
        ...

    def versions_at(self, ids: Iterable[str], moment: datetime) -> dict[str, Asset]:
        """Asset id -> its past version valid at `moment`, for those of `ids` whose
        version of then has been replaced since (an asset unchanged since is left out)."""
        ...

    def assets_as_of(self, moment: datetime, *, asset: str | None = None) -> dict[str, dict[str, Any]]:
        """Asset id -> content of every asset alive at `moment` (the version valid then):
        the ASSET_COLUMNS but id, with `tags` and `sources` as tuples, and `placeholder`.
        With `asset`, that asset only."""
        ...

    def edges_as_of(
        self, moment: datetime, *, asset: str | None = None
    ) -> dict[tuple[str, str, str], tuple[str, ...]]:
        """(source, target, type) -> the sources asserting it, for every lineage edge
        alive at `moment` (the sources last recorded on that interval). With `asset`,
        only the edges touching it."""
        ...

    def ownerships_as_of(
        self, moment: datetime, *, ids: Iterable[str] | None = None
    ) -> dict[str, list[tuple[str, str]]]:
        """Asset id -> [(owner id, role)] sorted: the owner links that held at `moment`
        (`ids`: of those assets only). `owners_of` answers from it when the store's view
        is as of a date."""
        ...

    def placeholders(self, limit: int) -> list[Asset]:
        """Placeholder assets seen in this view, by kind then id, at most `limit`; []
        for a graph whose schema has no lifecycle."""
        ...

    def retired_search(self, words: Sequence[str], *, kinds: Sequence[str] = (), limit: int) -> list[Asset]:
        """Retired assets whose id or name contains every one of `words` (lower-case
        text, matched in any case), of `kinds` (empty: any), by name then id, at most
        `limit`; [] for a graph whose schema has no lifecycle."""
        ...

    def history_counts(self) -> dict[str, int]:
        """What the graph keeps beyond today's state, by what ("retired assets",
        "retired relations", "kept asset versions"); {} when it keeps none of it by
        design. `mlg copy` refuses to drop these."""
        ...

    def retire_asset(self, asset: Asset, reason: str | None = None) -> LifeChange:
        """Retire `asset` by hand (`mlg retire`) with its edges (kept, dormant); only a
        `restore_asset` revives it. `changed` False when it was retired already (`asset`
        as just read)."""
        ...

    def restore_asset(self, asset: Asset) -> LifeChange:
        """Bring a retired `asset` back with its dormant edges whose other end is alive,
        as new intervals. `changed` False when it was alive."""
        ...

    # -- raw Cypher -----------------------------------------------------------------------

    def cypher(
        self, statement: str, params: dict[str, Any] | None = None, *, write: bool = False
    ) -> pa.Table:
        """Run one statement of the backend's Cypher dialect with `params` bound; its
        result as Arrow (no columns for a statement without RETURN). Read-only unless
        `write` (refused on a read-only store, and marking the graph untracked first);
        a read-only statement that would write raises ReadOnlyGraph, anything else the
        backend refuses `mlg.errors.CypherError` with the backend's message. Variable-
        length patterns are never cut below MAX_DEPTH hops."""
        ...

    def cypher_examples(self) -> tuple[tuple[str, str], ...]:
        """(what it shows, statement) pairs of this backend's dialect, for the console."""
        ...
