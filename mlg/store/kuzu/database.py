"""Opening Kuzu graph files: schema creation and checks, one Database per path.

Kuzu lets one process open a file read-write, or many read-only, and crashes when one
process opens the same path twice (DESIGN §5), so this module keeps a registry of the
`kuzu.Database` objects of this process, shared by every Graph on the same path.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

import kuzu

from mlg.errors import GraphError, GraphLocked
from mlg.generation import initial_meta
from mlg.schema import META_TABLE, SCHEMA_VERSION
from mlg.store.kuzu.schema import DDL, PYTHON_UPGRADES, UPGRADES
from mlg.store.port import MAX_DEPTH, Derived


@dataclass
class _Handle:
    path: Path
    read_only: bool
    database: kuzu.Database
    schema_version: int = SCHEMA_VERSION  # older only when opened read-only (never upgraded then)
    users: int = 0
    # Indexes derived from this graph (the search index), shared by its stores and
    # closed with the database.
    derived: Derived = field(default_factory=Derived)


_handles: dict[Path, _Handle] = {}
_registry_lock = threading.Lock()


def acquire(path: Path, read_only: bool, create: bool, buffer_pool: int = 0) -> _Handle:
    """The process-wide handle on `path`, opening (and creating) the file if needed;
    `buffer_pool`: Kuzu's buffer pool in bytes (0: Kuzu's default, most of the RAM)."""
    with _registry_lock:
        handle = _handles.get(path)
        if handle is not None:
            if handle.read_only and not read_only:
                raise GraphError(
                    f"graph at {path} is already open read-only in this process; "
                    "close it before opening it for writing"
                )
            handle.users += 1
            return handle
        database, version = _open_database(path, read_only, create, buffer_pool)
        handle = _Handle(path, read_only, database, schema_version=version, users=1)
        _handles[path] = handle
        return handle


def replace_file(handle: _Handle, building: Path) -> None:
    """Put the complete, checkpointed and closed graph file `building` in place of the
    handle's file and reopen the handle on it. Kuzu 0.11.3 keeps a graph in its main
    file plus, between checkpoints, `<file>.wal` (and `<file>.shadow` during one): both
    files are checkpointed first, so that each is one file and one rename swaps them
    (a kill at any moment leaves the old file or the new one, never a WAL of the other).
    The caller has closed every connection on the handle."""
    path = handle.path
    conn = kuzu.Connection(handle.database)
    try:
        conn.execute("CHECKPOINT")
    finally:
        conn.close()
    handle.derived.close()  # indexes of the old graph (the new graph_id rebuilds them)
    handle.database.close()
    leftovers = [p for p in (Path(f"{f}{s}") for f in (path, building) for s in _SIDE_FILES) if p.exists()]
    if leftovers:  # never rename a main file away from its WAL
        handle.database = _kuzu_database(path, False)
        raise GraphError(f"cannot swap in the bulk-built graph: {', '.join(map(str, leftovers))} remain")
    fd = os.open(str(building), os.O_RDONLY)
    try:
        os.fsync(fd)  # the new file's content on disk before its name is
    finally:
        os.close(fd)
    os.replace(building, path)
    _sync_directory(path.parent)
    handle.database = _kuzu_database(path, False)


_SIDE_FILES = (".wal", ".shadow")


def _sync_directory(folder: Path) -> None:
    fd = os.open(str(folder), os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def release(handle: _Handle) -> None:
    with _registry_lock:
        handle.users -= 1
        if handle.users <= 0 and _handles.get(handle.path) is handle:
            del _handles[handle.path]
            handle.derived.close()
            handle.database.close()


def _open_database(
    path: Path, read_only: bool, create: bool, buffer_pool: int = 0
) -> tuple[kuzu.Database, int]:
    exists = path.exists()
    if not exists and (read_only or not create):
        raise GraphError(
            f"no graph at {path}; create one with `mlg init` or load the sample with `mlg sample`"
        )
    if exists and path.is_dir():
        raise GraphError(f"{path} is a directory, not an mlg graph file")
    if not exists:
        path.parent.mkdir(parents=True, exist_ok=True)
    try:
        database = _kuzu_database(path, read_only, buffer_pool)
    except RuntimeError as exc:
        text = str(exc)
        if "Could not set lock" in text:
            raise GraphLocked(str(path), read_only) from None
        reason = text.splitlines()[0] if text else "unknown error"
        raise GraphError(f"{path} is not an mlg graph (Kuzu could not open it: {reason})") from None
    try:
        version = _check_or_create_schema(database, path, read_only, fresh=not exists)
    except BaseException:
        database.close()
        raise
    return database, version


def _kuzu_database(path: Path, read_only: bool, buffer_pool: int = 0) -> kuzu.Database:
    try:
        return kuzu.Database(str(path), read_only=read_only, buffer_pool_size=buffer_pool)
    except RuntimeError as exc:
        # A writer killed during its checkpoint leaves shadow pages that Kuzu replays only
        # in read-write mode: replay them once (the lock says nobody else has the file),
        # then open as asked. Kuzu's recovery, not a repair: the WAL decides the content.
        if not read_only or "replay shadow pages" not in str(exc):
            raise
    kuzu.Database(str(path), read_only=False).close()
    return kuzu.Database(str(path), read_only=True)


def _check_or_create_schema(database: kuzu.Database, path: Path, read_only: bool, fresh: bool) -> int:
    """The graph's schema version, after creating the schema (a new file) or upgrading
    it in place (an older graph opened read-write)."""
    conn = kuzu.Connection(database)
    try:
        tables = {row[1] for row in _rows(conn, "CALL show_tables() RETURN *")}
        if META_TABLE not in tables:
            if tables or read_only or not fresh:
                raise GraphError(f"{path} is a Kuzu database but not an mlg graph (no {META_TABLE} table)")
            conn.execute("BEGIN TRANSACTION")
            for statement in DDL:
                conn.execute(statement)
            meta = {"schema_version": str(SCHEMA_VERSION), **initial_meta()}
            for key, value in meta.items():
                conn.execute(f"CREATE (:{META_TABLE} {{key: $k, value: $v}})", {"k": key, "v": value})
            conn.execute("COMMIT")
            return SCHEMA_VERSION
        rows = _rows(conn, f"MATCH (m:{META_TABLE} {{key: 'schema_version'}}) RETURN m.value")
        if not rows:
            raise GraphError(f"{path} is damaged: it has no schema version")
        version = int(rows[0][0])
        if version > SCHEMA_VERSION:
            raise GraphError(
                f"graph at {path} has schema version {version}, newer than this mlg "
                f"understands ({SCHEMA_VERSION}); upgrade mlg"
            )
        if version < min(UPGRADES, default=SCHEMA_VERSION):
            raise GraphError(
                f"graph at {path} has schema version {version}, older than this mlg "
                f"({SCHEMA_VERSION}); re-create it with `mlg init` and ingest again"
            )
        if version < SCHEMA_VERSION and not read_only:
            _upgrade(conn, path, version)
            version = SCHEMA_VERSION
        if not read_only:
            from mlg.store.kuzu.rekey import resume

            resume(conn)  # a re-key a crash interrupted (mlg.store.kuzu.rekey)
        return version
    finally:
        conn.close()


def _upgrade(conn: kuzu.Connection, path: Path, version: int) -> None:
    """Bring an older graph to SCHEMA_VERSION in place, one step per version: each step's
    statements and the new version in one transaction; a step of Python
    (PYTHON_UPGRADES) runs its own transactions between them and resumes where it
    stopped if it was interrupted (the version moves on only when it is done)."""
    if version == 2:
        # Kuzu's own full-text index (mlg 0.1 before schema 3) keeps being maintained by
        # every write, and that is what crashed: it goes first, outside a transaction.
        _drop_kuzu_text_index(conn)
    try:
        for step in range(version, SCHEMA_VERSION):
            conn.execute("BEGIN TRANSACTION")
            for statement in UPGRADES[step]:
                conn.execute(statement)
            if step in PYTHON_UPGRADES:
                conn.execute("COMMIT")
                PYTHON_UPGRADES[step](conn)
                conn.execute("BEGIN TRANSACTION")
            # every asset is new to the indexes: generation 1, an untracked write
            for key, value in {
                **initial_meta(generation=1, untracked=1),
                "schema_version": str(step + 1),
            }.items():
                conn.execute(f"MERGE (m:{META_TABLE} {{key: $k}}) SET m.value = $v", {"k": key, "v": value})
            conn.execute("COMMIT")
    except RuntimeError as exc:
        try:
            conn.execute("ROLLBACK")
        except RuntimeError:
            pass
        raise GraphError(f"upgrading the graph at {path} from schema {version} failed: {exc}") from None


def _drop_kuzu_text_index(conn: kuzu.Connection) -> None:
    """Drop the FTS indexes mlg 0.1 made on Asset (asset_text, asset_text_N) and the
    facts it kept beside them; CHECKPOINT so no index DDL is left to replay from the WAL."""
    try:
        names = [
            row[0]
            for row in _rows(
                conn,
                "CALL SHOW_INDEXES() WHERE table_name = 'Asset' AND index_type = 'FTS' RETURN index_name",
            )
        ]
    except RuntimeError:
        return  # no FTS extension in this build: there is nothing to drop
    for name in names:
        if re.fullmatch(r"asset_text(?:_[0-9]{1,3})?", name):  # only names mlg gave; spliced as a literal
            conn.execute(f"CALL DROP_FTS_INDEX('Asset', '{name}')")
    conn.execute(f"MATCH (m:{META_TABLE} {{key: 'search.facts'}}) DELETE m")
    conn.execute("CHECKPOINT")


def _rows(conn: kuzu.Connection, query: str, params: dict | None = None) -> list[list]:
    result = conn.execute(query, params or {})
    rows = []
    while result.has_next():
        rows.append(result.get_next())
    return rows


def new_connection(db: kuzu.Database) -> kuzu.Connection:
    """A connection whose variable-length patterns reach MAX_DEPTH hops: Kuzu cuts them
    at 30 by default, silently, and lineage must never be cut silently (DESIGN §3)."""
    conn = kuzu.Connection(db)
    conn.execute(f"CALL var_length_extend_max_depth={MAX_DEPTH}").close()
    return conn
