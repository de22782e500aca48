"""Opening graph files: location, schema creation and checks, one Database per path.

Kuzu lets one process open a file read-write, or many read-only, and crashes when one
process opens the same path twice (DESIGN §5), so this module keeps a registry of the
`kuzu.Database` objects of this process, shared by every Graph on the same path.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import kuzu

from mlg.errors import GraphError, GraphLocked
from mlg.schema import DDL, META_TABLE, SCHEMA_VERSION

ENV_VAR = "MLG_DB"


def default_path() -> Path:
    """`$MLG_DB`, else `graph.kuzu` in the user data dir."""
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("mlg", appauthor=False) / "graph.kuzu"


def resolve_path(path: str | os.PathLike[str] | None) -> Path:
    return (Path(path).expanduser() if path is not None else default_path()).absolute()


@dataclass
class _Handle:
    path: Path
    read_only: bool
    database: kuzu.Database
    users: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


_handles: dict[Path, _Handle] = {}
_registry_lock = threading.Lock()


def acquire(path: Path, read_only: bool, create: bool) -> _Handle:
    """The process-wide handle on `path`, opening (and creating) the file if needed."""
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
        database = _open_database(path, read_only, create)
        handle = _Handle(path, read_only, database, users=1)
        _handles[path] = handle
        return handle


def release(handle: _Handle) -> None:
    with _registry_lock:
        handle.users -= 1
        if handle.users <= 0 and _handles.get(handle.path) is handle:
            del _handles[handle.path]
            handle.database.close()


def _open_database(path: Path, read_only: bool, create: bool) -> kuzu.Database:
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
        database = kuzu.Database(str(path), read_only=read_only)
    except RuntimeError as exc:
        text = str(exc)
        if "Could not set lock" in text:
            raise GraphLocked(str(path), read_only) from None
        reason = text.splitlines()[0] if text else "unknown error"
        raise GraphError(f"{path} is not an mlg graph (Kuzu could not open it: {reason})") from None
    try:
        _check_or_create_schema(database, path, read_only, fresh=not exists)
    except BaseException:
        database.close()
        raise
    return database


def _check_or_create_schema(database: kuzu.Database, path: Path, read_only: bool, fresh: bool) -> None:
    conn = kuzu.Connection(database)
    try:
        tables = {row[1] for row in _rows(conn, "CALL show_tables() RETURN *")}
        if META_TABLE not in tables:
            if tables or read_only or not fresh:
                raise GraphError(f"{path} is a Kuzu database but not an mlg graph (no {META_TABLE} table)")
            conn.execute("BEGIN TRANSACTION")
            for statement in DDL:
                conn.execute(statement)
            conn.execute(
                f"CREATE (:{META_TABLE} {{key: 'schema_version', value: $v}})",
                {"v": str(SCHEMA_VERSION)},
            )
            conn.execute("COMMIT")
            return
        rows = _rows(conn, f"MATCH (m:{META_TABLE} {{key: 'schema_version'}}) RETURN m.value")
        if not rows:
            raise GraphError(f"{path} is damaged: it has no schema version")
        version = int(rows[0][0])
        if version > SCHEMA_VERSION:
            raise GraphError(
                f"graph at {path} has schema version {version}, newer than this mlg "
                f"understands ({SCHEMA_VERSION}); upgrade mlg"
            )
        if version < SCHEMA_VERSION:
            raise GraphError(
                f"graph at {path} has schema version {version}, older than this mlg "
                f"({SCHEMA_VERSION}); re-create it with `mlg init` and ingest again"
            )
    finally:
        conn.close()


def _rows(conn: kuzu.Connection, query: str, params: dict | None = None) -> list[list]:
    result = conn.execute(query, params or {})
    rows = []
    while result.has_next():
        rows.append(result.get_next())
    return rows
