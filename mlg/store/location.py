"""Where a graph is: the `--db` value, else `$MLG_DB`, else a file in the user data dir.

A graph is named by a path (an embedded Kuzu file) or by a URL whose scheme names a
backend (`falkordb://host:port/graph`); mlg/store/registry.py turns either into a store.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

ENV_VAR = "MLG_DB"

# `scheme://...`: a backend by name. One letter before ":" is a Windows drive, not a scheme.
_URL = re.compile(r"^(?P<scheme>[A-Za-z][A-Za-z0-9+.-]+)://")


def default_target() -> str | Path:
    """`$MLG_DB` (a path or a URL), else `graph.kuzu` in the user data dir."""
    env = os.environ.get(ENV_VAR)
    if env:
        return env if url_scheme(env) else Path(env).expanduser()
    from platformdirs import user_data_path

    return user_data_path("mlg", appauthor=False) / "graph.kuzu"


def default_path() -> Path:
    """The default graph as a path (`$MLG_DB` taken as a path)."""
    target = default_target()
    return Path(target) if not isinstance(target, Path) else target


def url_scheme(target: str | os.PathLike[str]) -> str | None:
    """The scheme of `target` when it is a URL (lower case), None for a path."""
    if not isinstance(target, str):
        return None
    match = _URL.match(target)
    return match.group("scheme").lower() if match else None


def resolve_path(path: str | os.PathLike[str] | None) -> Path:
    """`path` (else the default graph) as an absolute path, `~` expanded."""
    return (Path(path).expanduser() if path is not None else default_path()).absolute()


def resolve_target(target: str | os.PathLike[str] | None) -> str | Path:
    """`target` (else the default graph) as a store target: a URL unchanged, a path
    absolute with `~` expanded."""
    if target is None:
        target = default_target()
    if url_scheme(target):
        return str(target)
    return resolve_path(target)
