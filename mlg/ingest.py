"""Ingest through the port: validate a Batch against the graph and write the Plan.

The writing itself is the store's (`GraphStore.write_plan`: one transaction, all or
nothing); validation (mlg/validation.py) asks the graph only what `StoreLookup` answers.
Bringing the derived indexes along afterwards is the facade's (`Graph.ingest_batch`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from mlg.validation import GraphLookup, validate

if TYPE_CHECKING:
    from mlg.batch import Batch
    from mlg.graph import Graph
    from mlg.store.port import GraphStore, WriteOutcome

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


# The name sources used before the storage port.
KuzuLookup = StoreLookup


def write_batch(
    graph: Graph,
    batch: Batch,
    progress: Progress | None = None,
    *,
    sync: bool = False,
    strict: bool = False,
    dry_run: bool = False,
) -> WriteOutcome:
    """Validate `batch` against `graph` and write it through the port; what was written.
    Call it with the garbage collector paused for a large batch
    (`mlg.store.tables.gc_paused`). `sync`, `strict` and `dry_run` (report what would
    change, write nothing): see Graph.ingest_batch."""
    from mlg.lifecycle.identity import unify, wanted_aliases

    lookup = StoreLookup(graph)
    wanted = wanted_aliases(batch) if batch.unify_physical else set()
    if wanted:  # one dataset, one asset (mlg.lifecycle.identity)
        unify(batch, {} if lookup.empty else lookup.store.aliases(sorted(wanted)))
    plan = validate(batch, lookup, strict=strict)
    plan.sync = sync
    return graph.store.write_plan(plan, progress, dry_run=dry_run)
