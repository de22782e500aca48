"""Walks over the topology index: closures and shortest paths, level by level in numpy.

Each level of a breadth-first walk is a handful of vectorised numpy operations over the
frontier's rows, so the cost is the number of edges looked at, whatever the depth: an
80-hop chain is 80 small levels, a hub's 330k descendants a few large ones. Every node is
visited once, so cycles and diamonds cost nothing extra (DESIGN §2: cycles are lineage).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from mlg.topology.csr import NODE, Rows, Topology

_EMPTY = np.zeros(0, dtype=NODE)


@dataclass(frozen=True)
class Closure:
    """What a walk reached: `nodes` in breadth-first order (the roots not included), the
    hops from the nearest root in `depths`; `truncated` when the depth limit stopped the
    walk with more beyond it."""

    nodes: np.ndarray
    depths: np.ndarray
    truncated: bool


def _step(
    rows: Rows, frontier: np.ndarray, type_mask: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every edge out of `frontier` (one level): (from, to, type code), unfiltered by visits."""
    starts = rows.pointers[frontier]
    lengths = rows.pointers[frontier + 1] - starts
    total = int(lengths.sum())
    if total == 0:
        return _EMPTY, _EMPTY, np.zeros(0, dtype=rows.types.dtype)
    # positions starts[i] .. starts[i] + lengths[i] - 1 for every frontier node i, flattened
    shift = np.repeat(starts - (np.cumsum(lengths) - lengths), lengths)
    positions = np.arange(total, dtype=np.int64) + shift
    to = rows.targets[positions]
    types = rows.types[positions]
    came_from = np.repeat(frontier, lengths)
    if type_mask is not None:
        keep = type_mask[types]
        to, types, came_from = to[keep], types[keep], came_from[keep]
    return came_from, to, types


def closure(
    topology: Topology,
    roots: np.ndarray | list[int],
    direction: str,
    depth: int | None = None,
    types: tuple[str, ...] | list[str] | None = None,
) -> Closure:
    """All nodes reachable from `roots` going `direction` ("up" or "down"), at most
    `depth` hops (None: no limit), following only relation `types` (None: all)."""
    if depth is not None and depth < 1:
        raise ValueError(f"depth must be at least 1, not {depth}")
    rows = topology.rows(direction)
    mask = topology.type_mask(types)
    frontier = np.unique(np.asarray(roots, dtype=NODE))
    seen = np.zeros(topology.n, dtype=bool)
    seen[frontier] = True
    levels: list[np.ndarray] = []
    level = 0
    while len(frontier):
        if depth is not None and level == depth:
            _, beyond, _ = _step(rows, frontier, mask)
            return _closure_of(levels, truncated=bool(len(beyond)) and not seen[beyond].all())
        _, reached, _ = _step(rows, frontier, mask)
        reached = _distinct(reached[~seen[reached]], topology.n)
        seen[reached] = True
        if len(reached):
            levels.append(reached)
        frontier = reached
        level += 1
    return _closure_of(levels, truncated=False)


def _distinct(nodes: np.ndarray, n: int) -> np.ndarray:
    """`nodes` each once, in node order: by a sort for a few, by marking an array of all
    `n` nodes and reading it back for many (a hub's level of 100k nodes: the sort was
    most of the walk)."""
    if len(nodes) * 16 < n:
        return np.unique(nodes)
    marked = np.zeros(n, dtype=bool)
    marked[nodes] = True
    return np.flatnonzero(marked).astype(NODE, copy=False)


def _closure_of(levels: list[np.ndarray], truncated: bool) -> Closure:
    if not levels:
        return Closure(_EMPTY, _EMPTY, truncated)
    depths = np.concatenate([np.full(len(nodes), hop, dtype=NODE) for hop, nodes in enumerate(levels, 1)])
    return Closure(np.concatenate(levels), depths, truncated)


def edges_among(
    topology: Topology, nodes: np.ndarray, types: tuple[str, ...] | list[str] | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The edges whose both ends are in `nodes`: (source, target, type code) arrays."""
    nodes = _distinct(np.asarray(nodes, dtype=NODE), topology.n)
    inside = np.zeros(topology.n, dtype=bool)
    inside[nodes] = True
    sources, targets, codes = _step(topology.forward, nodes, topology.type_mask(types))
    keep = inside[targets]
    return sources[keep], targets[keep], codes[keep]


def shortest_path(
    topology: Topology,
    start: int,
    end: int,
    direction: str = "up",
    types: tuple[str, ...] | list[str] | None = None,
) -> tuple[list[int], list[int]] | None:
    """One shortest path from `start` to `end` following `direction`, as (nodes, type codes
    of the edges between them), or None when there is none.

    Bidirectional: each round grows the smaller of the two frontiers by a level, so a path
    of 80 hops through a million nodes looks at the few thousand edges near the path, not
    at everything within 80 hops of `start`.
    """
    if start == end:
        return [start], []
    mask = topology.type_mask(types)
    ahead = topology.rows(direction)
    behind = topology.rows("down" if direction == "up" else "up")
    found = _small_search(ahead, behind, mask, start, end)
    if found is not _TOO_BIG:
        return found
    return _array_search(ahead, behind, mask, start, end, topology.n)


# A search that stays near the path (a chain, a narrow lineage) is cheaper in plain Python
# dicts (~1 us a level) than in numpy, whose fixed cost per level (~30 us) and per-walk
# arrays of n entries dominate there; past this many visited nodes it starts again in numpy.
SMALL_SEARCH_NODES = 4_096
_TOO_BIG = object()


def _small_search(ahead: Rows, behind: Rows, mask, start: int, end: int):
    sides = (ahead, behind)
    parent: tuple[dict[int, tuple[int, int]], dict[int, tuple[int, int]]] = ({start: (-1, 0)}, {end: (-1, 0)})
    distance: tuple[dict[int, int], dict[int, int]] = ({start: 0}, {end: 0})
    frontier = [[start], [end]]
    allowed = None if mask is None else mask.tolist()
    while frontier[0] and frontier[1]:
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        rows, mine, theirs = sides[side], distance[side], distance[1 - side]
        hop = mine[frontier[side][0]] + 1
        reached: list[int] = []
        best = None
        for node in frontier[side]:
            first, last = int(rows.pointers[node]), int(rows.pointers[node + 1])
            for to, code in zip(rows.targets[first:last].tolist(), rows.types[first:last].tolist()):
                if to in mine or (allowed is not None and not allowed[code]):
                    continue
                mine[to] = hop
                parent[side][to] = (node, code)
                reached.append(to)
                if to in theirs and (best is None or theirs[to] < theirs[best]):
                    best = to
        if best is not None:
            return _walk_back(parent, best, start, end)
        if len(mine) + len(theirs) > SMALL_SEARCH_NODES:
            return _TOO_BIG
        frontier[side] = reached
    return None


def _walk_back(parent, middle: int, start: int, end: int) -> tuple[list[int], list[int]]:
    nodes, codes = [middle], []
    node = middle
    while node != start:
        node, code = parent[0][node]
        nodes.append(node)
        codes.append(code)
    nodes.reverse()
    codes.reverse()
    node = middle
    while node != end:
        node, code = parent[1][node]
        nodes.append(node)
        codes.append(code)
    return nodes, codes


def _array_search(ahead: Rows, behind: Rows, mask, start: int, end: int, n: int):
    # parent[x] = the node x was reached from (-1: not reached); code[x] = that edge's type
    parent = [np.full(n, -1, dtype=NODE), np.full(n, -1, dtype=NODE)]
    code = [np.zeros(n, dtype=np.uint8), np.zeros(n, dtype=np.uint8)]
    distance = [np.full(n, -1, dtype=NODE), np.full(n, -1, dtype=NODE)]
    frontier = [np.array([start], dtype=NODE), np.array([end], dtype=NODE)]
    distance[0][start] = 0
    distance[1][end] = 0
    level = [0, 0]
    while len(frontier[0]) and len(frontier[1]):
        side = 0 if _work(ahead, frontier[0]) <= _work(behind, frontier[1]) else 1
        rows = ahead if side == 0 else behind
        came_from, to, types_hit = _step(rows, frontier[side], mask)
        fresh = distance[side][to] < 0
        came_from, to, types_hit = came_from[fresh], to[fresh], types_hit[fresh]
        # first edge into each newly reached node wins (np.unique keeps the first index)
        to, first = np.unique(to, return_index=True)
        parent[side][to] = came_from[first]
        code[side][to] = types_hit[first]
        level[side] += 1
        distance[side][to] = level[side]
        met = to[distance[1 - side][to] >= 0]
        if len(met):
            middle = int(met[np.argmin(distance[1 - side][met])])
            return _join(parent, code, middle, start, end)
        frontier[side] = to
    return None


def _work(rows: Rows, frontier: np.ndarray) -> int:
    return int((rows.pointers[frontier + 1] - rows.pointers[frontier]).sum())


def _join(parent: list[np.ndarray], code: list[np.ndarray], middle: int, start: int, end: int):
    head: list[int] = [middle]
    head_codes: list[int] = []
    node = middle
    while node != start:
        head_codes.append(int(code[0][node]))
        node = int(parent[0][node])
        head.append(node)
    head.reverse()
    head_codes.reverse()
    node = middle
    while node != end:
        head_codes.append(int(code[1][node]))
        node = int(parent[1][node])
        head.append(node)
    return head, head_codes
