"""The topology index against networkx: closures, edges among a set and shortest paths on
random graphs with cycles, diamonds and chains deeper than Kuzu's 30 hops."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mlg.topology import Topology, closure, load_topology, save_topology, shortest_path, walks
from mlg.topology.walks import edges_among

TYPES = ("derived_from", "trained_on", "reads")


@st.composite
def graphs(draw):
    n = draw(st.integers(1, 60))
    edges = []
    if n > 1 and draw(st.booleans()):  # a backbone chain, n - 1 hops deep
        edges += [(i, i - 1, 0) for i in range(1, n)]
    edges += draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, len(TYPES) - 1)),
            max_size=3 * n,
        )
    )
    return n, edges


def _topology(n, edges) -> Topology:
    array = np.array(edges, dtype=np.int64).reshape(-1, 3)
    return Topology.from_edges(n, array[:, 0], array[:, 1], array[:, 2], TYPES, generation=7)


def _networkx(n, edges, types=None) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(range(n))
    g.add_edges_from((a, b) for a, b, t in edges if types is None or TYPES[t] in types)
    return g


def _expected(g: nx.DiGraph, root: int, direction: str, depth: int | None) -> dict[int, int]:
    walk = g if direction == "up" else g.reverse(copy=False)
    hops = nx.single_source_shortest_path_length(walk, root, cutoff=depth)
    hops.pop(root)
    return hops


@given(graphs(), st.data())
@example((46, [(i, i - 1, 0) for i in range(1, 46)]), None)  # a 45-hop chain
@settings(max_examples=150, deadline=None)
def test_closures_equal_networkx(shape, data):
    n, edges = shape
    topology = _topology(n, edges)
    if data is None:  # the explicit example: the whole chain, up from its top
        root, direction, depth, types = 45, "up", None, None
    else:
        root = data.draw(st.integers(0, n - 1))
        direction = data.draw(st.sampled_from(["up", "down"]))
        depth = data.draw(st.none() | st.integers(1, 5))
        types = data.draw(st.none() | st.lists(st.sampled_from(TYPES), min_size=1, unique=True))
    g = _networkx(n, edges, types)
    got = closure(topology, [root], direction, depth=depth, types=types)
    expected = _expected(g, root, direction, depth)
    assert dict(zip(got.nodes.tolist(), got.depths.tolist())) == expected
    assert len(got.nodes) == len(set(got.nodes.tolist()))  # each node once, cycles included
    deeper = _expected(g, root, direction, None if depth is None else depth + 1)
    assert got.truncated == (len(deeper) > len(expected))


@given(graphs(), st.data())
@settings(max_examples=200, deadline=None)
def test_shortest_paths_equal_networkx(shape, data):
    n, edges = shape
    topology = _topology(n, edges)
    start, end = data.draw(st.integers(0, n - 1)), data.draw(st.integers(0, n - 1))
    direction = data.draw(st.sampled_from(["up", "down"]))
    types = data.draw(st.none() | st.lists(st.sampled_from(TYPES), min_size=1, unique=True))
    g = _networkx(n, edges, types)
    walk = g if direction == "up" else g.reverse(copy=False)
    small = data.draw(st.sampled_from([walks.SMALL_SEARCH_NODES, 0]))  # 0: numpy from the start
    default, walks.SMALL_SEARCH_NODES = walks.SMALL_SEARCH_NODES, small
    try:
        found = shortest_path(topology, start, end, direction, types=types)
    finally:
        walks.SMALL_SEARCH_NODES = default
    if not nx.has_path(walk, start, end):
        assert found is None
        return
    nodes, codes = found
    assert len(nodes) - 1 == nx.shortest_path_length(walk, start, end)
    assert nodes[0] == start and nodes[-1] == end and len(codes) == len(nodes) - 1
    stored = {(a, b, t) for a, b, t in edges}
    for (a, b), code in zip(zip(nodes, nodes[1:]), codes):
        edge = (a, b, code) if direction == "up" else (b, a, code)
        assert edge in stored  # every step is a real edge of the type it names
        assert types is None or TYPES[code] in types


@given(graphs(), st.data())
@settings(max_examples=60, deadline=None)
def test_edges_among_a_set(shape, data):
    n, edges = shape
    topology = _topology(n, edges)
    members = set(data.draw(st.lists(st.integers(0, n - 1), unique=True)))
    sources, targets, codes = edges_among(topology, np.array(sorted(members), dtype=np.int32))
    got = sorted(zip(sources.tolist(), targets.tolist(), codes.tolist()))
    assert got == sorted((a, b, t) for a, b, t in edges if a in members and b in members)


def test_saved_index_maps_back_identically(tmp_path):
    edges = [(1, 0, 0), (2, 1, 1), (2, 0, 2), (0, 2, 0)]
    topology = _topology(3, edges)
    folder = tmp_path / "g.kuzu.topology"
    save_topology(topology, folder)
    save_topology(topology, folder)  # replacing an index in place
    loaded = load_topology(folder)
    assert loaded is not None and loaded.generation == 7 and loaded.type_names == TYPES
    assert isinstance(loaded.forward.targets, np.memmap)
    for direction in ("up", "down"):
        a, b = closure(topology, [2], direction), closure(loaded, [2], direction)
        assert a.nodes.tolist() == b.nodes.tolist()
    assert not list(tmp_path.glob("*.tmp-*"))


def test_unreadable_index_is_none_not_an_error(tmp_path):
    folder = tmp_path / "g.kuzu.topology"
    assert load_topology(folder) is None
    save_topology(_topology(2, [(1, 0, 0)]), folder)
    (folder / "forward.targets.npy").write_bytes(b"not numpy")
    assert load_topology(folder) is None


def test_bad_edges_are_refused():
    with pytest.raises(ValueError, match="node numbers"):
        Topology.from_edges(2, np.array([0]), np.array([5]), np.array([0]), TYPES)
    with pytest.raises(ValueError, match="unknown relation type"):
        closure(_topology(2, [(1, 0, 0)]), [1], "up", types=["nope"])
