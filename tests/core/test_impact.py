"""impact(): everything downstream, by kind, with one shortest path each and who to tell.

Golden answers worked out by hand on small graphs. `build` is shared with the other
query tests.
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlg
from mlg.batch import Batch
from mlg.frames import string_dtype
from mlg.impact import impact

# relation type implied by the kinds at both ends, so tests can list bare pairs
_DEFAULT_TYPE = {
    ("dataset", "dataset"): "derived_from",
    ("feature", "feature"): "derived_from",
    ("feature", "dataset"): "computed_from",
    ("model", "dataset"): "trained_on",
    ("model", "feature"): "uses_feature",
    ("model", "model"): "based_on",
    ("evaluation", "model"): "evaluates",
    ("evaluation", "dataset"): "evaluated_on",
    ("service", "model"): "serves",
    ("service", "service"): "calls",
    ("experiment", "model"): "tests",
    ("experiment", "service"): "tests",
    ("workflow", "dataset"): "reads",
    ("workflow", "feature"): "reads",
    ("workflow", "model"): "reads",
}


def build(graph: mlg.Graph, edges, owners=None, extra=()) -> mlg.Graph:
    """Ingest assets named `kind:name`, the edges between them (from, to[, type]),
    `owners` {asset id: [owner id]} (owner `team-x` is a team, anyone else a person),
    and `extra` assets without edges."""
    owners = owners or {}
    ids = list(dict.fromkeys([v for e in edges for v in e[:2]] + list(extra) + list(owners)))
    people = sorted({o for os in owners.values() for o in os})
    graph.ingest_batch(
        Batch.from_records(
            assets=[
                {
                    "id": i,
                    "kind": i.split(":")[0],
                    "name": i.split(":")[1],
                    **({"owners": owners[i]} if i in owners else {}),
                }
                for i in ids
            ],
            owners=[
                {
                    "id": o,
                    "kind": "team" if o.startswith("team-") else "person",
                    "name": o.replace("-", " ").title(),
                    "email": f"{o}@example.com",
                }
                for o in people
            ],
            relations=[
                {
                    "from": e[0],
                    "to": e[1],
                    "type": e[2] if len(e) > 2 else _DEFAULT_TYPE[(e[0].split(":")[0], e[1].split(":")[0])],
                }
                for e in edges
            ],
        )
    )
    return graph


def chain(n: int) -> list[tuple[str, str]]:
    """dataset:c0 <- dataset:c1 <- ... <- dataset:c{n}: c{n} depends on c0 through n hops."""
    return [(f"dataset:c{i + 1}", f"dataset:c{i}") for i in range(n)]


# raw <- a, b <- joined <- model:ranker <- service:home <- experiment:ab
#                                       <- evaluation:offline (also evaluated_on joined)
DIAMOND = [
    ("dataset:a", "dataset:raw"),
    ("dataset:b", "dataset:raw"),
    ("dataset:joined", "dataset:a"),
    ("dataset:joined", "dataset:b"),
    ("model:ranker", "dataset:joined"),
    ("service:home", "model:ranker"),
    ("experiment:ab", "service:home"),
    ("evaluation:offline", "model:ranker"),
    ("evaluation:offline", "dataset:joined"),
]
OWNERS = {
    "dataset:raw": ["team-data"],
    "dataset:a": ["team-data", "ana"],
    "dataset:b": ["team-data"],
    "model:ranker": ["team-recs", "bo"],
    "service:home": ["team-recs"],
    "experiment:ab": ["team-growth"],
}


@pytest.fixture
def diamond(graph):
    return build(graph, DIAMOND, OWNERS)


def test_diamond_affected_assets_distances_and_paths(diamond):
    result = impact(diamond, "dataset:raw")
    assert result.asset.id == "dataset:raw"
    got = {a.asset.id: (a.distance, a.path.assets, a.path.relations) for a in result.affected}
    assert got == {
        "dataset:a": (1, ("dataset:raw", "dataset:a"), ("derived_from",)),
        "dataset:b": (1, ("dataset:raw", "dataset:b"), ("derived_from",)),
        # two shortest paths through the diamond: the BFS takes the smaller id (a)
        "dataset:joined": (
            2,
            ("dataset:raw", "dataset:a", "dataset:joined"),
            ("derived_from", "derived_from"),
        ),
        "model:ranker": (
            3,
            ("dataset:raw", "dataset:a", "dataset:joined", "model:ranker"),
            ("derived_from", "derived_from", "trained_on"),
        ),
        # evaluated_on joined (3 hops) is shorter than evaluates ranker (4)
        "evaluation:offline": (
            3,
            ("dataset:raw", "dataset:a", "dataset:joined", "evaluation:offline"),
            ("derived_from", "derived_from", "evaluated_on"),
        ),
        "service:home": (
            4,
            ("dataset:raw", "dataset:a", "dataset:joined", "model:ranker", "service:home"),
            ("derived_from", "derived_from", "trained_on", "serves"),
        ),
        "experiment:ab": (
            5,
            ("dataset:raw", "dataset:a", "dataset:joined", "model:ranker", "service:home", "experiment:ab"),
            ("derived_from", "derived_from", "trained_on", "serves", "tests"),
        ),
    }
    # nearest first; every edge on an impact path points back towards the changed asset
    assert [a.distance for a in result.affected] == sorted(a.distance for a in result.affected)
    assert all(not any(a.path.forward) and len(a.path) == a.distance for a in result.affected)
    assert not result.truncated and not result.paths_capped


def test_grouped_by_kind_with_services_and_experiments(diamond):
    result = diamond.impact("dataset:raw")
    groups = {k: [a.asset.id for a in v] for k, v in result.by_kind().items()}
    assert groups == {
        "dataset": ["dataset:a", "dataset:b", "dataset:joined"],
        "evaluation": ["evaluation:offline"],
        "model": ["model:ranker"],
        "service": ["service:home"],
        "experiment": ["experiment:ab"],
    }
    assert [s.asset.id for s in result.services] == ["service:home"]
    assert result.services[0].path.text() == (
        "dataset:raw <-derived_from- dataset:a <-derived_from- dataset:joined "
        "<-trained_on- model:ranker <-serves- service:home"
    )
    assert [e.asset.id for e in result.experiments] == ["experiment:ab"]


def test_owners_to_notify_teams_first_with_counts(diamond):
    result = diamond.impact("dataset:raw")
    # the changed asset's own owners are not "affected"; teams by count, then people
    assert [(n.owner.id, len(n.assets)) for n in result.notify] == [
        ("team-data", 2),
        ("team-recs", 2),
        ("team-growth", 1),
        ("ana", 1),
        ("bo", 1),
    ]
    assert [n.owner.id for n in result.teams] == ["team-data", "team-recs", "team-growth"]
    assert [n.owner.id for n in result.people] == ["ana", "bo"]
    assert result.teams[1].assets == ("model:ranker", "service:home")
    assert result.notify[0].owner.role is None  # a summary, not one asset's role
    ranker = next(a for a in result.affected if a.asset.id == "model:ranker")
    assert [o.id for o in ranker.owners] == ["team-recs", "bo"]


def test_to_dict_shape(diamond):
    data = diamond.impact("dataset:joined").to_dict()
    assert data["asset"]["id"] == "dataset:joined"
    assert data["affected_count"] == 4
    assert list(data["affected"]) == ["evaluation", "model", "service", "experiment"]
    service = data["services"][0]
    assert service["id"] == "service:home" and service["distance"] == 2
    assert service["path"] == {
        "assets": ["dataset:joined", "model:ranker", "service:home"],
        "relations": ["trained_on", "serves"],
        "forward": [False, False],
        "hops": 2,
    }
    assert data["notify"]["teams"][0] == {
        "id": "team-recs",
        "kind": "team",
        "name": "Team Recs",
        "email": "team-recs@example.com",
        "affected": 2,
        "assets": ["model:ranker", "service:home"],
    }
    assert data["notify"]["people"][0]["id"] == "bo"
    assert data["truncated"] is False


def test_to_frame_one_row_per_affected_asset(diamond):
    frame = diamond.impact("dataset:raw").to_frame()
    assert list(frame.columns) == ["id", "kind", "name", "distance", "path", "relations", "owners"]
    assert len(frame) == 7
    assert frame["id"].dtype == string_dtype() and frame["name"].dtype == string_dtype()
    assert frame["distance"].dtype == pd.Int64Dtype()
    row = frame.set_index("id").loc["service:home"]
    assert row["distance"] == 4 and row["name"] == "home"
    assert list(row["path"]) == ["dataset:raw", "dataset:a", "dataset:joined", "model:ranker", "service:home"]
    assert list(row["owners"]) == ["team-recs"]


def test_subgraph_holds_the_closure(diamond):
    sub = diamond.impact("dataset:joined").subgraph
    assert set(sub.ids) == {
        "dataset:joined",
        "model:ranker",
        "evaluation:offline",
        "service:home",
        "experiment:ab",
    }
    assert sub.roots == ("dataset:joined",)
    assert len(sub.relations) == 5


def test_nothing_downstream(diamond):
    result = diamond.impact("experiment:ab")
    assert result.affected == [] and result.notify == [] and result.services == []
    assert result.to_frame().empty


def test_chain_deeper_than_kuzus_30_hop_default_is_not_cut(graph):
    build(graph, chain(45) + [("model:m", "dataset:c45"), ("service:s", "model:m")])
    result = graph.impact("dataset:c0")
    assert len(result.affected) == 47 and not result.truncated
    service = result.services[0]
    assert service.distance == 47 and len(service.path) == 47
    assert service.path.assets[0] == "dataset:c0" and service.path.assets[-1] == "service:s"
    assert service.path.assets[1:46] == tuple(f"dataset:c{i}" for i in range(1, 46))


def test_max_paths_leaves_far_paths_out_but_keeps_services(graph):
    build(graph, chain(5) + [("model:m", "dataset:c5"), ("service:s", "model:m")])
    result = impact(graph, "dataset:c0", max_paths=2)
    with_path = [a.asset.id for a in result.affected if a.path is not None]
    assert with_path == ["dataset:c1", "dataset:c2", "service:s"]
    assert result.paths_capped and result.to_dict()["paths_capped"] is True
    assert result.to_frame().set_index("id").loc["model:m", "path"] is None


def test_unknown_asset_is_a_clear_error(diamond):
    with pytest.raises(mlg.AssetNotFound, match="no asset with id or name 'dataset:nope'"):
        diamond.impact("dataset:nope")


# -- the columnar answer against the rule, written plainly --------------------------------


def _expected(edges, owners, root: str):
    """impact's documented answer, plainly: a breadth-first walk from `root` over the
    dependents of each asset in id order (the first relation by name between a pair),
    assets nearest first by (distance, kind, name, id), owners teams first then by the
    number of affected assets they own, then by id."""
    from collections import deque

    dependents: dict[str, list[tuple[str, str]]] = {}
    for a, b, rel in edges:
        dependents.setdefault(b, []).append((a, rel))
    parents: dict[str, tuple[str, str]] = {}
    distance = {root: 0}
    queue = deque([root])
    while queue:
        v = queue.popleft()
        for w, rel in sorted(dependents.get(v, ())):
            if w not in distance:
                distance[w], parents[w] = distance[v] + 1, (v, rel)
                queue.append(w)

    def path(asset_id):
        assets, relations = [asset_id], []
        while asset_id in parents:
            asset_id, rel = parents[asset_id]
            assets.append(asset_id)
            relations.append(rel)
        return tuple(reversed(assets)), tuple(reversed(relations))

    order = sorted((a for a in distance if a != root), key=lambda a: (distance[a], *a.split(":", 1), a))
    owned: dict[str, list[str]] = {}
    for a in order:
        for o in owners.get(a, ()):
            owned.setdefault(o, []).append(a)
    notify = sorted(owned, key=lambda o: (not o.startswith("team-"), -len(owned[o]), o))
    return [(a, distance[a], *path(a)) for a in order], [(o, tuple(owned[o])) for o in notify]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_columnar_impact_equals_the_rule_written_plainly(tmp_path_factory, data):
    """Random graphs of datasets (cycles allowed), models and services, with owners: the
    affected assets, their order, distances and paths, and who to tell, as the rule says."""
    datasets = [f"dataset:d{i}" for i in range(data.draw(st.integers(3, 6), label="datasets"))]
    models = [f"model:m{i}" for i in range(data.draw(st.integers(0, 4), label="models"))]
    services = [f"service:s{i}" for i in range(data.draw(st.integers(0, 3), label="services"))]
    pairs = [(a, b) for a in datasets for b in datasets if a != b]
    pairs += [(m, d) for m in models for d in datasets] + [(s, m) for s in services for m in models]
    chosen = data.draw(st.lists(st.sampled_from(pairs), unique=True, min_size=4, max_size=20), label="edges")
    edges = [(a, b, _DEFAULT_TYPE[(a.split(":")[0], b.split(":")[0])]) for a, b in chosen]
    people = ["team-a", "team-b", "ann", "bob"]
    assets = datasets + models + services
    owners = {
        a: sorted(set(data.draw(st.lists(st.sampled_from(people), max_size=2), label=f"owners {a}")))
        for a in assets
    }
    owners = {a: os for a, os in owners.items() if os}
    root = data.draw(st.sampled_from(datasets), label="root")
    g = mlg.open(tmp_path_factory.mktemp("impact") / "g.kuzu")
    try:
        build(g, edges, owners, extra=assets)
        result = impact(g, root)
        got = [(a.asset.id, a.distance, a.path.assets, a.path.relations) for a in result.affected]
        want_affected, want_notify = _expected(edges, owners, root)
        assert got == want_affected
        assert [(n.owner.id, n.assets) for n in result.notify] == want_notify
        assert len(result.affected) == len(want_affected)
        assert result.affected.kind_counts() == dict(
            sorted(
                Counter(a.split(":")[0] for a, *_ in want_affected).items(), key=lambda kv: (-kv[1], kv[0])
            )
        )
        services = [a for a, *_ in want_affected if a.startswith("service:")]
        assert [a.asset.id for a in result.services] == services
        frame = result.to_frame()
        assert list(frame["id"]) == [a for a, *_ in want_affected]
        assert [tuple(p) for p in frame["path"]] == [p for _, _, p, _ in want_affected]
    finally:
        g.close()
