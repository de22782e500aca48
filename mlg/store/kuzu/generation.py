"""Kuzu Cypher for the graph's generation (see mlg/generation.py): the MlgMeta rows."""

from __future__ import annotations

from typing import TYPE_CHECKING

import kuzu

from mlg.generation import GENERATION_KEY, GRAPH_ID_KEY, UNTRACKED_KEY, GraphState
from mlg.schema import META_TABLE

if TYPE_CHECKING:
    from mlg.store.kuzu.store import KuzuStore

# Inside a write transaction, after its data: the new generation, bound as $generation.
BUMP_STATEMENT = f"MATCH (m:{META_TABLE} {{key: '{GENERATION_KEY}'}}) SET m.value = $generation"
READ_STATEMENT = (
    f"MATCH (m:{META_TABLE}) WHERE m.key IN ['{GENERATION_KEY}', '{UNTRACKED_KEY}', '{GRAPH_ID_KEY}'] "
    "RETURN m.key, m.value"
)


def state(store: KuzuStore) -> GraphState:
    """The graph's generation, read now (a primary-key look-up or three)."""
    if store.schema_version < 3:
        return GraphState(None, 0, 0, tracked=False)
    values = dict(store.execute(READ_STATEMENT).get_all())
    return GraphState(
        graph_id=values.get(GRAPH_ID_KEY),
        generation=int(values.get(GENERATION_KEY) or 0),
        untracked=int(values.get(UNTRACKED_KEY) or 0),
    )


def next_generation(conn: kuzu.Connection) -> int:
    """Inside a write transaction: the generation this write creates."""
    rows = conn.execute(f"MATCH (m:{META_TABLE} {{key: '{GENERATION_KEY}'}}) RETURN m.value").get_all()
    return int(rows[0][0]) + 1 if rows else 1


def mark_untracked(store: KuzuStore) -> int:
    """A new generation, recorded as untracked, committed on its own: before a write
    that cannot name the assets it changes, so a crash during that write still leaves
    the indexes marked stale."""
    conn = store.connection()
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
