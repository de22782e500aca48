"""The dbt connector against a manifest written by the real `dbt parse`."""

from __future__ import annotations

import json

import pytest

from mlg.errors import IngestError
from tests.conftest import graph_content

ORDERS = "dataset:duckdb/warehouse.main.orders"
FEATURES = "dataset:duckdb/warehouse.main.churn_features"


@pytest.fixture
def manifest(dbt_manifest):
    return dbt_manifest


def test_models_seeds_sources_and_ml_exposures_become_assets(graph, manifest):
    report = graph.ingest_from("dbt", manifest.parent.parent)  # the project directory
    assert report.assets_added == 5  # 2 models, a seed, a source, the ml exposure
    assert set(graph.upstream("model:dbt/exposure.shop.churn_model").nodes["id"]) >= {
        FEATURES,
        ORDERS,
        "dataset:duckdb/warehouse.main.raw_orders",
        "dataset:duckdb/warehouse.raw.customers",
    }
    edges = {
        (a, t, b)
        for a, b, t in (
            r.values()
            for r in graph.store.rows("MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) RETURN a.id, b.id, e.type")
        )
    }
    assert ("model:dbt/exposure.shop.churn_model", "trained_on", FEATURES) in edges
    assert (FEATURES, "derived_from", "dataset:duckdb/warehouse.raw.customers") in edges
    assert (ORDERS, "derived_from", "dataset:duckdb/warehouse.main.raw_orders") in edges
    assert not any("dashboard" in a or "revenue" in a for a, _, _ in edges)  # not an ml exposure


def test_owners_tags_descriptions_and_column_docs(graph, manifest):
    graph.ingest_from("dbt", manifest)
    orders = graph.detail(ORDERS)
    assert orders.asset.description == "One row per order."
    assert orders.asset.tags == ("core", "finance")
    assert [(o.id, o.kind, o.email) for o in orders.owners] == [
        ("team-growth-analytics", "team", "growth@shop.example")  # the group's owner
    ]
    assert orders.asset.props["dbt"]["columns"]["amount"] == {"description": "Order total in EUR."}
    assert orders.asset.props["dbt"]["columns"]["id"]["data_type"] == "integer"
    assert [o.id for o in graph.owners(FEATURES)] == ["ana@shop.example"]  # meta.owner
    assert [o.id for o in graph.owners("dataset:duckdb/warehouse.raw.customers")] == ["team-crm"]
    assert [o.name for o in graph.owners("model:dbt/exposure.shop.churn_model")] == ["Churn ML"]


def test_relation_names_unique_ids_and_locations_are_aliases(graph, manifest):
    graph.ingest_from("dbt", manifest)
    aliases = {r["x.id"]: r["x.asset"] for r in graph.store.rows("MATCH (x:AssetAlias) RETURN x.id, x.asset")}
    assert aliases["dbt:model.shop.orders"] == ORDERS
    location = manifest.parent.parent.parent / "out" / "churn_features.parquet"
    assert aliases[f"dataset:file/{location}"] == FEATURES


def test_reingest_is_a_no_op_and_dry_run_writes_nothing(graph, manifest):
    dry = graph.ingest_from("dbt", manifest, dry_run=True)
    assert dry.assets_added == 5 and graph.stats().assets == 0
    graph.ingest_from("dbt", manifest)
    before = graph_content(graph)
    again = graph.ingest_from("dbt", manifest)
    assert not again.changed
    assert graph_content(graph) == before


def test_edges_name_the_manifest_as_their_source(graph, manifest):
    graph.ingest_from("dbt", manifest)
    sources = {r["e.source"] for r in graph.store.rows("MATCH ()-[e:DEPENDS_ON]->() RETURN e.source")}
    assert sources == {f"dbt:{manifest}"}


def test_not_a_manifest_is_a_clear_error(graph, tmp_path, manifest):
    bad = tmp_path / "manifest.json"
    document = json.loads(manifest.read_text())
    document["metadata"]["dbt_schema_version"] = "https://schemas.getdbt.com/dbt/manifest/v7.json"
    bad.write_text(json.dumps(document))
    with pytest.raises(IngestError, match="dbt_schema_version.*v12"):
        graph.ingest_from("dbt", bad)
    with pytest.raises(IngestError, match="no target/manifest.json"):
        graph.ingest_from("dbt", tmp_path / "out" if (tmp_path / "out").mkdir() is None else tmp_path)
    assert graph.stats().assets == 0
