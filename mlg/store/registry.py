"""Choosing a backend from the `--db` value: a small registry of openers by name.

Modelled on OpenLineage's transport factory and harlequin's adapters: a backend is a
name and an opener `(target, read_only=..., create=...) -> GraphStore`, registered here
(the built-in ones as "module:function" text, imported only when used, so an optional
backend's client library is needed only by those who use it). A path opens the "kuzu"
backend; `name://...` opens the backend registered as `name`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from mlg.errors import GraphError
from mlg.store.location import default_target, url_scheme

if TYPE_CHECKING:
    from mlg.store.port import GraphStore

Opener = Callable[..., "GraphStore"]  # (target, *, read_only: bool, create: bool) -> GraphStore

PATH_BACKEND = "kuzu"

# name -> opener, or "module:function" naming it (imported on first use)
_BACKENDS: dict[str, Opener | str] = {
    "kuzu": "mlg.store.kuzu.store:open_kuzu",
    # a FalkorDB server (mlg/store/falkordb/); falkordbs:// is the same over TLS
    "falkordb": "mlg.store.falkordb.store:open_falkordb",
    "falkordbs": "mlg.store.falkordb.store:open_falkordb",
}


def register_backend(name: str, opener: Opener | str) -> None:
    """Make `name://...` targets open with `opener` (a callable or "module:function")."""
    _BACKENDS[name.lower()] = opener


def backend_names() -> tuple[str, ...]:
    """The registered backend names, sorted."""
    return tuple(sorted(_BACKENDS))


def backend_for(target: str | os.PathLike[str]) -> str:
    """The name of the backend that opens `target`: its URL scheme, else "kuzu"."""
    return url_scheme(target) or PATH_BACKEND


def open_store(
    target: str | os.PathLike[str] | None = None, *, read_only: bool = False, create: bool = True
) -> GraphStore:
    """The graph at `target` (a path or `name://...` URL; None: `$MLG_DB` or the
    default file), opened by the backend its form names. `create` makes a new empty
    graph when none is there (never for `read_only`)."""
    if target is None:
        target = default_target()
    name = backend_for(target)
    opener = _BACKENDS.get(name)
    if opener is None:
        raise GraphError(
            f"no storage backend for {name}:// (in --db {_shown(target)!r}); "
            f"known: a file path (kuzu), or one of {', '.join(n + '://' for n in backend_names())}"
        )
    if isinstance(opener, str):
        module, _, attr = opener.partition(":")
        try:
            opener = getattr(importlib.import_module(module), attr)
        except ImportError as exc:
            raise GraphError(
                f"the {name} backend cannot be loaded ({exc}); is its extra installed? "
                f"(pip install 'mlg[{name}]')"
            ) from None
        _BACKENDS[name] = opener
    return opener(target, read_only=read_only, create=create and not read_only)


def _shown(target: str | os.PathLike[str]) -> str:
    """`target` for a message: a URL without its password."""
    if isinstance(target, Path) or not url_scheme(target):
        return str(target)
    scheme, _, rest = str(target).partition("://")
    auth, at, host = rest.rpartition("@")
    if at and ":" in auth:
        return f"{scheme}://{auth.split(':', 1)[0]}:***@{host}"
    return str(target)
