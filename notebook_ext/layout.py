"""Left-to-right layered positions computed in Python, for every diagram.

Measured in headless Chromium on the sample estate, dagre (Cytoscape.js's layered
layout) blocked the page for ~1 s on 138 nodes / 411 edges and ~4.5 s on 320 / 932.
The same kind of drawing computed here (longest-path layers pulled towards their
consumers, barycentre ordering) takes milliseconds, and the browser only places the
nodes. An expand places only the new nodes (`place_new`), beside what they attach
to, so nothing already drawn moves and the view can stay where it is.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable

RANK_SEP = 190.0
NODE_SEP = 60.0
SWEEPS = 4
# what a node and its label take around its position, for the zoom at which all fit
NODE_HALF_WIDTH = 80.0  # half the widest label (text-max-width 160)
NODE_HALF_HEIGHT = 30.0


def layered_positions(
    node_ids: Iterable[str],
    edges: Iterable[tuple[str, str]],
    rank_sep: float = RANK_SEP,
    node_sep: float = NODE_SEP,
    sweeps: int = SWEEPS,
    ranks: dict[str, int] | None = None,
) -> dict[str, tuple[float, float]]:
    """x, y per node: edges (source, target) point left to right, one column per layer.

    The layers are the longest paths from the sources, unless `ranks` gives each node
    its column (the diagram passes hops from the root: few columns, a readable fit).
    """
    order = list(dict.fromkeys(node_ids))
    known = set(order)
    succ: dict[str, list[str]] = {v: [] for v in order}
    pred: dict[str, list[str]] = {v: [] for v in order}
    for s, t in edges:
        if s in known and t in known and s != t:
            succ[s].append(t)
            pred[t].append(s)
    if ranks is not None:
        rank = {v: ranks.get(v, 0) for v in order}
    else:
        rank = _ranks(_topological(order, succ, pred), succ, pred)
    layers: dict[int, list[str]] = {}
    for v in order:  # the caller's order is the first guess within a layer
        layers.setdefault(rank[v], []).append(v)
    levels = sorted(layers)
    for _ in range(sweeps):
        for neighbours, sequence in ((pred, levels[1:]), (succ, levels[-2::-1])):
            for r in sequence:
                _sort_by_barycentre(layers[r], neighbours, layers)
    positions = {}
    for r in levels:
        column = layers[r]
        top = -(len(column) - 1) * node_sep / 2
        for i, v in enumerate(column):
            positions[v] = (r * rank_sep, top + i * node_sep)
    return positions


def _topological(order: list[str], succ: dict, pred: dict) -> list[str]:
    """Kahn's order; nodes on a cycle (not expected in lineage) follow in input order."""
    indegree = {v: len(pred[v]) for v in order}
    queue = deque(v for v in order if indegree[v] == 0)
    out: list[str] = []
    while queue:
        v = queue.popleft()
        out.append(v)
        for w in succ[v]:
            indegree[w] -= 1
            if indegree[w] == 0:
                queue.append(w)
    placed = set(out)
    return out + [v for v in order if v not in placed]


def _ranks(topo: list[str], succ: dict, pred: dict) -> dict[str, int]:
    position = {v: i for i, v in enumerate(topo)}
    rank: dict[str, int] = {}
    for v in topo:  # longest path from the sources
        rank[v] = max((rank[u] + 1 for u in pred[v] if position[u] < position[v]), default=0)
    for v in reversed(topo):  # then as close to the first consumer as the inputs allow
        later = [rank[w] for w in succ[v] if position[w] > position[v]]
        if later:
            rank[v] = max(rank[v], min(later) - 1)
    return rank


def _sort_by_barycentre(column: list[str], neighbours: dict, layers: dict) -> None:
    # heights as drawn: every column is centred on y = 0
    index = {v: i - (len(layer) - 1) / 2 for layer in layers.values() for i, v in enumerate(layer)}
    current = {v: index[v] for v in column}

    def key(v: str) -> float:
        around = [index[u] for u in neighbours[v] if u in index]
        return sum(around) / len(around) if around else current[v]

    column.sort(key=key)


def place_new(
    positions: dict[str, tuple[float, float]],
    node_ids: Iterable[str],
    edges: Iterable[tuple[str, str]],
    rank_sep: float = RANK_SEP,
    node_sep: float = NODE_SEP,
    near: str | None = None,
) -> dict[str, tuple[float, float]]:
    """`positions` plus a place for each of `node_ids` not in it, leaving the others be.

    A new node goes one column left of a placed node it points to (source, target as in
    `layered_positions`), or one column right of one pointing to it, in the free slot
    nearest that node's height. New nodes attached only to other new nodes follow them;
    any left over go in a column of their own on the right. A new node linked to `near`
    (the asset just expanded) is placed beside it.
    """
    placed = dict(positions)
    new = [v for v in dict.fromkeys(node_ids) if v not in placed]
    links: dict[str, list[tuple[str, float]]] = {v: [] for v in new}
    for s, t in edges:
        if s in links:
            links[s].append((t, -1.0))  # s is drawn left of t
        if t in links:
            links[t].append((s, 1.0))
    columns: dict[float, list[float]] = {}
    for x, y in placed.values():
        columns.setdefault(round(x, 1), []).append(y)
    waiting = list(new)
    while waiting:
        progress = False
        for v in list(waiting):
            anchor = next(((u, side) for u, side in links[v] if u == near and u in placed), None)
            anchor = anchor or next(((u, side) for u, side in links[v] if u in placed), None)
            if anchor is None:
                continue
            (ux, uy), side = placed[anchor[0]], anchor[1]
            x = round(ux + side * rank_sep, 1)
            y = _free_slot(columns.setdefault(x, []), uy, node_sep)
            placed[v] = (x, y)
            columns[x].append(y)
            waiting.remove(v)
            progress = True
        if not progress:  # detached from everything drawn: a column of their own
            x = round(max((p[0] for p in placed.values()), default=-rank_sep) + rank_sep, 1)
            for i, v in enumerate(waiting):
                placed[v] = (x, i * node_sep)
            break
    return placed


def _free_slot(column: list[float], near: float, node_sep: float) -> float:
    for step in range(len(column) + 1):
        for y in (near + step * node_sep, near - step * node_sep):
            if all(abs(y - other) >= node_sep * 0.9 for other in column):
                return y
    return max(column, default=near) + node_sep


def fit_zoom(positions: dict[str, tuple[float, float]], width: float, height: float, padding: float = 30.0):
    """The zoom at which Cytoscape.js fits every node (and its label) in a canvas of
    `width` × `height` pixels."""
    if not positions:
        return 1.0
    xs = [p[0] for p in positions.values()]
    ys = [p[1] for p in positions.values()]
    w = max(xs) - min(xs) + 2 * NODE_HALF_WIDTH
    h = max(ys) - min(ys) + 2 * NODE_HALF_HEIGHT
    return min((width - 2 * padding) / w, (height - 2 * padding) / h)
