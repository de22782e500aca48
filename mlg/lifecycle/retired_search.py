"""`search(..., include_retired=True)`: retired assets, which the search index leaves
out, found in the graph itself by id or name (a retired estate is small and rarely
asked for, so a scan of the graph is enough)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlg.lifespan import FOREVER_LITERAL, db, life_return
from mlg.model import Asset
from mlg.schema import ASSET_COLUMNS

if TYPE_CHECKING:
    from mlg.graph import Graph

_RETURN = ", ".join(f"a.{name} AS {name}" for name, _ in ASSET_COLUMNS)


def retired_matches(graph: Graph, text: str, kinds: tuple[str, ...], limit: int) -> list[Asset]:
    """Retired assets whose id or name contains every word of `text` (any case)."""
    if not life_return(graph):
        return []  # an older schema: nothing is retired
    words = [w for w in text.lower().split() if w]
    conditions = [f"a.valid_to <> {FOREVER_LITERAL}"]
    params: dict = {"limit": limit}
    for i, word in enumerate(words):
        conditions.append(f"(lower(a.id) CONTAINS $w{i} OR lower(a.name) CONTAINS $w{i})")
        params[f"w{i}"] = word
    if kinds:
        conditions.append("a.kind IN $kinds")
        params["kinds"] = list(kinds)
    rows = db(graph).rows(
        f"MATCH (a:Asset) WHERE {' AND '.join(conditions)} RETURN {_RETURN}{life_return(graph)} "
        "ORDER BY a.name, a.id LIMIT $limit",
        params,
    )
    return [Asset.from_row(r) for r in rows]
