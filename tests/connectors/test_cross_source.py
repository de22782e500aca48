"""One table seen by dbt (an external model's location), MLflow (a training dataset's
source), Feast (a file source) and OpenLineage (a job's output) is one asset, with the
lineage of all four joined - whatever order the sources arrive in."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from openlineage.client.event_v2 import Job, OutputDataset, Run, RunEvent, RunState
from openlineage.client.serde import Serde

from tests.conftest import graph_content
from tests.connectors.systems import dbt_project, feast_repo, mlflow_store

TABLE = "dataset:duckdb/warehouse.main.churn_features"  # dbt's name for it


@pytest.fixture(scope="module")
def systems(tmp_path_factory):
    root = tmp_path_factory.mktemp("estate")
    table = root / "lake" / "churn_features.parquet"
    manifest = dbt_project(root / "dbt", table)
    repo = feast_repo(root / "feast", table)
    uri = mlflow_store(root / "mlflow", table, root / "lake" / "holdout.parquet")
    event = RunEvent(
        eventType=RunState.COMPLETE,
        eventTime=datetime(2026, 11, 30, 6, tzinfo=UTC).isoformat(),
        run=Run(runId=str(uuid.uuid4())),
        job=Job(namespace="airflow", name="export_churn_features"),
        producer="https://github.com/apache/airflow/tree/providers-openlineage/1.12.0",
        outputs=[OutputDataset(namespace="file", name=str(table))],
    )
    events = root / "events.ndjson"
    events.write_text(Serde.to_json(event) + "\n", encoding="utf-8")
    return {"dbt": manifest, "feast": repo, "mlflow": uri, "openlineage": events, "table": table}


def _ingest(graph, systems, name):
    if name == "openlineage":
        return graph.ingest(systems[name], format="openlineage")
    return graph.ingest_from(name, systems[name])


@pytest.mark.parametrize(
    "order",
    [("dbt", "feast", "mlflow", "openlineage"), ("mlflow", "openlineage", "feast", "dbt")],
    ids=["dbt-first", "dbt-last"],
)
def test_one_table_four_systems(graph, systems, order):
    for name in order:
        _ingest(graph, systems, name)
    # the same id whatever the order: the least of the ids derived from its physical
    # names (dbt's relation), the asset MLflow or OpenLineage made first re-keyed into it
    table = graph.get(TABLE)
    assert table is not None and graph.get(f"dataset:file/{systems['table']}") is None
    # one asset, and every other name of it an alias of that asset
    names = {f"dataset:file/{systems['table']}", TABLE, "dbt:model.shop.churn_features"} - {table.id}
    aliases = {r["x.id"]: r["x.asset"] for r in graph.store.rows("MATCH (x:AssetAlias) RETURN x.id, x.asset")}
    assert all(aliases.get(n) == table.id or graph.get(n) is None for n in names)
    assert graph.store.count(
        "MATCH (a:Asset) WHERE a.name ENDS WITH 'churn_features.parquet' RETURN count(*)"
    ) <= (1 if table.id.startswith("dataset:file/") else 0)
    assert table.description == "Per-customer order counts, the churn model's training table."  # dbt's
    edges = graph.store.rows(
        "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) WHERE a.id = $t OR b.id = $t "
        "RETURN a.id AS a, e.type AS type, b.id AS b, e.source AS source",
        {"t": table.id},
    )
    by_source = {e["source"].split(":")[0] for e in edges}
    assert by_source == {"dbt", "feast", "mlflow", "openlineage"}
    assert {(e["type"], e["a"]) for e in edges} >= {
        ("computed_from", "feature:feast/churn/customer_orders.orders"),
        ("trained_on", "model:mlflow/churn@1"),
        ("trained_on", "model:dbt/exposure.shop.churn_model"),
        ("produced_by", table.id),
        ("derived_from", table.id),
    }
    # the model's training data leads back to the raw sources, with owners on the way
    upstream = set(graph.upstream("model:mlflow/churn@2").nodes["id"])
    assert {"dataset:duckdb/warehouse.raw.customers", "dataset:duckdb/warehouse.main.raw_orders"} <= upstream
    assert [o.id for o in graph.owners(table.id)] == ["ana@shop.example"]
    if order.index("dbt") > order.index("openlineage"):
        # OpenLineage named the table before the re-key: its next event records the new
        # name among the table's names (hidden bookkeeping, props._names), nothing else
        old = graph.get(TABLE)
        _ingest(graph, systems, "openlineage")
        new = graph.get(TABLE)
        assert (new.description, new.props, new.sources) == (old.description, old.props, old.sources)
    # re-running every source changes nothing
    before = graph_content(graph)
    for name in order:
        assert not _ingest(graph, systems, name).changed, name
    assert graph_content(graph) == before
