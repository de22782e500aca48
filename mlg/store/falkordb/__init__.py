"""The FalkorDB backend: the storage port on a FalkorDB server (`--db falkordb://HOST:PORT/GRAPH`).

- `url.py`: the URL (password from it or `$MLG_FALKORDB_PASSWORD`; TLS by `falkordbs://`
  or `?tls=true`).
- `connection.py`: the client, errors as MlgError, timestamps as integers.
- `store.py`: `FalkorStore`, every read of the port.
- `walks.py`: closures, distances and paths as breadth-first frontier walks.
- `writes.py`: one ingest as one MULTI/EXEC transaction under WATCH (its doc says why
  that is all or nothing).
- `raw.py`: raw Cypher for `mlg query`.
"""

from mlg.store.falkordb.store import FalkorStore, open_falkordb

__all__ = ["FalkorStore", "open_falkordb"]
