"""`search(..., include_retired=True)`: retired assets, which the search index leaves
out, found in the graph itself by id or name (`GraphStore.retired_search`: a retired
estate is small and rarely asked for, so a scan of the graph is enough)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlg.graph import Graph
    from mlg.model import Asset


def retired_matches(graph: Graph, text: str, kinds: tuple[str, ...], limit: int) -> list[Asset]:
    """Retired assets whose id or name contains every word of `text` (any case)."""
    words = [w for w in text.lower().split() if w]
    return graph.store.retired_search(words, kinds=kinds, limit=limit)
