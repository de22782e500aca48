"""The Backstage and model-card connectors against real-format files in tests/connectors/files."""

from __future__ import annotations

from pathlib import Path

import pytest

from mlg.batch import Batch
from mlg.errors import IngestError
from tests.conftest import graph_content

FILES = Path(__file__).parent / "files"
CATALOG = FILES / "catalog-info.yaml"
CARD = FILES / "churn-distil" / "README.md"
SCORING = "service:backstage/default/churn-scoring"
TABLE = "dataset:duckdb/warehouse.main.churn_features"


def _edges(graph) -> set[tuple[str, str, str]]:
    rows = graph.store.rows(
        "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) RETURN a.id AS a, e.type AS t, b.id AS b"
    )
    return {(r["a"], r["t"], r["b"]) for r in rows}


def _champion(graph) -> None:
    """A registered MLflow version with the alias `champion`, as the MLflow connector writes it."""
    graph.ingest_batch(
        Batch.from_records(
            assets=[
                {
                    "id": "model:mlflow/churn@2",
                    "kind": "model",
                    "namespace": "mlflow",
                    "family": "churn",
                    "name": "churn",
                    "version": "2",
                    "tags": ["champion"],
                }
            ]
        )
    )


def test_model_card_front_matter(graph):
    graph.ingest_from("model-card", CARD.parent)
    card = graph.detail("model:hf/churn-distil")
    assert card.asset.description.startswith("Classifies support tickets by churn risk.")
    assert card.asset.tags == ("churn", "distillation")
    assert card.asset.props["hf"]["license"] == "apache-2.0"
    assert card.asset.props["hf"]["base_model_relation"] == "finetune"
    evaluation = "evaluation:hf/churn-distil/shop/support-tickets/default/test"
    assert _edges(graph) == {
        ("model:hf/churn-distil", "based_on", "model:hf/distilbert/distilbert-base-uncased"),
        ("model:hf/churn-distil", "trained_on", "dataset:hf/shop/support-tickets"),
        (evaluation, "evaluates", "model:hf/churn-distil"),
        (evaluation, "evaluated_on", "dataset:hf/shop/support-tickets"),
    }
    assert graph.get(evaluation).props["metrics"] == {"accuracy": 0.912, "f1": 0.874}
    before = graph_content(graph)
    assert not graph.ingest_from("model-card", CARD.parent).changed
    assert graph_content(graph) == before


def test_backstage_services_resources_owners_and_served_models(graph):
    _champion(graph)
    graph.ingest_from("model-card", CARD)
    graph.ingest_from("backstage", CATALOG)
    assert _edges(graph) >= {
        (SCORING, "calls", "service:backstage/default/customer-profile"),
        (SCORING, "reads", TABLE),  # the resource, under its physical name
        (SCORING, "serves", "model:mlflow/churn@2"),  # models:/churn@champion
        (SCORING, "serves", "model:hf/churn-distil"),
    }
    assert graph.get("service:backstage/default/shop-website") is None  # a website, not a service
    scoring = graph.detail(SCORING)
    assert [(o.id, o.kind) for o in scoring.owners] == [("team-churn-ml", "team")]
    assert scoring.asset.props["backstage"]["lifecycle"] == "production"
    assert [(o.id, o.kind) for o in graph.owners(TABLE)] == [("person-ana", "person")]
    assert [o.id for o in graph.owners("service:backstage/default/customer-profile")] == ["team-crm"]
    aliases = {r["x.id"]: r["x.asset"] for r in graph.store.rows("MATCH (x:AssetAlias) RETURN x.id, x.asset")}
    assert aliases["dataset:backstage/default/churn-features-table"] == TABLE
    before = graph_content(graph)
    assert not graph.ingest_from("backstage", CATALOG).changed
    assert graph_content(graph) == before


def test_a_served_alias_no_model_carries_is_an_error(graph):
    with pytest.raises(IngestError, match=r"models:/churn@champion: no MLflow model version"):
        graph.ingest_from("backstage", CATALOG)
    assert graph.stats().assets == 0


def test_a_dependency_outside_the_catalog_is_an_error(graph, tmp_path):
    bad = tmp_path / "catalog-info.yaml"
    bad.write_text(
        "kind: Component\nmetadata: {name: a}\nspec: {type: service, owner: x, dependsOn: [component:b]}\n"
    )
    with pytest.raises(IngestError, match=r"documents\[0\].*spec.dependsOn\[0\].*not in the catalog"):
        graph.ingest_from("backstage", bad)


def test_a_resource_naming_a_table_another_source_describes_leaves_it_as_it_is(graph):
    _champion(graph)
    graph.ingest_from("model-card", CARD)
    graph.ingest_batch(
        Batch.from_records(
            owners=[{"id": "team-analytics", "kind": "team"}],
            assets=[
                {"id": TABLE, "kind": "dataset", "description": "dbt's words", "owners": ["team-analytics"]}
            ],
        )
    )
    graph.ingest_from("backstage", CATALOG)
    assert graph.get(TABLE).description == "dbt's words"
    assert [o.id for o in graph.owners(TABLE)] == ["team-analytics"]
    assert (SCORING, "reads", TABLE) in _edges(graph)


def test_connectors_are_sources_of_graph_ingest(graph):
    report = graph.ingest(CARD.parent, from_="model-card")  # mlg.sources, as `ingest --from`
    assert report.assets_added == 4
    assert not graph.ingest_from("model-card", CARD.parent).changed
