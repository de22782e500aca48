"""A lineage answer holds the store's Arrow tables (Subgraph.from_tables): its objects,
made on first use, and its columns, made from the tables, say what a Subgraph built
from those same objects says - on the index and on Cypher, cut or not, with owners
(teams and people, several roles), blank optional text, bookkeeping props, deprecated
tags, placeholders and retired assets."""

from __future__ import annotations

import pickle

import pytest

from mlg.batch import Batch
from mlg.subgraph import Subgraph
from tests.core.test_lineage_property import _walks_in


def _from_objects(sub: Subgraph) -> Subgraph:
    return Subgraph(
        list(sub.assets),
        list(sub.relations),
        sub.roots,
        sub.truncated,
        sub.truncated_reason,
        dict(sub.distances),
        dict(sub.owners),
    )


@pytest.fixture
def estate(graph):
    graph.ingest_batch(
        Batch.from_records(
            owners=[
                {"id": "team-recs", "kind": "team", "name": "Recs"},
                {"id": "ana", "kind": "person", "name": "Ana", "email": "ana@example.com"},
            ],
            assets=[
                {"id": "dataset:raw", "kind": "dataset", "name": "raw", "tags": ["deprecated", "pii"]},
                {
                    "id": "dataset:clean",
                    "kind": "dataset",
                    "name": "clean",
                    "namespace": "s3",
                    "derived_from": ["dataset:raw", "dataset:gone"],
                    "owners": [{"id": "ana", "role": "steward"}, "team-recs", "ana"],
                    "props": {"rows": 3, "_times": {"rows": "2024-01-01"}},
                },
                {
                    "id": "model:m",
                    "kind": "model",
                    "name": "m",
                    "version": "2",
                    "description": "d",
                    "trained_on": ["dataset:clean"],
                    "owners": ["team-recs"],
                    "props": {"auc": 0.5},
                },
                {"id": "service:api", "kind": "service", "name": "api", "serves": ["model:m"]},
                {"id": "dataset:old", "kind": "dataset", "name": "old"},
                {"id": "model:older", "kind": "model", "name": "older", "trained_on": ["dataset:old"]},
            ],
            relations=[{"from": "dataset:old", "to": "dataset:raw", "type": "derived_from"}],
        )
    )
    graph.retire("dataset:old")
    return graph


@pytest.mark.parametrize("walks", ["index", "cypher"])
def test_table_answers_equal_object_answers(estate, walks):
    with _walks_in(walks):
        for sub in (
            estate.upstream("service:api"),
            estate.upstream("service:api", depth=2),  # cut: the last hop's edges and owners go
            estate.downstream("dataset:raw"),
            estate.downstream("dataset:raw", include_retired=True),
            estate.impact("dataset:raw").subgraph,
        ):
            plain = _from_objects(sub)
            nodes, edges = sub.to_arrow()
            want_nodes, want_edges = plain.to_arrow()
            assert nodes.to_pylist() == want_nodes.to_pylist()
            assert edges.to_pylist() == want_edges.to_pylist()
            assert sub == plain and len(sub) == len(plain) and sub.ids == plain.ids


@pytest.mark.parametrize("walks", ["index", "cypher"])
def test_columns_before_objects_and_one_asset_on_its_own(estate, walks):
    with _walks_in(walks):
        sub = estate.upstream("service:api")
        nodes = sub.nodes  # no object made yet
        assert sub._assets is None and sub._owners is None
        clean = nodes.set_index("id").loc["dataset:clean"]
        assert clean["owners"] == ["team-recs", "ana", "ana"] and clean["namespace"] == "s3"
        assert clean["props"] == '{"rows":3}'
        assert nodes.set_index("id").loc["dataset:raw", "deprecated"]
        placeholder = sub.asset("dataset:gone")
        assert placeholder.placeholder and sub._assets is None
        assert "dataset:gone" in sub and "dataset:nowhere" not in sub
        with pytest.raises(KeyError):
            sub.asset("dataset:nowhere")
        assert sub.asset("service:api") == estate.get("service:api")
        back = pickle.loads(pickle.dumps(sub))
        assert back == sub and back.to_arrow()[0].equals(sub.to_arrow()[0])
        sub.owners = {}  # setting objects replaces the tables
        assert sub.nodes.set_index("id").loc["dataset:clean", "owners"] == []
