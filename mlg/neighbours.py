"""One level of a lineage tree: an asset's direct neighbours, each with its own count.

A tree that loads one level per expand wants to show, before a node is opened, how many
children it has. Counting them here, in the query that fetches the level, keeps that to
one round trip per expand instead of one per child (DESIGN §3: never walk the graph
from Python one hop at a time).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from mlg.errors import MlgError
from mlg.model import Asset
from mlg.schema import ASSET_COLUMNS, KINDS

if TYPE_CHECKING:
    from mlg.graph import Graph

DEFAULT_LIMIT = 200

_RETURN = ", ".join(f"a.{name} AS {name}" for name, _ in ASSET_COLUMNS)
# (pattern from the asset to a neighbour, pattern from that neighbour to its own neighbours)
_PATTERNS = {
    "up": ("(x:Asset {id: $id})-[e:DEPENDS_ON]->(a:Asset)", "(a)-[f:DEPENDS_ON]->(:Asset)"),
    "down": ("(x:Asset {id: $id})<-[e:DEPENDS_ON]-(a:Asset)", "(a)<-[f:DEPENDS_ON]-(:Asset)"),
}


@dataclass(frozen=True)
class CountedNeighbour:
    """An asset one hop away, the relation that links it, and its own neighbour count."""

    asset: Asset
    type: str  # relation type, e.g. "trained_on"
    count: int  # its direct neighbours in the same direction: the children it would show


@dataclass(frozen=True)
class NeighbourLevel:
    """The direct upstream (`up`) or downstream (`down`) neighbours of one asset."""

    asset: Asset
    direction: str
    neighbours: tuple[CountedNeighbour, ...]
    by_kind: dict[str, int] = field(default_factory=dict)  # every direct neighbour, per kind
    kinds: tuple[str, ...] | None = None  # the kind filter asked for, None for all kinds

    @property
    def total(self) -> int:
        """Direct neighbours of every kind."""
        return sum(self.by_kind.values())

    @property
    def matching(self) -> int:
        """Direct neighbours of the kinds asked for."""
        if self.kinds is None:
            return self.total
        return sum(n for kind, n in self.by_kind.items() if kind in self.kinds)

    @property
    def hidden(self) -> int:
        """Neighbours left out by the kind filter."""
        return self.total - self.matching

    @property
    def truncated(self) -> bool:
        """More neighbours of the kinds asked for than the limit let through."""
        return len(self.neighbours) < self.matching


def neighbours_with_counts(graph: Graph, ref: str, direction: str = "up",
                           kinds: Iterable[str] | None = None,
                           limit: int = DEFAULT_LIMIT) -> NeighbourLevel:
    """Direct neighbours of `ref` (ordered by relation type, kind, name), at most `limit`,
    each with how many direct neighbours it has in turn in the same direction.

    `kinds` keeps only neighbours of those kinds; the level still counts all of them by
    kind, so that a UI can say what the filter hid and whether the limit cut the list.
    """
    if direction not in _PATTERNS:
        raise MlgError(f"direction must be 'up' or 'down', not {direction!r}")
    if limit < 1:
        raise MlgError(f"limit must be at least 1, not {limit}")
    kind_filter = _checked_kinds(kinds)
    asset = graph.resolve(ref)
    to_neighbour, onwards = _PATTERNS[direction]
    by_kind = {r["kind"]: int(r["n"]) for r in graph._rows(
        f"MATCH {to_neighbour} RETURN a.kind AS kind, count(*) AS n ORDER BY kind",
        {"id": asset.id})}
    params: dict = {"id": asset.id, "limit": limit}
    where = ""
    if kind_filter is not None:
        where = " WHERE a.kind IN $kinds"
        params["kinds"] = list(kind_filter)
    rows = graph._rows(
        f"MATCH {to_neighbour}{where} WITH a, e ORDER BY e.type, a.kind, a.name, a.id "
        f"LIMIT $limit OPTIONAL MATCH {onwards} "
        f"RETURN {_RETURN}, e.type AS rel_type, count(f) AS n "
        "ORDER BY rel_type, kind, name, id", params)
    neighbours = tuple(CountedNeighbour(Asset.from_row(r), r["rel_type"], int(r["n"]))
                       for r in rows)
    return NeighbourLevel(asset, direction, neighbours, by_kind, kind_filter)


def _checked_kinds(kinds: Iterable[str] | None) -> tuple[str, ...] | None:
    if kinds is None:
        return None
    kinds = (kinds,) if isinstance(kinds, str) else tuple(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise MlgError(f"unknown kind {unknown[0]!r}; expected one of {', '.join(KINDS)}")
    return kinds
