"""The graph's generation number: how derived indexes know whether they are current.

The graph is the record of truth (DESIGN §1). Every write bumps `generation` in MlgMeta
inside the write's own Kuzu transaction, and stamps each asset it writes (or whose
owners it changes) with that number (`Asset.gen`), so an index that reflects
generation g brings itself up to date from the assets with `gen > g` alone.

A write that cannot say which assets it touched (`mlg query --write`, any Cypher)
records its generation under `generation.untracked`: an index older than that is
rebuilt. `graph_id`, drawn once when the graph is created (or upgraded), tells an
index which graph it belongs to, so an index left beside a re-created file is never
taken for that graph's.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlg.graph import Graph

GENERATION_KEY = "generation"
UNTRACKED_KEY = "generation.untracked"
GRAPH_ID_KEY = "graph_id"


@dataclass(frozen=True)
class GraphState:
    """What an index compares itself with. `tracked` is False for a graph of an older
    schema opened read-only: it has no generation, so no index on disk can be trusted."""

    graph_id: str | None
    generation: int
    untracked: int
    tracked: bool = True


def new_graph_id() -> str:
    return uuid.uuid4().hex


def initial_meta(generation: int = 0, untracked: int = 0) -> dict[str, str]:
    """MlgMeta rows of a new (or just upgraded) graph."""
    return {GRAPH_ID_KEY: new_graph_id(), GENERATION_KEY: str(generation), UNTRACKED_KEY: str(untracked)}


def state(graph: Graph) -> GraphState:
    """The graph's generation, read now (`GraphStore.state`)."""
    return graph.store.state()


def mark_untracked(graph: Graph) -> int:
    """Before a write that cannot name the assets it changes: a new generation that
    every index older than it must rebuild from (`GraphStore.mark_untracked`)."""
    return graph.store.mark_untracked()
