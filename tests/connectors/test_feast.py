"""The Feast connector against a repository registered by the real `feast apply`."""

from __future__ import annotations

import pytest

from mlg.errors import IngestError
from tests.conftest import graph_content
from tests.connectors.systems import feast_repo

ORDERS = "feature:feast/churn/customer_orders.orders"
SQUARED = "feature:feast/churn/orders_transformed.orders_squared"


@pytest.fixture(scope="module")
def repo(tmp_path_factory):
    root = tmp_path_factory.mktemp("feast")
    return feast_repo(root / "repo", root / "data" / "churn_features.parquet", relative=True), root


def test_features_are_computed_from_their_source_file(graph, repo):
    path, root = repo
    graph.ingest_from("feast", path)
    table = f"dataset:file/{root / 'data' / 'churn_features.parquet'}"  # the relative path, resolved
    edges = {
        (r["a"], r["t"], r["b"])
        for r in graph.store.rows(
            "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) RETURN a.id AS a, e.type AS t, b.id AS b"
        )
    }
    assert edges == {(ORDERS, "computed_from", table), (SQUARED, "derived_from", ORDERS)}


def test_owners_ttl_entities_and_feature_services(graph, repo):
    path, _ = repo
    graph.ingest_from("feast", path)
    orders = graph.detail(ORDERS)
    assert orders.asset.description == "Orders in the last 90 days."
    assert [(o.id, o.kind) for o in orders.owners] == [("ana@shop.example", "person")]
    feast = orders.asset.props["feast"]
    assert feast["ttl_seconds"] == 7 * 24 * 3600
    assert feast["entities"] == [
        {"name": "customer", "join_key": "customer_id", "description": "A shop customer."}
    ]
    assert feast["feature_services"] == ["churn_v1"]
    assert set(orders.asset.tags) == {"tier:1", "feature-service:churn_v1"}
    assert graph.get(SQUARED).props["feast"]["feature_services"] == ["churn_v1"]


def test_reingest_is_a_no_op(graph, repo):
    path, _ = repo
    graph.ingest_from("feast", path)
    before = graph_content(graph)
    assert not graph.ingest_from("feast", path).changed
    assert graph_content(graph) == before


def test_a_directory_without_feature_store_yaml(graph, tmp_path):
    with pytest.raises(IngestError, match="holds no feature_store.yaml"):
        graph.ingest_from("feast", tmp_path)
