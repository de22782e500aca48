"""The synthetic estate generator: shape, validity, determinism and landmarks."""

from __future__ import annotations

from collections import Counter

import networkx as nx
import pytest

import mlg
from mlg.schema import KINDS, OWNER_KINDS, RELATION_RULES, RELATION_TYPES
from mlg.synthetic import (
    Landmarks,
    synthetic_batch,
    synthetic_estate,
    synthetic_landmarks,
)

N = 2_000
SEED = 7


@pytest.fixture(scope="module")
def estate():
    return synthetic_estate(N, seed=SEED)


@pytest.fixture(scope="module")
def assets(estate):
    return {record["id"]: record for record, _ in estate.batch.assets}


@pytest.fixture(scope="module")
def relations(estate):
    return [record for record, _ in estate.batch.relations]


@pytest.fixture(scope="module")
def dag(assets, relations):
    g = nx.DiGraph()
    g.add_nodes_from(assets)
    g.add_edges_from((r["from"], r["to"]) for r in relations)
    return g


def test_batch_ingests_into_a_fresh_graph(estate, db_path):
    with mlg.open(db_path) as graph:
        report = graph.ingest_batch(estate.batch)
        stats = graph.stats()
    assert report.assets_added == N
    assert report.relations_added == len(estate.batch.relations)
    assert report.owners_added == len(estate.batch.owners)
    assert stats.assets == N
    assert stats.relations == len(estate.batch.relations)
    assert set(stats.assets_by_kind) == set(KINDS)
    assert set(stats.relations_by_type) == set(RELATION_TYPES)
    assert stats.unowned_assets == sum("owners" not in a for a, _ in estate.batch.assets)


def test_every_kind_and_relation_type_with_allowed_kind_pairs(assets, relations):
    kinds = Counter(a["kind"] for a in assets.values())
    assert set(kinds) == set(KINDS)
    # many datasets and features, fewer of everything else
    for kind in ("model", "evaluation", "workflow", "service", "experiment"):
        assert kinds[kind] < kinds["dataset"] and kinds[kind] < kinds["feature"]
    types = Counter(r["type"] for r in relations)
    assert set(types) == set(RELATION_TYPES)
    for r in relations:
        pair = (assets[r["from"]]["kind"], assets[r["to"]]["kind"])
        assert pair in RELATION_RULES[r["type"]], r


def test_about_three_relations_per_asset_without_duplicates(relations):
    assert 2.7 <= len(relations) / N <= 3.3
    keys = [(r["from"], r["to"], r["type"]) for r in relations]
    assert len(set(keys)) == len(keys)
    assert all(r["from"] != r["to"] for r in relations)


def test_edges_per_asset_is_honoured():
    sparse = synthetic_batch(N, seed=SEED, edges_per_asset=2.0)
    dense = synthetic_batch(N, seed=SEED, edges_per_asset=4.0)
    assert 1.8 <= len(sparse.relations) / N <= 2.2
    assert 3.6 <= len(dense.relations) / N <= 4.4


def test_graph_is_acyclic(dag):
    assert nx.is_directed_acyclic_graph(dag)


def test_model_families_have_versions_linked_by_based_on(assets, relations):
    families = Counter(a["family"] for a in assets.values() if a["kind"] == "model")
    assert families and min(families.values()) >= 1 and max(families.values()) <= 4
    assert Counter(families.values())[1] <= 1 + len(families) // 20  # nearly all 2-4
    based_on = {(r["from"], r["to"]) for r in relations if r["type"] == "based_on"}
    for a in assets.values():
        if a["kind"] == "model" and a["version"] != "1":
            previous = a["id"].rsplit("-v", 1)[0] + f"-v{int(a['version']) - 1}"
            assert (a["id"], previous) in based_on


def test_same_seed_same_estate_other_seed_other_estate(estate):
    again = synthetic_estate(N, seed=SEED)
    assert again.batch.assets == estate.batch.assets
    assert again.batch.relations == estate.batch.relations
    assert again.batch.owners == estate.batch.owners
    assert again.landmarks == estate.landmarks
    assert synthetic_landmarks(N, seed=SEED) == estate.landmarks
    other = synthetic_batch(N, seed=SEED + 1)
    assert [a["id"] for a, _ in other.assets] != [a["id"] for a, _ in estate.batch.assets]


def test_owners_teams_and_people_some_assets_unowned(estate, assets):
    owners = {o["id"]: o for o, _ in estate.batch.owners}
    assert {o["kind"] for o in owners.values()} == set(OWNER_KINDS)
    assert len(owners) == N // 200
    owned = [a for a in assets.values() if "owners" in a]
    assert 0 < N - len(owned) < N // 5
    assert all(o in owners for a in owned for o in a["owners"])
    assert {a["domain"] for a in assets.values()} and any(a["tags"] for a in assets.values())


def test_landmarks_exist_and_have_their_shape(estate, assets, dag):
    lm = estate.landmarks
    assert isinstance(lm, Landmarks)
    assert assets[lm.hub_dataset]["kind"] == "dataset"
    assert lm.hub_datasets[0] == lm.hub_dataset
    assert all(assets[h]["kind"] == "dataset" for h in lm.hub_datasets)
    assert assets[lm.typical_model]["kind"] == "model"
    assert assets[lm.deep_chain_top]["kind"] == "dataset"
    assert assets[lm.deep_chain_bottom]["kind"] == "dataset"

    # downstream = everything that depends on the hub = its ancestors along the edges
    hub_downstream = nx.ancestors(dag, lm.hub_dataset)
    assert len(hub_downstream) >= N // 10
    assert not nx.descendants(dag, lm.hub_dataset)  # a raw source
    assert estate.downstream_count(lm.hub_dataset) == len(hub_downstream)

    upstream = nx.descendants(dag, lm.typical_model)
    assert len(upstream) == lm.typical_model_upstream > 0
    assert estate.upstream_count(lm.typical_model) == len(upstream)

    # the deep chain: no shortcut, longer than Kuzu's 30-hop default
    assert lm.deep_chain_hops > 30
    hops = nx.shortest_path_length(dag, lm.deep_chain_top, lm.deep_chain_bottom)
    assert hops == lm.deep_chain_hops
    assert not nx.descendants(dag, lm.deep_chain_bottom)
    # and some models depend on it, so deep lineage shows up in real queries
    assert any(assets[a]["kind"] == "model" for a in nx.ancestors(dag, lm.deep_chain_top))


def test_too_small_an_estate_is_refused():
    with pytest.raises(ValueError, match="at least"):
        synthetic_batch(10)
