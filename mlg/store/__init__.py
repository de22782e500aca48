"""Storage: the port every query and write goes through, and the backends behind it.

- `port.py`: `GraphStore`, the protocol of the operations mlg needs from a store, and
  the plain records it returns.
- `registry.py`: `open_store`, choosing the backend from the `--db` value.
- `location.py`: the default graph (`$MLG_DB`) and path handling.
- `kuzu/`: the embedded Kuzu backend - the only place mlg imports `kuzu` or writes
  Kuzu's Cypher.
"""

from mlg.store.location import ENV_VAR, default_path, default_target, resolve_path, url_scheme
from mlg.store.registry import backend_for, backend_names, open_store, register_backend

__all__ = [
    "ENV_VAR",
    "backend_for",
    "backend_names",
    "default_path",
    "default_target",
    "open_store",
    "register_backend",
    "resolve_path",
    "url_scheme",
]
