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

from mlg.schema import META_TABLE

if TYPE_CHECKING:
    from mlg.graph import Graph

GENERATION_KEY = "generation"
UNTRACKED_KEY = "generation.untracked"
GRAPH_ID_KEY = "graph_id"

# Inside a write transaction, after its data: the new generation, bound as $generation.
BUMP_STATEMENT = f"MATCH (m:{META_TABLE} {{key: '{GENERATION_KEY}'}}) SET m.value = $generation"
READ_STATEMENT = (
    f"MATCH (m:{META_TABLE}) WHERE m.key IN ['{GENERATION_KEY}', '{UNTRACKED_KEY}', '{GRAPH_ID_KEY}'] "
    "RETURN m.key, m.value"
)


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
    """The graph's generation, read now (a primary-key look-up or three)."""
    if graph._handle.schema_version < 3:
        return GraphState(None, 0, 0, tracked=False)
    values = dict(graph._connection().execute(READ_STATEMENT).get_all())
    return GraphState(
        graph_id=values.get(GRAPH_ID_KEY),
        generation=int(values.get(GENERATION_KEY) or 0),
        untracked=int(values.get(UNTRACKED_KEY) or 0),
    )


def next_generation(conn) -> int:
    """Inside a write transaction: the generation this write creates."""
    rows = conn.execute(f"MATCH (m:{META_TABLE} {{key: '{GENERATION_KEY}'}}) RETURN m.value").get_all()
    return int(rows[0][0]) + 1 if rows else 1


def mark_untracked(graph: Graph) -> int:
    """Before a write that cannot name the assets it changes: a new generation that
    every index older than it must rebuild from. Committed first, so a crash during
    the write still leaves the indexes marked stale."""
    conn = graph._connection()
    conn.execute("BEGIN TRANSACTION")
    try:
        generation = next_generation(conn)
        conn.execute(BUMP_STATEMENT, {"generation": str(generation)})
        conn.execute(
            f"MERGE (m:{META_TABLE} {{key: '{UNTRACKED_KEY}'}}) SET m.value = $generation",
            {"generation": str(generation)},
        )
        conn.execute("COMMIT")
    except RuntimeError:
        try:
            conn.execute("ROLLBACK")
        except RuntimeError:
            pass
        raise
    return generation
