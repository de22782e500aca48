"""What the lifecycle tests read straight from a graph, in each backend's Cypher: the
tests check the stored lifetimes themselves, not only what the API shows of them."""

from __future__ import annotations

from typing import Any

import mlg


def is_falkordb(g: mlg.Graph) -> bool:
    return type(g.store).__name__ == "FalkorStore"


def forever(g: mlg.Graph) -> str:
    """The Cypher literal of `valid_to` for what is alive (mlg.lifespan.FOREVER)."""
    if is_falkordb(g):
        from mlg.store.falkordb.views import FOREVER_US

        return str(FOREVER_US)
    return "timestamp('9999-12-31')"


def rows(g: mlg.Graph, cypher: str) -> list[dict[str, Any]]:
    """The rows of a read, as dicts by column name."""
    if is_falkordb(g):
        return g.store.cypher(cypher).to_pylist()
    return g.store.rows(cypher)
