"""The search index: an SQLite FTS5 file beside the graph (`graph.kuzu.search`).

Why SQLite FTS5 (and not tantivy, nor Kuzu's own FTS extension, which crashes after
updates — DESIGN §4): it is in Python's standard library (no new dependency, nothing
to build), it is one file that travels with the graph, and its transactions cover the
text index and the tables beside it (the assets' rows, the vocabulary, the generation
the index reflects) together, so a process killed half-way through an update leaves
the previous state, never a mixed one. FTS5 returns matches in row-number order and
stops at a LIMIT, which is what makes ranked search-as-you-type cheap on 1M assets
(mlg/search/documents.py). tantivy would need its own segment directory and gives no
transaction over anything but its documents.

The index is derived, never the record: it stores the graph generation it reflects
(mlg/generation.py). Before a search, a stale index is brought up to date — from the
assets written after its generation when it can, rebuilt (into a new file that
replaces the old one at once) otherwise. Updates take an exclusive lock on
`graph.kuzu.search.lock`, so several processes opening one graph read-only update it
once, one after the other. Where the index cannot be written (a read-only directory,
or an older graph opened read-only, which has no generations), it is built in memory
for the process.
"""

from __future__ import annotations

import bisect
import contextlib
import fcntl
import json
import os
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa

from mlg import generation as generations
from mlg.errors import MlgError
from mlg.search import source
from mlg.search.documents import SLOT_BITS, Document, bucket, document, rank_family

if TYPE_CHECKING:
    from mlg.graph import Graph

Progress = Callable[[str, int, int], None]

FORMAT = "2"  # of the index file; another value is rebuilt
SUFFIX = ".search"
# An update that changes more than this share of the assets rebuilds instead.
REBUILD_SHARE = 0.5
_BATCH = 20_000

_SCHEMA = (
    "CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT) WITHOUT ROWID",
    """CREATE TABLE asset(
        rank INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, name TEXT NOT NULL,
        namespace TEXT, family TEXT, version TEXT, description TEXT, domain TEXT, tags TEXT,
        props TEXT, created_at TEXT, updated_at TEXT, owners TEXT,
        id_key TEXT, tail_key TEXT, name_key TEXT, short_key TEXT, versioned_key TEXT,
        family_key TEXT, version_norm TEXT, latest INTEGER NOT NULL, version_rank INTEGER NOT NULL)""",
    # Terms already cut by mlg.search.text (unicode61 keeps them whole). Names and
    # the rest apart: a name tier reads doclists of names only, not of every
    # description and owner ("te*" in names would otherwise scan each asset whose
    # owner is a "team"). Both carry the facets, so either applies the filters.
    "CREATE VIRTUAL TABLE name_text USING fts5(name, facets, "
    "tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3')",
    # the body repeats the name's words; no phrases are asked of it: column detail only
    "CREATE VIRTUAL TABLE body_text USING fts5(body, facets, "
    "tokenize = 'unicode61 remove_diacritics 0', prefix = '1 2 3', detail = column)",
    "CREATE TABLE term(term TEXT PRIMARY KEY, docs INTEGER NOT NULL) WITHOUT ROWID",
    "CREATE TABLE owner(id TEXT PRIMARY KEY, kind TEXT, name TEXT, name_key TEXT) WITHOUT ROWID",
)
# Created after a rebuild's rows: building a B-tree once beats a million inserts into it.
_INDEXES = (
    "CREATE UNIQUE INDEX asset_id ON asset(id)",
    "CREATE INDEX asset_id_key ON asset(id_key)",
    "CREATE INDEX asset_tail_key ON asset(tail_key)",
    "CREATE INDEX asset_name_key ON asset(name_key, id)",
    "CREATE INDEX asset_short_key ON asset(short_key)",
    "CREATE INDEX asset_versioned_key ON asset(versioned_key)",
    "CREATE INDEX asset_family_key ON asset(family_key) WHERE family_key IS NOT NULL",
    "CREATE INDEX owner_name_key ON owner(name_key)",
)
_ASSET_FIELDS = (
    "rank id kind name namespace family version description domain tags props created_at updated_at "
    "owners id_key tail_key name_key short_key versioned_key family_key version_norm latest version_rank"
).split()
_INSERT_ASSET = (
    f"INSERT INTO asset({', '.join(_ASSET_FIELDS)}) VALUES ({', '.join('?' * len(_ASSET_FIELDS))})"
)
_INSERT_NAME = "INSERT INTO name_text(rowid, name, facets) VALUES (?, ?, ?)"
_INSERT_BODY = "INSERT INTO body_text(rowid, body, facets) VALUES (?, ?, ?)"


def index_path(graph_path: Path) -> Path:
    """`graph.kuzu.search` beside `graph.kuzu`."""
    return graph_path.with_name(graph_path.name + SUFFIX)


class SearchIndex:
    """One open index (a file, or memory). Its connection is shared by the threads of
    the process and used under `lock`."""

    def __init__(self, path: Path | None):
        self.path = path
        self.lock = threading.RLock()
        self.conn = self._connect()
        self.vocabulary: tuple[int, list[str]] | None = None  # (generation, terms)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            str(self.path) if self.path else ":memory:", check_same_thread=False, isolation_level=None
        )
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.row_factory = sqlite3.Row
        return conn

    def reopen(self) -> None:
        """A fresh connection: the file may have been replaced by a rebuild."""
        self.conn.close()
        self.conn = self._connect()
        self.vocabulary = None

    def close(self) -> None:
        self.conn.close()

    def meta(self) -> dict[str, str]:
        try:
            return dict(self.conn.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError:  # no index yet, or not one: rebuilt
            return {}

    def reflects(self, state: generations.GraphState) -> bool:
        meta = self.meta()
        return (
            meta.get("format") == FORMAT
            and meta.get("graph_id") == (state.graph_id or "")
            and meta.get("generation") == str(state.generation)
        )

    def generation(self) -> int:
        return int(self.meta().get("generation", -1))


# -- finding the index of a graph, current -----------------------------------------------


def index_for(graph: Graph, progress: Progress | None = None, written: Written | None = None) -> SearchIndex:
    """The graph's search index, brought up to date first if the graph moved on."""
    derived = graph.store.derived
    with derived.lock:
        index = derived.indexes.get("search")
        if index is None:
            index = _open_index(graph)
            derived.indexes["search"] = index
    bring_up_to_date(graph, index, progress, written)
    return index


def _open_index(graph: Graph) -> SearchIndex:
    if graph.store.schema_version < 3:
        return SearchIndex(None)  # no generations to check a file against: memory only
    path = graph.store.derived_path(SUFFIX)
    try:
        index = SearchIndex(path)
        index.meta()
        return index
    except (OSError, sqlite3.Error):
        return SearchIndex(None)


def bring_up_to_date(
    graph: Graph, index: SearchIndex, progress: Progress | None = None, written: Written | None = None
) -> None:
    """Make `index` reflect the graph: nothing when current, else from the assets
    written since its generation, else a rebuild."""
    state = generations.state(graph)
    with index.lock:
        if index.reflects(state):
            return
        if index.path is None:
            _rebuild_in_memory(graph, index, state, progress)
            return
        try:
            lock = _file_lock(index.path)
        except OSError:  # the directory is not ours to write: this process keeps its own
            index.path = None
            index.reopen()
            _rebuild_in_memory(graph, index, state, progress)
            return
        with lock:
            index.reopen()  # another process may have brought it up to date, or replaced it
            if index.reflects(state):
                return
            if not _update(graph, index, state, progress, written):
                _rebuild_file(graph, index, state, progress)


def rebuilt_in_memory(graph: Graph) -> SearchIndex:
    """A new index built from the graph as it is now, in memory: what any index of
    the graph, however it was brought up to date, must answer exactly like."""
    index = SearchIndex(None)
    _build(graph, index.conn, generations.state(graph), None)
    return index


def refresh_after_write(
    graph: Graph,
    progress: Progress | None = None,
    *,
    written: set[str] | None = None,
    owners_changed: bool = True,
) -> None:
    """After a committed write: bring the index along. `written` names the assets the
    write stamped (None: unknown); when the index reflected the generation just before
    the write, those are read by id instead of scanning every asset's generation.
    A failure here leaves the index stale, which the next search repairs; it never
    fails the write, whose data is already in the graph."""
    try:
        index_for(graph, progress, Written(written, owners_changed) if written is not None else None)
    except (MlgError, OSError, sqlite3.Error, RuntimeError):
        pass


@contextlib.contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    fd = os.open(str(path) + ".lock", os.O_RDWR | os.O_CREAT, 0o666)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock (a killed process releases it too)


# -- incremental update -----------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    """What the write that just committed changed: its assets, and whether owners."""

    assets: set[str]
    owners_changed: bool


def _update(
    graph: Graph,
    index: SearchIndex,
    state: generations.GraphState,
    progress: Progress | None,
    written: Written | None = None,
) -> bool:
    """Apply the assets written since the index's generation; False when the index
    cannot be updated (another graph, an untracked write, too much changed)."""
    meta = index.meta()
    if meta.get("format") != FORMAT or meta.get("graph_id") != state.graph_id:
        return False
    since = int(meta["generation"])
    if since < state.untracked or since > state.generation:
        return False
    # Just one write behind, and it says what it wrote: read those assets by id.
    by_id = written is not None and since == state.generation - 1 and len(written.assets) <= source.FEW
    if by_id:
        changed = source.assets_by_id(graph, written.assets)
    else:
        changed = source.assets(graph, since)
    indexed = index.conn.execute("SELECT count(*) FROM asset").fetchone()[0]
    if len(changed) > 1000 and len(changed) > REBUILD_SHARE * indexed:
        return False
    if progress:
        progress("indexing for search", 0, len(changed))
    owned = source.ownerships_by_id(graph, written.assets) if by_id else source.ownerships(graph, since)
    alive = [row for row in changed if row.pop("alive")]
    gone = [row["id"] for row in changed if row not in alive]  # retired (mlg.lifecycle)
    docs = [document(row, owned.get(row["id"], ())) for row in alive]
    conn = index.conn
    conn.execute("BEGIN IMMEDIATE")
    try:
        _apply(conn, docs, gone)
        if not by_id or written.owners_changed:
            _write_owners(conn, source.owners(graph))
        _write_meta(conn, state)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    index.vocabulary = None
    if progress:
        progress("indexing for search", len(changed), len(changed))
    return True


def _apply(conn: sqlite3.Connection, docs: list[Document], gone: Iterable[str] = ()) -> None:
    """Replace the documents of `docs`' assets and drop those of `gone` (retired), then
    re-rank the families they touch."""
    families: set[str] = set()
    for asset_id in [*(d.id for d in docs), *gone]:
        old = conn.execute("SELECT rank, family_key FROM asset WHERE id = ?", (asset_id,)).fetchone()
        if old is not None:
            _remove(conn, old[0])
            if old[1]:
                families.add(old[1])
    for doc in docs:
        if doc.family_key:
            families.add(doc.family_key)
    new_by_family: dict[str, list[Document]] = {}
    for doc in docs:
        if doc.family_key:
            new_by_family.setdefault(doc.family_key, []).append(doc)
    for family in sorted(families):
        existing = conn.execute(
            "SELECT rank, id, version, created_at, latest, version_rank, kind, name_key "
            "FROM asset WHERE family_key = ?",
            (family,),
        ).fetchall()
        new = new_by_family.get(family, [])
        ranks = rank_family(
            [(r[1], r[2], r[3]) for r in existing] + [(d.id, d.version, d.created_at) for d in new]
        )
        for rank, asset_id, _, _, latest, version_rank, kind, name_key in existing:
            now_latest, now_rank = ranks[asset_id]
            if bool(latest) != now_latest:
                _move(conn, rank, bucket(kind, now_latest, name_key), now_latest, now_rank)
            elif version_rank != now_rank:
                conn.execute("UPDATE asset SET version_rank = ? WHERE rank = ?", (now_rank, rank))
        for doc in new:
            doc.latest, doc.version_rank = ranks[doc.id]
    terms: Counter[str] = Counter()
    for doc in docs:
        doc.rank = _free_rank(conn, bucket(doc.kind, doc.latest, doc.name_key))
        _insert(conn, [doc])
        terms.update(doc.terms())
    _count_terms(conn, terms, +1)


def _remove(conn: sqlite3.Connection, rank: int) -> None:
    (body,) = conn.execute("SELECT body FROM body_text WHERE rowid = ?", (rank,)).fetchone()
    conn.execute("DELETE FROM name_text WHERE rowid = ?", (rank,))
    conn.execute("DELETE FROM body_text WHERE rowid = ?", (rank,))
    conn.execute("DELETE FROM asset WHERE rank = ?", (rank,))
    _count_terms(conn, Counter(set(body.split())), -1)


def _move(conn: sqlite3.Connection, rank: int, new_bucket: int, latest: bool, version_rank: int) -> None:
    """Give an asset the rank of its new place in the order (newest of its family or not)."""
    new_rank = _free_rank(conn, new_bucket)
    name = conn.execute("SELECT name, facets FROM name_text WHERE rowid = ?", (rank,)).fetchone()
    body = conn.execute("SELECT body, facets FROM body_text WHERE rowid = ?", (rank,)).fetchone()
    conn.execute("DELETE FROM name_text WHERE rowid = ?", (rank,))
    conn.execute("DELETE FROM body_text WHERE rowid = ?", (rank,))
    conn.execute(_INSERT_NAME, (new_rank, *name))
    conn.execute(_INSERT_BODY, (new_rank, *body))
    conn.execute(
        "UPDATE asset SET rank = ?, latest = ?, version_rank = ? WHERE rank = ?",
        (new_rank, int(latest), version_rank, rank),
    )


def _free_rank(conn: sqlite3.Connection, bucket_number: int) -> int:
    low = bucket_number << SLOT_BITS
    high = low | (1 << SLOT_BITS) - 1
    top = conn.execute("SELECT max(rank) FROM asset WHERE rank BETWEEN ? AND ?", (low, high)).fetchone()[0]
    if top is None:
        return low
    if top < high:
        return top + 1
    gap = conn.execute(
        "SELECT a.rank + 1 FROM asset a WHERE a.rank BETWEEN ? AND ? "
        "AND NOT EXISTS (SELECT 1 FROM asset b WHERE b.rank = a.rank + 1) LIMIT 1",
        (low, high - 1),
    ).fetchone()
    if gap is None:
        raise MlgError(f"search index: more than {1 << SLOT_BITS} assets share one place in the order")
    return gap[0]


def _count_terms(conn: sqlite3.Connection, terms: Counter[str], sign: int) -> None:
    conn.executemany(
        "INSERT INTO term(term, docs) VALUES (?, ?) "
        "ON CONFLICT(term) DO UPDATE SET docs = docs + excluded.docs",
        ((t, sign * n) for t, n in terms.items()),
    )
    if sign < 0:
        conn.executemany("DELETE FROM term WHERE term = ? AND docs <= 0", ((t,) for t in terms))


# -- rebuild ------------------------------------------------------------------------------


def _rebuild_file(
    graph: Graph, index: SearchIndex, state: generations.GraphState, progress: Progress | None
) -> None:
    """Build a new index file and put it in place of the old one in one rename:
    killed half-way, the old file (stale, so rebuilt again) is what is left."""
    target = index.path
    assert target is not None
    building = target.with_name(target.name + ".building")
    building.unlink(missing_ok=True)
    conn = sqlite3.connect(str(building), isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA cache_size = -262144")  # 256 MB: the FTS5 merges of a big build
        _build(graph, conn, state, progress)
    finally:
        conn.close()
    os.replace(building, target)
    index.reopen()


def _rebuild_in_memory(
    graph: Graph, index: SearchIndex, state: generations.GraphState, progress: Progress | None
) -> None:
    index.reopen()
    _build(graph, index.conn, state, progress)


def _build(
    graph: Graph, conn: sqlite3.Connection, state: generations.GraphState, progress: Progress | None
) -> None:
    """Build the index on `conn` (a new database) holding one slice of documents at a
    time: the documents go to a staging database as they are made (a private temporary
    SQLite file, deleted when detached), the ranks are worked out from compact arrays
    (a bucket per asset, the family members' (version, created_at)), and the tables are
    then filled from the staging rows in rank order, as FTS5 wants them (measured: 10x
    slower unsorted). The same rows and ranks as making every document at once: a
    slot is given in the order the store returned the assets."""
    table = source.asset_table(graph)
    total = table.num_rows
    if progress:
        progress("indexing for search", 0, total)
    conn.execute("ATTACH DATABASE '' AS staging")
    try:
        conn.execute("PRAGMA staging.journal_mode = OFF")
        conn.execute("PRAGMA staging.synchronous = OFF")
        conn.execute("BEGIN")
        for statement in _SCHEMA:
            conn.execute(statement)
        conn.execute(_STAGING_DOC)
        positions, buckets, families, terms = _stage_documents(graph, conn, table, total, progress)
        del table
        ranks, latest, version_rank = _ranks(positions, buckets, families)
        del buckets, families
        conn.execute(
            "CREATE TABLE staging.placed(rank INTEGER PRIMARY KEY, pos INTEGER, latest INTEGER, "
            "vrank INTEGER)"
        )
        order = np.argsort(ranks, kind="stable")
        for start in range(0, len(order), _BATCH):
            picked = order[start : start + _BATCH]
            conn.executemany(
                "INSERT INTO staging.placed VALUES (?, ?, ?, ?)",
                zip(
                    ranks[picked].tolist(),
                    positions[picked].tolist(),
                    latest[picked].tolist(),
                    version_rank[picked].tolist(),
                ),
            )
        del ranks, latest, version_rank, order, positions
        conn.execute(_FILL_ASSET)
        conn.execute("INSERT INTO name_text(rowid, name, facets) " + _FROM_STAGING.format("d.name_terms"))
        conn.execute("INSERT INTO body_text(rowid, body, facets) " + _FROM_STAGING.format("d.body_terms"))
        conn.executemany("INSERT INTO term(term, docs) VALUES (?, ?)", terms.items())
        del terms
        for statement in _INDEXES:
            conn.execute(statement)
        _write_owners(conn, source.owners(graph))
        _write_meta(conn, state)
        conn.execute("INSERT INTO name_text(name_text) VALUES ('optimize')")
        conn.execute("INSERT INTO body_text(body_text) VALUES ('optimize')")
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    finally:
        conn.execute("DETACH DATABASE staging")
    if progress:
        progress("indexing for search", total, total)


# The documents of a rebuild as they are made (pos: the asset's place in the store's
# table); `asset`'s columns but the rank's own ones, and the texts of the FTS5 tables.
_STAGED = _ASSET_FIELDS[1:-2]
_STAGING_DOC = (
    "CREATE TABLE staging.doc(pos INTEGER PRIMARY KEY, "
    + ", ".join(_STAGED)
    + ", name_terms TEXT, body_terms TEXT, facets TEXT)"
)
_INSERT_STAGED = (
    f"INSERT INTO staging.doc(pos, {', '.join(_STAGED)}, name_terms, body_terms, facets) "
    f"VALUES ({', '.join('?' * (len(_STAGED) + 4))})"
)
_FROM_STAGING = (
    "SELECT p.rank, {}, d.facets FROM staging.placed p JOIN staging.doc d ON d.pos = p.pos ORDER BY p.rank"
)
_FILL_ASSET = (
    f"INSERT INTO asset({', '.join(_ASSET_FIELDS)}) SELECT p.rank, "
    + ", ".join(f"d.{n}" for n in _STAGED)
    + ", p.latest, p.vrank FROM staging.placed p JOIN staging.doc d ON d.pos = p.pos ORDER BY p.rank"
)


def _stage_documents(graph: Graph, conn: sqlite3.Connection, table, total: int, progress: Progress | None):
    """Make the documents a slice of the asset table at a time (in id order, to walk
    the ownerships sorted by asset beside them) and stage them; what ranking needs:
    each document's place in the table, its bucket if it is the newest of its family
    and if not, the members of each family, and the vocabulary."""
    import pyarrow.compute as pc

    owned = source.ownership_table(graph)
    owner_assets = _Strings(owned.column("asset"))
    by_id = pc.sort_indices(table, [("id", "ascending")]).to_numpy()
    positions = np.empty(total, np.int64)
    buckets = np.empty((total, 2), np.int64)  # (newest of its family, not)
    families: dict[str, list[tuple[str, str | None, str | None, int]]] = {}
    terms: Counter[str] = Counter()
    kept = 0
    cursor = 0  # into `owned`
    for start in range(0, total, _BATCH):
        picked = by_id[start : start + _BATCH]
        rows = source.slice_rows(table.take(pa.array(picked)))
        last = rows[-1]["id"]
        end = bisect.bisect_right(owner_assets, last, lo=cursor)
        owners: dict[str, list[tuple[str, str]]] = {}
        window = owned.slice(cursor, end - cursor)
        for asset_id, owner_id, name in zip(
            *(window.column(c).to_pylist() for c in ("asset", "owner", "name"))
        ):
            owners.setdefault(asset_id, []).append((owner_id, name or ""))
        cursor = end
        staged = []
        for pos, row in zip(picked.tolist(), rows):
            if not row.pop("alive"):
                continue
            d = document(row, owners.get(row["id"], ()))
            positions[kept] = pos
            buckets[kept] = (bucket(d.kind, True, d.name_key), bucket(d.kind, False, d.name_key))
            if d.family_key:
                families.setdefault(d.family_key, []).append((d.id, d.version, d.created_at, kept))
            terms.update(d.terms())
            staged.append(
                (
                    pos,
                    *(_staged_values(d)),
                    d.name_terms,
                    d.body_terms,
                    d.facets,
                )
            )
            kept += 1
        conn.executemany(_INSERT_STAGED, staged)
        if progress:
            progress("indexing for search", min(start + _BATCH, total), total)
    return positions[:kept], buckets[:kept], families, terms


def _staged_values(d: Document) -> tuple:
    return (
        d.id,
        d.kind,
        d.name,
        d.namespace,
        d.family,
        d.version,
        d.description,
        d.domain,
        json.dumps(d.tags) if d.tags else None,
        d.props,
        d.created_at,
        d.updated_at,
        json.dumps(d.owners) if d.owners else None,
        *d.keys,
        d.family_key,
        d.version_norm,
    )


def _ranks(positions: np.ndarray, buckets: np.ndarray, families: dict) -> tuple[np.ndarray, ...]:
    """Each staged document's rank, newest-of-family flag and version rank (arrays in
    the staging order). The slot within a bucket follows the store's order (`positions`)."""
    n = len(positions)
    latest = np.ones(n, np.int64)
    version_rank = np.zeros(n, np.int64)
    for members in families.values():
        if len(members) > 1:
            ranked = rank_family([(m[0], m[1], m[2]) for m in members])
            for asset_id, _, _, i in members:
                latest[i], version_rank[i] = ranked[asset_id]
    chosen = np.where(latest == 1, buckets[:, 0], buckets[:, 1])
    order = np.lexsort((positions, chosen))  # by bucket, then the store's order
    sorted_buckets = chosen[order]
    starts = (
        np.r_[0, np.flatnonzero(sorted_buckets[1:] != sorted_buckets[:-1]) + 1]
        if n
        else np.zeros(0, np.int64)
    )
    run = np.zeros(n, np.int64)
    if n:
        run[starts] = starts
        run = np.maximum.accumulate(run)
    slots = np.empty(n, np.int64)
    slots[order] = np.arange(n) - run
    if n and slots.max() >= 1 << SLOT_BITS:
        raise MlgError(f"search index: more than {1 << SLOT_BITS} assets share one place in the order")
    return chosen << SLOT_BITS | slots, latest, version_rank


class _Strings:
    """An Arrow string array as a sequence `bisect` can search."""

    def __init__(self, array):
        self.array = array.combine_chunks() if hasattr(array, "combine_chunks") else array

    def __len__(self) -> int:
        return len(self.array)

    def __getitem__(self, i: int) -> str:
        return self.array[i].as_py()


def _insert(conn: sqlite3.Connection, docs: Iterable[Document]) -> None:
    docs = list(docs)
    conn.executemany(
        _INSERT_ASSET, ((d.rank, *_staged_values(d), int(d.latest), d.version_rank) for d in docs)
    )
    conn.executemany(_INSERT_NAME, ((d.rank, d.name_terms, d.facets) for d in docs))
    conn.executemany(_INSERT_BODY, ((d.rank, d.body_terms, d.facets) for d in docs))


def _write_owners(conn: sqlite3.Connection, owners: list[tuple[str, str, str]]) -> None:
    from mlg.search.text import fold

    conn.execute("DELETE FROM owner")
    conn.executemany(
        "INSERT INTO owner(id, kind, name, name_key) VALUES (?, ?, ?, ?)",
        ((i, k, n, fold(n or "")) for i, k, n in owners),
    )


def _write_meta(conn: sqlite3.Connection, state: generations.GraphState) -> None:
    conn.executemany(
        "INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)",
        [("format", FORMAT), ("graph_id", state.graph_id or ""), ("generation", str(state.generation))],
    )
