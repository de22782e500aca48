"""neighbours_with_counts: one level of a lineage tree, each child with its own count."""

from __future__ import annotations

import pytest
import yaml

from mlg.errors import AssetNotFound, MlgError
from mlg.neighbours import neighbours_with_counts

# raw -> clean -> {features f1, f2}; model m trained on clean, uses f1 and f2;
# service s serves m; workflow w reads raw, clean is produced by w.
ESTATE = {
    "assets": [
        {"id": "d:raw", "kind": "dataset", "name": "raw"},
        {"id": "w:etl", "kind": "workflow", "name": "etl", "reads": ["d:raw"]},
        {
            "id": "d:clean",
            "kind": "dataset",
            "name": "clean",
            "derived_from": ["d:raw"],
            "produced_by": ["w:etl"],
        },
        {"id": "f:one", "kind": "feature", "name": "one", "computed_from": ["d:clean"]},
        {"id": "f:two", "kind": "feature", "name": "two", "computed_from": ["d:clean"]},
        {
            "id": "m:rank",
            "kind": "model",
            "name": "rank",
            "trained_on": ["d:clean"],
            "uses_feature": ["f:one", "f:two"],
        },
        {"id": "s:api", "kind": "service", "name": "api", "serves": ["m:rank"]},
    ],
}


@pytest.fixture
def small(graph, tmp_path):
    path = tmp_path / "estate.yaml"
    path.write_text(yaml.safe_dump(ESTATE))
    graph.ingest(path)
    return graph


def test_upstream_level_counts_each_childs_own_dependencies(small):
    level = neighbours_with_counts(small, "m:rank", "up")
    assert level.asset.id == "m:rank"
    got = [(n.id, n.type, n.count) for n in level.neighbours]
    # ordered by relation type, then kind, then name
    assert got == [("d:clean", "trained_on", 2), ("f:one", "uses_feature", 1), ("f:two", "uses_feature", 1)]
    assert [(n.kind, n.name, n.version) for n in level.neighbours] == [
        ("dataset", "clean", None),
        ("feature", "one", None),
        ("feature", "two", None),
    ]
    assert level.total == level.matching == 3
    assert not level.truncated and level.hidden == 0


def test_downstream_level_counts_dependents(small):
    level = neighbours_with_counts(small, "d:clean", "down")
    got = {(n.id, n.type): n.count for n in level.neighbours}
    assert got == {("f:one", "computed_from"): 1, ("f:two", "computed_from"): 1, ("m:rank", "trained_on"): 1}
    leaf = neighbours_with_counts(small, "s:api", "down")
    assert leaf.neighbours == () and leaf.total == 0 and not leaf.truncated


def test_kind_filter_hides_and_says_how_many(small):
    level = neighbours_with_counts(small, "m:rank", "up", kinds=["feature"])
    assert [n.id for n in level.neighbours] == ["f:one", "f:two"]
    assert level.total == 3 and level.matching == 2 and level.hidden == 1
    assert not level.truncated


def test_limit_cuts_and_says_so(small):
    level = neighbours_with_counts(small, "m:rank", "up", limit=2)
    shown = [n.id for n in level.neighbours]
    # the first two found, in the level's order
    assert len(shown) == 2 and set(shown) < {"d:clean", "f:one", "f:two"}
    assert shown == sorted(shown, key=["d:clean", "f:one", "f:two"].index)
    assert level.truncated and level.matching == 3
    everything = neighbours_with_counts(small, "m:rank", "up", limit=3)
    assert not everything.truncated and len(everything.neighbours) == 3


def test_name_resolves_and_bad_input_is_a_clear_error(small):
    assert neighbours_with_counts(small, "rank", "up").asset.id == "m:rank"
    with pytest.raises(AssetNotFound):
        neighbours_with_counts(small, "nope")
    with pytest.raises(MlgError, match="direction"):
        neighbours_with_counts(small, "m:rank", "sideways")
    with pytest.raises(MlgError, match="unknown kind"):
        neighbours_with_counts(small, "m:rank", kinds=["pizza"])
