"""Cycle detection for lineage, fast enough for millions of edges in plain Python."""

from __future__ import annotations

from collections.abc import Sequence


def find_cycle(sources: Sequence[str], targets: Sequence[str]) -> list[str]:
    """One directed cycle among the edges source→target, as a list of nodes; [] if none.

    Kahn's algorithm peels off every node that is not on a cycle; a walk along
    remaining edges from any remaining node must then come back on itself.
    """
    index: dict[str, int] = {}
    src = [index.setdefault(s, len(index)) for s in sources]
    dst = [index.setdefault(t, len(index)) for t in targets]
    n = len(index)
    out: list[list[int]] = [[] for _ in range(n)]
    indegree = [0] * n
    for a, b in zip(src, dst):
        out[a].append(b)
        indegree[b] += 1
    stack = [v for v in range(n) if indegree[v] == 0]
    removed = 0
    while stack:
        v = stack.pop()
        removed += 1
        for w in out[v]:
            indegree[w] -= 1
            if indegree[w] == 0:
                stack.append(w)
    if removed == n:
        return []
    # Every remaining node has an incoming edge from another remaining node: walk
    # backwards along those until a node repeats.
    remaining = [v for v in range(n) if indegree[v] > 0]
    incoming: dict[int, int] = {}
    alive = set(remaining)
    for a, b in zip(src, dst):
        if a in alive and b in alive and b not in incoming:
            incoming[b] = a
    seen: dict[int, int] = {}
    v = remaining[0]
    walk: list[int] = []
    while v not in seen:
        seen[v] = len(walk)
        walk.append(v)
        v = incoming[v]
    cycle = walk[seen[v] :]
    cycle.reverse()  # we walked against the edges
    names = list(index)
    return [names[i] for i in cycle]
