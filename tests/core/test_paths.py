"""path(): shortest dependency paths between two assets, either direction, else undirected."""

from __future__ import annotations

import pytest

import mlg
from mlg.paths import DependencyPath, path
from tests.core.test_impact import DIAMOND, build, chain


@pytest.fixture
def diamond(graph):
    return build(graph, DIAMOND, extra=["dataset:island"])


def test_upstream_paths_through_a_diamond(diamond):
    result = path(diamond, "model:ranker", "dataset:raw")
    assert result.found and result.directed and result.direction == "up"
    assert result.hops == 3 and not result.capped
    assert [p.assets for p in result.paths] == [
        ("model:ranker", "dataset:joined", "dataset:a", "dataset:raw"),
        ("model:ranker", "dataset:joined", "dataset:b", "dataset:raw"),
    ]
    assert result.paths[0].relations == ("trained_on", "derived_from", "derived_from")
    assert result.paths[0].forward == (True, True, True)
    assert result.paths[0].text() == (
        "model:ranker -trained_on-> dataset:joined -derived_from-> dataset:a -derived_from-> dataset:raw"
    )


def test_subgraph_holds_the_path_assets_and_edges_only(diamond):
    sub = diamond.path_between("model:ranker", "dataset:raw").subgraph
    assert sub.ids == ["model:ranker", "dataset:joined", "dataset:a", "dataset:raw", "dataset:b"]
    assert {(e.source, e.target, e.type) for e in sub.relations} == {
        ("model:ranker", "dataset:joined", "trained_on"),
        ("dataset:joined", "dataset:a", "derived_from"),
        ("dataset:joined", "dataset:b", "derived_from"),
        ("dataset:a", "dataset:raw", "derived_from"),
        ("dataset:b", "dataset:raw", "derived_from"),
    }
    assert sub.roots == ("model:ranker", "dataset:raw")
    assert sub.distances == {
        "model:ranker": 0,
        "dataset:joined": 1,
        "dataset:a": 2,
        "dataset:b": 2,
        "dataset:raw": 3,
    }
    assert sub.asset("dataset:a").kind == "dataset"


def test_other_direction_runs_from_the_first_asset(diamond):
    result = diamond.path_between("dataset:raw", "service:home", max_paths=1)
    assert result.directed and result.direction == "down" and result.hops == 4
    [only] = result.paths
    assert only.assets[0] == "dataset:raw" and only.assets[-1] == "service:home"
    assert only.forward == (False,) * 4
    assert only.relations[-2:] == ("trained_on", "serves")
    # the edges are still stored dependent -> dependency
    assert {(e.source, e.target) for e in only.edges} >= {("service:home", "model:ranker")}


def test_undirected_connection_says_so(diamond):
    # the evaluation and the service both depend on the model; neither on the other
    result = diamond.path_between("evaluation:offline", "service:home")
    assert result.found and not result.directed and result.direction == "undirected"
    assert result.paths == [
        DependencyPath(
            ("evaluation:offline", "model:ranker", "service:home"), ("evaluates", "serves"), (True, False)
        )
    ]
    assert result.to_dict()["directed"] is False


def test_not_connected(diamond):
    result = diamond.path_between("dataset:island", "model:ranker")
    assert not result.found and result.direction is None and result.hops is None
    assert result.paths == [] and set(result.subgraph.ids) == {"dataset:island", "model:ranker"}
    assert result.to_dict()["found"] is False


def test_same_asset(diamond):
    result = diamond.path_between("dataset:a", "a")  # an id, and a unique name
    assert result.direction == "same" and result.hops == 0
    assert result.paths == [DependencyPath(("dataset:a",))]


def test_chain_deeper_than_30_hops(graph):
    build(graph, chain(45))
    up = graph.path_between("dataset:c45", "dataset:c0")
    assert up.direction == "up" and up.hops == 45
    assert up.paths[0].assets == tuple(f"dataset:c{i}" for i in range(45, -1, -1))
    down = graph.path_between("dataset:c0", "dataset:c45")
    assert down.direction == "down" and down.hops == 45 and len(down.paths) == 1


def ladder(rungs: int) -> list[tuple[str, str]]:
    """`rungs` diamonds stacked: 2**rungs shortest paths from top to bottom."""
    edges = []
    for i in range(rungs):
        for side in ("l", "r"):
            edges += [(f"dataset:s{i}{side}", f"dataset:s{i}"), (f"dataset:s{i + 1}", f"dataset:s{i}{side}")]
    return edges


def test_many_shortest_paths_are_capped_not_enumerated(graph):
    build(graph, ladder(26))  # 67 million shortest paths
    result = graph.path_between("dataset:s26", "dataset:s0", max_paths=5)
    assert result.hops == 52 and len(result.paths) == 5 and result.capped
    assert len({p.assets for p in result.paths}) == 5
    for p in result.paths:
        assert p.assets[0] == "dataset:s26" and p.assets[-1] == "dataset:s0"
        assert len(p) == 52 and all(p.forward)
    result = graph.path_between("dataset:s2", "dataset:s0", max_paths=5)
    assert len(result.paths) == 4 and not result.capped


def test_to_dict(diamond):
    data = diamond.path_between("model:ranker", "dataset:joined").to_dict()
    assert data == {
        "source": "model:ranker",
        "target": "dataset:joined",
        "found": True,
        "directed": True,
        "direction": "up",
        "hops": 1,
        "capped": False,
        "paths": [
            {
                "assets": ["model:ranker", "dataset:joined"],
                "relations": ["trained_on"],
                "forward": [True],
                "hops": 1,
            }
        ],
        "subgraph": data["subgraph"],
    }
    assert data["subgraph"]["edges"] == [
        {"source": "model:ranker", "target": "dataset:joined", "type": "trained_on"}
    ]


def test_errors(diamond):
    with pytest.raises(mlg.AssetNotFound):
        diamond.path_between("model:ranker", "nope")
    with pytest.raises(mlg.MlgError, match="max_paths"):
        diamond.path_between("model:ranker", "dataset:raw", max_paths=0)
