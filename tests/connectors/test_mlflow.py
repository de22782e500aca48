"""The MLflow connector against a real sqlite tracking store written by the client."""

from __future__ import annotations

import sys

import pytest

from mlg.connectors import MissingExtra
from tests.conftest import graph_content
from tests.connectors.systems import mlflow_store

V1, V2 = "model:mlflow/churn@1", "model:mlflow/churn@2"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("mlflow")
    return mlflow_store(root, root / "churn_features.parquet", root / "holdout.parquet"), root


def _edges(graph) -> set[tuple[str, str, str]]:
    rows = graph.store.rows(
        "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) RETURN a.id AS a, e.type AS t, b.id AS b"
    )
    return {(r["a"], r["t"], r["b"]) for r in rows}


def test_versions_become_models_with_aliases_description_and_owner(graph, store):
    uri, _ = store
    graph.ingest_from("mlflow", uri)
    v2 = graph.detail(V2)
    assert (v2.asset.family, v2.asset.version, v2.asset.tags) == ("churn", "2", ("champion",))
    assert v2.asset.description == "Deeper trees."
    assert graph.get(V1).description == "Predicts which customers leave next month."  # the model's
    assert v2.asset.props["mlflow"]["tags"] == {"validated": "yes"}
    assert v2.asset.props["mlflow"]["logged_model_id"].startswith("m-")
    assert [(o.id, o.kind) for o in v2.owners] == [("team-churn-ml", "team")]
    assert [s.id for s in v2.siblings] == [V1]


def test_runs_datasets_and_evaluations(graph, store):
    uri, root = store
    graph.ingest_from("mlflow", uri)
    train = f"dataset:file/{root / 'churn_features.parquet'}"
    holdout = f"dataset:file/{root / 'holdout.parquet'}"
    edges = _edges(graph)
    workflow = "workflow:mlflow/churn-training"
    assert {(V1, "trained_on", train), (V2, "trained_on", train)} <= edges
    assert {(V1, "produced_by", workflow), (workflow, "reads", train)} <= edges
    evaluations = {a for a, t, b in edges if t == "evaluates" and b == V2}
    assert len(evaluations) == 1  # the validation input and the LoggedModel's metrics: one run, one dataset
    (evaluation,) = evaluations
    assert (evaluation, "evaluated_on", holdout) in edges
    metrics = graph.get(evaluation).props["metrics"]
    assert metrics["auc"] == 0.83 and metrics["recall"] == 0.61 and metrics["val_auc"] == pytest.approx(0.8)
    runs = graph.runs(workflow)
    assert len(runs) == 2 and {r.state for r in runs} == {"COMPLETE"}


def test_reingest_is_a_no_op(graph, store):
    uri, _ = store
    graph.ingest_from("mlflow", uri)
    before = graph_content(graph)
    assert not graph.ingest_from("mlflow", uri).changed
    assert graph_content(graph) == before


def test_a_version_deleted_in_mlflow_is_retired_by_the_next_sync(graph, tmp_path):
    from mlflow import MlflowClient

    uri = mlflow_store(tmp_path, tmp_path / "churn_features.parquet", tmp_path / "holdout.parquet")
    graph.ingest_from("mlflow", uri, sync=True)
    assert not graph.get(V1).retired
    MlflowClient(uri, registry_uri=uri).delete_model_version("churn", "1")
    report = graph.ingest_from("mlflow", uri, sync=True)
    assert report.assets_retired == 2  # the version and the evaluation only it had
    assert graph.get(V1).retired  # kept, with its history
    assert not graph.get(V2).retired
    assert V1 not in {hit.asset.id for hit in graph.search("churn")}
    assert not graph.ingest_from("mlflow", uri, sync=True).changed  # re-running the sync: a no-op


def test_a_missing_client_library_names_the_extra(graph, monkeypatch):
    monkeypatch.setitem(sys.modules, "mlflow", None)  # as if mlflow-skinny were not installed
    monkeypatch.delitem(sys.modules, "mlg.connectors.mlflow_tracking", raising=False)
    with pytest.raises(MissingExtra, match=r"pip install 'mlg\[mlflow\]'"):
        graph.ingest_from("mlflow", "sqlite:///nowhere.db")
