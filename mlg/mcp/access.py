"""How the MCP server reaches the graph: opened for each tool call, closed after it.

An assistant keeps its MCP server running for hours. Holding the graph open all that
time would lock out every writer (`mlg ingest`, `mlg serve-lineage`'s applier: Kuzu
allows one writer process and no reader beside it, DESIGN §5). Opening a graph costs
about 0.1 s, so each call opens it, read-only unless the call writes, and closes it
again. Calls are served one at a time: one process must not hold the same file
read-only and read-write at once (mlg.store refuses it).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import mlg
from mlg.errors import ReadOnlyGraph
from mlg.store.location import resolve_target


class GraphAccess:
    """The graph at `path`, one call at a time; `writable` says whether writes are allowed."""

    def __init__(self, path: str | os.PathLike[str] | None, writable: bool = False):
        self.path: Path | str = resolve_target(path)  # a URL for a server graph
        self.writable = writable
        self._lock = threading.Lock()

    @contextmanager
    def reading(self) -> Iterator[mlg.Graph]:
        """The graph, opened read-only for the length of one call."""
        with self._lock, mlg.open(self.path, read_only=True) as graph:
            yield graph

    @contextmanager
    def writing(self) -> Iterator[mlg.Graph]:
        """The graph opened for writing (created if missing); refused unless `writable`."""
        if not self.writable:
            raise ReadOnlyGraph("this MCP server is read-only; start it with `mlg mcp --write` to ingest")
        with self._lock, mlg.open(self.path) as graph:
            yield graph
