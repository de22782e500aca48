"""Ingest through the port: validate a Batch against the graph, write the Plan, bring the
derived indexes along.

The writing itself is the store's (`GraphStore.write_plan`: one transaction, all or
nothing); validation (mlg/validation.py) asks the graph only what `StoreLookup` answers.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from mlg.model import IngestReport
from mlg.validation import GraphLookup, validate

if TYPE_CHECKING:
    from mlg.batch import Batch
    from mlg.graph import Graph
    from mlg.store.port import GraphStore

Progress = Callable[[str, int, int], None]  # (stage, done, total)


class StoreLookup(GraphLookup):
    """Answers validation's questions about the graph with set-based store reads."""

    def __init__(self, graph: Graph | GraphStore):
        """`graph`: a Graph, or a store itself."""
        self.graph = graph
        self.store: GraphStore = getattr(graph, "store", graph)
        self.empty = self.store.is_empty()

    def asset_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        return {} if self.empty else self.store.asset_kinds(ids)

    def owner_ids(self, ids: Iterable[str]) -> set[str]:
        return set() if self.empty else self.store.owner_ids(ids)

    def edges(self) -> tuple[list[str], list[str]]:
        if self.empty:
            return [], []
        table = self.store.all_edges()
        return table.column("source").to_pylist(), table.column("target").to_pylist()


# The name sources used before the storage port.
KuzuLookup = StoreLookup


def ingest_batch(graph: Graph, batch: Batch, progress: Progress | None = None) -> IngestReport:
    """Validate `batch` against `graph` and write it; the report."""
    lookup = StoreLookup(graph)
    if progress:
        progress("validating", 0, 1)
    # Millions of short-lived dicts and tuples make the cyclic garbage collector
    # the largest single cost of a big ingest (measured ~40% of validation); they
    # form no cycles, so it is paused for the call.
    collecting = gc.isenabled()
    gc.disable()
    try:
        plan = validate(batch, lookup)
        outcome = graph.store.write_plan(plan, progress)
        if outcome.generation is not None:
            # The index follows the assets this write stamped. Never fails the ingest: the
            # data is committed, and a stale index is brought up to date by the next search.
            from mlg.search.index import refresh_after_write

            written = None if outcome.written is None else set(outcome.written)
            refresh_after_write(graph, progress, written=written, owners_changed=outcome.owners_changed)
    finally:
        if collecting:
            gc.enable()
    return outcome.report
