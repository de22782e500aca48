"""Cycles in lineage: the strongly connected components of the DEPENDS_ON edges.

Cycles are lineage, not errors (DESIGN §2): a MERGE job reads the table it writes, and
t1 → job → t2 → job → t1 is ordinary table-level lineage. `mlg report` lists them.
"""

from __future__ import annotations

from collections.abc import Iterable

CYCLES_LISTED = 100  # cycles spelled out in a report; all are counted


def lineage_cycles(edges: Iterable[tuple[str, str]]) -> list[tuple[str, ...]]:
    """The cycles among the edges source→target: each strongly connected component of
    two or more nodes, or a node with an edge to itself, as a sorted tuple of its nodes.
    Largest first, then by their first node, so the answer does not depend on edge order."""
    import networkx as nx

    graph = nx.DiGraph()
    graph.add_edges_from(edges)
    found = [
        tuple(sorted(component))
        for component in nx.strongly_connected_components(graph)
        if len(component) > 1 or graph.has_edge(next(iter(component)), next(iter(component)))
    ]
    return sorted(found, key=lambda c: (-len(c), c))
