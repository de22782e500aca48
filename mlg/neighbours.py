"""One level of a lineage tree: an asset's direct neighbours, each with its own count.

A tree that loads one level per expand wants to show, before a node is opened, how many
children it has. The store counts them in the query that fetches the level
(`GraphStore.counted_neighbours`), keeping that to one round trip per expand instead
of one per child (DESIGN §3: never walk the graph from Python one hop at a time). The
level is ordered here, after the limit (ordering in the store would read every
neighbour of a hub before the limit).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlg.errors import MlgError
from mlg.model import Asset
from mlg.schema import KINDS
from mlg.store.port import CountedNeighbour

if TYPE_CHECKING:
    from mlg.graph import Graph

DEFAULT_LIMIT = 100
__all__ = ["DEFAULT_LIMIT", "CountedNeighbour", "NeighbourLevel", "neighbours_with_counts"]


@dataclass(frozen=True)
class NeighbourLevel:
    """The direct upstream (`up`) or downstream (`down`) neighbours of one asset."""

    asset: Asset
    direction: str
    neighbours: tuple[CountedNeighbour, ...]
    total: int  # direct neighbours of every kind
    matching: int  # direct neighbours of the kinds asked for (all of them without a filter)
    kinds: tuple[str, ...] | None = None  # the kind filter asked for, None for all kinds

    @property
    def hidden(self) -> int:
        """Neighbours left out by the kind filter."""
        return self.total - self.matching

    @property
    def truncated(self) -> bool:
        """More neighbours of the kinds asked for than the limit let through."""
        return len(self.neighbours) < self.matching


def neighbours_with_counts(
    graph: Graph,
    ref: str | Asset,
    direction: str = "up",
    kinds: Iterable[str] | None = None,
    limit: int = DEFAULT_LIMIT,
) -> NeighbourLevel:
    """Direct neighbours of `ref`, at most `limit`, each with how many direct neighbours
    it has in turn in the same direction; ordered by relation type, kind and name.

    When there are more than `limit`, the level holds the first `limit` found (not the
    first by name: see the module doc) and says it was cut. `kinds` keeps only
    neighbours of those kinds; the level still counts all of them, so that a UI can say
    what the filter hid. `ref` may be the Asset itself, resolved already (a caller
    fetching both directions and the owners resolves it once).
    """
    if direction not in ("up", "down"):
        raise MlgError(f"direction must be 'up' or 'down', not {direction!r}")
    if limit < 1:
        raise MlgError(f"limit must be at least 1, not {limit}")
    kind_filter = _checked_kinds(kinds)
    asset = ref if isinstance(ref, Asset) else graph.resolve(ref)
    level = graph.store.counted_neighbours(asset.id, direction, kinds=kind_filter, limit=limit)
    neighbours = sorted(level.neighbours, key=lambda n: (n.type, n.kind, n.name, n.id))
    return NeighbourLevel(asset, direction, tuple(neighbours), level.total, level.matching, kind_filter)


def _checked_kinds(kinds: Iterable[str] | None) -> tuple[str, ...] | None:
    if kinds is None:
        return None
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise MlgError(f"unknown kind {unknown[0]!r}; expected one of {', '.join(KINDS)}")
    return kinds
