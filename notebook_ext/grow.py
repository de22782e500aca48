"""Growing a subgraph in place: what an expand or an impact adds to the diagram."""

from __future__ import annotations

from mlg import Subgraph


def attach(current: Subgraph, part: Subgraph, at: str) -> Subgraph:
    """`current` plus the assets and edges of `part`, which was fetched around `at`.

    The roots and the cut flags stay those of `current`; a new asset's hops are counted
    from the nearest root through `at` (unknown when `at` has no known hops).
    """
    base = current.distances.get(at)
    extra = Subgraph(
        part.assets,
        part.relations,
        (),
        False,
        None,
        {k: base + d for k, d in part.distances.items()} if base is not None else {},
        part.owners,
    )
    merged = Subgraph.merge([current, extra])
    merged.roots = current.roots
    merged.truncated, merged.truncated_reason = current.truncated, current.truncated_reason
    merged.owners = {**part.owners, **current.owners}
    return merged


def infer_direction(sub: Subgraph) -> str:
    """ "up", "down" or "both": which way the subgraph reaches from its roots."""
    roots = set(sub.roots)
    up = any(e.source in roots for e in sub.relations)
    down = any(e.target in roots for e in sub.relations)
    if up and down:
        return "both"
    return "down" if down else "up"
