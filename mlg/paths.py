"""How two assets are connected: the shortest dependency path(s) between them.

The first path comes from one `GraphStore.shortest_path`. Further shortest paths are
built in Python from the distance layers of two closures bounded by that length (an
asset is on a shortest path iff its distances from both ends add up to it), so that
diamond-heavy graphs never make Kuzu enumerate paths (DESIGN §3: no ALL SHORTEST).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlg.errors import MlgError
from mlg.lineage import induced_edges, owners_of
from mlg.model import Asset
from mlg.subgraph import Edge, Subgraph

if TYPE_CHECKING:
    from mlg.graph import Graph


@dataclass(frozen=True)
class DependencyPath:
    """A walk along lineage edges: `assets[0]` … `assets[-1]`.

    `relations[i]` is the type of the edge between `assets[i]` and `assets[i+1]`;
    `forward[i]` is True when that edge points from `assets[i]` to `assets[i+1]`
    (`assets[i]` depends on `assets[i+1]`), False when it points back.
    """

    assets: tuple[str, ...]
    relations: tuple[str, ...] = ()
    forward: tuple[bool, ...] = ()

    def __len__(self) -> int:
        """Its length in hops."""
        return len(self.relations)

    @property
    def edges(self) -> list[Edge]:
        """The edges walked, each pointing from the dependent to its dependency."""
        return [
            Edge(a, b, t) if fwd else Edge(b, a, t)
            for a, b, t, fwd in zip(self.assets, self.assets[1:], self.relations, self.forward)
        ]

    def text(self) -> str:
        """`a -trained_on-> b <-serves- c`: arrows point from dependent to dependency."""
        parts = [self.assets[0]]
        for asset, rel, fwd in zip(self.assets[1:], self.relations, self.forward):
            parts.append(f"-{rel}->" if fwd else f"<-{rel}-")
            parts.append(asset)
        return " ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {
            "assets": list(self.assets),
            "relations": list(self.relations),
            "forward": list(self.forward),
            "hops": len(self),
        }


@dataclass
class PathResult:
    """The shortest connection(s) from one asset to another.

    `direction` is "up" when `source` depends (through the path) on `target`,
    "down" when `target` depends on `source`, "undirected" when they are only
    connected through edges pointing both ways (`directed` is then False), "same"
    when both are one asset, and None when they are not connected at all.
    """

    source: Asset
    target: Asset
    paths: list[DependencyPath]
    directed: bool
    direction: str | None
    subgraph: Subgraph = field(repr=False)
    capped: bool = False  # more shortest paths exist than `max_paths`

    @property
    def found(self) -> bool:
        return bool(self.paths)

    @property
    def hops(self) -> int | None:
        return len(self.paths[0]) if self.paths else None

    def _repr_html_(self) -> str:
        from mlg.rich_display import path_html

        return path_html(self)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, Any]:
        """In Jupyter: the paths as a table, with their diagram where widgets run."""
        from mlg.rich_display import notebook_display

        display = notebook_display()
        if display is None:
            return {"text/plain": repr(self), "text/html": self._repr_html_()}
        return display.result_mimebundle(self, self._repr_html_(), self.subgraph, include, exclude)

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source.id,
            "target": self.target.id,
            "found": self.found,
            "directed": self.directed,
            "direction": self.direction,
            "hops": self.hops,
            "paths": [p.to_dict() for p in self.paths],
            "capped": self.capped,
            "subgraph": self.subgraph.to_dict(),
        }


def path(graph: Graph, from_ref: str, to_ref: str, max_paths: int = 5) -> PathResult:
    """Shortest dependency path(s) from `from_ref` to `to_ref`.

    Tried in order: `from` depends on `to` (direction "up"), `to` depends on `from`
    ("down"), and only then any connection ignoring edge directions (one path,
    `directed=False`). Paths always run from `from` to `to`; at most `max_paths`.
    """
    if max_paths < 1:
        raise MlgError(f"max_paths must be at least 1, not {max_paths}")
    source, target = graph.resolve(from_ref), graph.resolve(to_ref)
    if source.id == target.id:
        return _result(graph, source, target, [DependencyPath((source.id,))], True, "same")
    for direction in ("up", "down", "undirected"):
        ids = _one_shortest(graph, source.id, target.id, direction)
        if ids is None:
            continue
        capped = False
        if direction == "undirected" or max_paths == 1:
            walks = [ids]
        else:
            walks, capped = _all_shortest(graph, source.id, target.id, direction, len(ids) - 1, max_paths)
        paths = _with_relations(graph, walks, direction)
        return _result(graph, source, target, paths, direction != "undirected", direction, capped)
    return _result(graph, source, target, [], False, None)


def _one_shortest(graph: Graph, a: str, b: str, direction: str) -> list[str] | None:
    return graph.store.shortest_path(a, b, direction)


def _distances(graph: Graph, root: str, direction: str, bound: int) -> dict[str, int]:
    return {root: 0, **graph.store.distances(root, direction, depth=bound)}


def _all_shortest(
    graph: Graph, a: str, b: str, direction: str, length: int, max_paths: int
) -> tuple[list[list[str]], bool]:
    """Every shortest directed a→b walk (up to `max_paths`), from two bounded closures."""
    back = "down" if direction == "up" else "up"
    from_a = _distances(graph, a, direction, length)
    to_b = _distances(graph, b, back, length)
    on_path = {v for v, d in from_a.items() if to_b.get(v) == length - d}
    step: dict[str, list[str]] = {}
    for e in induced_edges(graph, on_path):
        u, w = (e.source, e.target) if direction == "up" else (e.target, e.source)
        if from_a[w] == from_a[u] + 1:
            step.setdefault(u, []).append(w)
    for nexts in step.values():
        nexts.sort()
    walks: list[list[str]] = []
    # Depth-first in id order. Every asset in `on_path` continues to b, so each
    # branch ends in a path: the enumeration costs max_paths × length at most.
    stack: list[list[str]] = [[a]]
    while stack:
        walk = stack.pop()
        if walk[-1] == b:
            walks.append(walk)
            if len(walks) > max_paths:
                return walks[:max_paths], True
            continue
        stack.extend(walk + [w] for w in reversed(step.get(walk[-1], ())))
    return walks, False


def _with_relations(graph: Graph, walks: Sequence[list[str]], direction: str) -> list[DependencyPath]:
    ids = {v for walk in walks for v in walk}
    types: dict[tuple[str, str], str] = {}
    for e in sorted(induced_edges(graph, ids), key=lambda e: e.type, reverse=True):
        types[(e.source, e.target)] = e.type  # the first type by name wins
    paths = []
    for walk in walks:
        relations, forward = [], []
        for u, w in zip(walk, walk[1:]):
            fwd = (u, w) in types if direction != "down" else False
            relations.append(types[(u, w)] if fwd else types[(w, u)])
            forward.append(fwd)
        paths.append(DependencyPath(tuple(walk), tuple(relations), tuple(forward)))
    return paths


def _result(
    graph: Graph,
    source: Asset,
    target: Asset,
    paths: list[DependencyPath],
    directed: bool,
    direction: str | None,
    capped: bool = False,
) -> PathResult:
    ids = list(dict.fromkeys([source.id, *(v for p in paths for v in p.assets), target.id]))
    known = {source.id: source, target.id: target}
    missing = [v for v in ids if v not in known]
    if missing:
        known.update(graph.store.assets(missing))
    edges = list({(e.source, e.target, e.type): e for p in paths for e in p.edges}.values())
    distances: dict[str, int] = {}
    for p in paths:
        for hops, v in enumerate(p.assets):
            distances[v] = min(hops, distances.get(v, hops))
    sub = Subgraph(
        [known[v] for v in ids],
        edges,
        tuple(dict.fromkeys([source.id, target.id])),
        distances=distances,
        owners=owners_of(graph, ids),
    )
    return PathResult(source, target, paths, directed, direction, sub, capped)
