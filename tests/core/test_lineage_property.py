"""Property: on random graphs (some deeper than Kuzu's 30-hop default, some with cycles,
some with retired assets), lineage, impact and path agree with networkx: today's answers
with the graph less its retired assets, `include_retired` and `as_of` (a moment before
the retirements) with the whole graph. Each case runs with walks on the topology index
and on Kuzu's Cypher.

Edges point from the dependent to its dependency, so with G holding source→target,
upstream of X is nx.descendants(G, X) and downstream is nx.ancestors(G, X).
"""

from __future__ import annotations

import os
import tempfile
import time
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import mlg
from mlg.batch import Batch
from mlg.store.kuzu.topology import SUFFIX, SWITCH


@st.composite
def dags(draw):
    """(node count, edges i→j (i > j, plus a few back edges making cycles), a node asked
    about, a second node, nodes to retire (never those two))."""
    n = draw(st.integers(min_value=2, max_value=50))
    edges = set()
    if draw(st.booleans()):  # a backbone chain: n - 1 hops deep, before shortcuts
        edges |= {(i, i - 1) for i in range(1, n)}
    pairs = st.tuples(st.integers(1, n - 1), st.integers(0, n - 2)).filter(lambda p: p[0] > p[1])
    edges |= set(draw(st.lists(pairs, max_size=n)))
    backs = st.tuples(st.integers(0, n - 2), st.integers(1, n - 1)).filter(lambda p: p[0] < p[1])
    edges |= set(draw(st.lists(backs, max_size=3)))
    node = st.integers(0, n - 1)
    x, y = draw(node), draw(node)
    retired = draw(st.sets(node.filter(lambda i: i not in (x, y)), max_size=3)) if n > 2 else set()
    return n, sorted(edges), x, y, sorted(retired)


def _id(i: int) -> str:
    return f"dataset:n{i}"


def _walks_edges(path, g: nx.DiGraph) -> bool:
    for a, b, fwd in zip(path.assets, path.assets[1:], path.forward):
        if not (g.has_edge(a, b) if fwd else g.has_edge(b, a)):
            return False
    return True


@contextmanager
def _walks_in(walks: str):
    """Walks answered by the topology index ("index") or by Kuzu's Cypher ("cypher")."""
    before = os.environ.get(SWITCH)
    os.environ[SWITCH] = "1" if walks == "index" else "0"
    try:
        yield
    finally:
        if before is None:
            del os.environ[SWITCH]
        else:
            os.environ[SWITCH] = before


@pytest.mark.parametrize("walks", ["index", "cypher"])
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dags())
@example((46, [(i, i - 1) for i in range(1, 46)], 45, 0, []))  # a 45-hop chain
@example((40, [(i, i - 1) for i in range(1, 40)] + [(39, 20)], 0, 39, []))
@example((40, [(i, i - 1) for i in range(1, 40)] + [(0, 39)], 39, 0, [20]))  # a cycle, cut by a retirement
def test_lineage_impact_and_path_agree_with_networkx(walks, case):
    with _walks_in(walks):
        _agree_with_networkx(walks, case)


def _agree_with_networkx(walks: str, case) -> None:
    n, edges, x, y, retired = case
    whole = nx.DiGraph()
    whole.add_nodes_from(_id(i) for i in range(n))
    whole.add_edges_from((_id(a), _id(b)) for a, b in edges)
    today = whole.copy()
    today.remove_nodes_from(_id(i) for i in retired)
    root, other = _id(x), _id(y)
    with tempfile.TemporaryDirectory() as folder, mlg.open(Path(folder) / "g.kuzu") as graph:
        graph.ingest_batch(
            Batch.from_records(
                assets=[{"id": v, "kind": "dataset"} for v in whole.nodes],
                relations=[{"from": a, "to": b, "type": "derived_from"} for a, b in whole.edges],
            )
        )
        before = datetime.now(UTC)
        if retired:
            graph.upstream(root)  # an index built before the retirements must not answer after
            time.sleep(0.002)
        for i in retired:
            assert graph.retire(_id(i)).changed

        _answers_agree(graph, today, root, other)
        assert (Path(folder) / f"g.kuzu{SUFFIX}").is_dir() == (walks == "index")
        if retired:
            _answers_agree(graph.viewing(include_retired=True), whole, root, other)
            assert set(graph.upstream(root, as_of=before).ids) == nx.descendants(whole, root) | {root}


def _answers_agree(graph, g: nx.DiGraph, root: str, other: str) -> None:
    """`graph`'s lineage, impact and paths between `root` and `other` are networkx's on `g`."""
    up = graph.upstream(root)
    assert set(up.ids) == nx.descendants(g, root) | {root} and not up.truncated
    assert up.distances == nx.single_source_shortest_path_length(g, root)
    assert {(e.source, e.target) for e in up.relations} == set(g.subgraph(up.ids).edges)

    down = graph.downstream(root)
    assert set(down.ids) == nx.ancestors(g, root) | {root} and not down.truncated
    assert down.distances == nx.single_source_shortest_path_length(g.reverse(), root)

    both = graph.lineage(root, "both")
    assert set(both.ids) == set(up.ids) | set(down.ids)

    affected = graph.impact(root).affected
    assert {a.asset.id for a in affected} == nx.ancestors(g, root)
    for a in affected:
        assert a.path.assets[0] == root and a.path.assets[-1] == a.asset.id
        assert len(a.path) == a.distance == down.distances[a.asset.id]
        assert _walks_edges(a.path, g)

    result = graph.path_between(root, other, max_paths=3)
    undirected = g.to_undirected()
    if root == other:
        assert result.direction == "same"
    elif nx.has_path(g, root, other):
        assert result.direction == "up"
        assert result.hops == nx.shortest_path_length(g, root, other)
        expected = {tuple(p) for p in nx.all_shortest_paths(g, root, other)}
        assert {p.assets for p in result.paths} <= expected
        assert len(result.paths) == min(3, len(expected))
        assert result.capped == (len(expected) > 3)
    elif nx.has_path(g, other, root):
        assert result.direction == "down"
        assert result.hops == nx.shortest_path_length(g, other, root)
        expected = {tuple(reversed(p)) for p in nx.all_shortest_paths(g, other, root)}
        assert {p.assets for p in result.paths} <= expected
    elif nx.has_path(undirected, root, other):
        assert result.direction == "undirected" and not result.directed
        assert result.hops == nx.shortest_path_length(undirected, root, other)
    else:
        assert not result.found and result.direction is None
    for p in result.paths:
        assert p.assets[0] == root and p.assets[-1] == other and _walks_edges(p, g)
