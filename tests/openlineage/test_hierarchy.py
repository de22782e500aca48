"""Job hierarchy as structure: a DAG lists its tasks, a task its DAG; dbt statement jobs
fold into their model; dbt tests are evaluations of the datasets they check."""

from __future__ import annotations

from mlg.openlineage import ingest_events
from tests.openlineage.conftest import dataset, facet, run_event

DBT = "https://github.com/OpenLineage/OpenLineage/tree/1.26.0/integration/dbt"
NS = "dbt-test-namespace"
PG = "postgres://postgres:5432"


def parent(job: str, run: str, namespace: str = NS) -> dict:
    return {"parent": facet("ParentRunFacet", job={"namespace": namespace, "name": job}, run={"runId": run})}


def job_type(kind: str) -> dict:
    return {"jobType": facet("JobTypeJobFacet", processingType="BATCH", integration="DBT", jobType=kind)}


def test_an_airflow_dag_lists_its_tasks_and_a_task_its_dag(graph):
    for task in ("extract", "load"):
        ingest_events(
            graph, [run_event(job=f"etl.{task}", run_facets=parent("etl", "dag-run-1", namespace="airflow"))]
        )
    tasks = sorted(
        n.asset.id for n in graph.neighbours("workflow:airflow/etl", "down") if n.type == "part_of"
    )
    assert tasks == ["workflow:airflow/etl.extract", "workflow:airflow/etl.load"]
    dag = [n.asset.id for n in graph.neighbours("workflow:airflow/etl.load", "up") if n.type == "part_of"]
    assert dag == ["workflow:airflow/etl"]
    assert graph.get("workflow:airflow/etl").kind == "workflow"


def test_dbt_statements_fold_into_their_model_and_tests_become_evaluations(graph):
    model, stmt = "model.jaffle_shop.stg_orders", "model.jaffle_shop.stg_orders.sql.1"
    raw, stg = dataset(PG, "postgres.public.raw_orders"), dataset(PG, "postgres.public.stg_orders")
    assertions = facet(
        "DataQualityAssertionsDatasetFacet",
        assertions=[{"assertion": "not_null", "success": True, "column": "order_id"}],
    )
    checked = dataset(PG, "postgres.public.stg_orders", dataQualityAssertions=assertions)
    events = [
        run_event(
            "START",
            "2024-12-17T12:53:30Z",
            run="dbt-1",
            job="dbt-run-jaffle_shop",
            namespace=NS,
            producer=DBT,
        ),
        run_event(
            "START",
            "2024-12-17T12:53:31Z",
            run="m-1",
            job=model,
            namespace=NS,
            producer=DBT,
            run_facets=parent("dbt-run-jaffle_shop", "dbt-1"),
            inputs=[raw],
            outputs=[stg],
        ),
        run_event(
            "COMPLETE",
            "2024-12-17T12:53:32Z",
            run="s-1",
            job=stmt,
            namespace=NS,
            producer=DBT,
            run_facets=parent(model, "m-1"),
            job_facets={"sql": facet("SQLJobFacet", query="create view stg_orders as select 1")},
        ),
        run_event(
            "COMPLETE",
            "2024-12-17T12:53:33Z",
            run="m-1",
            job=model,
            namespace=NS,
            producer=DBT,
            run_facets=parent("dbt-run-jaffle_shop", "dbt-1"),
            inputs=[raw],
            outputs=[stg],
        ),
        run_event(
            "COMPLETE",
            "2024-12-17T12:53:40Z",
            run="t-1",
            job="test.jaffle_shop.not_null_stg_orders_order_id.abc",
            namespace=NS,
            producer=DBT,
            run_facets=parent("dbt-run-jaffle_shop", "dbt-1"),
            job_facets=job_type("TEST"),
            inputs=[checked],
            outputs=[dataset(PG, "postgres.public_dbt_test__audit.not_null_stg_orders_order_id")],
        ),
    ]
    ingest_events(graph, events)
    model_id = f"workflow:{NS}/{model}"
    assert graph.get(f"workflow:{NS}/{stmt}") is None
    (run,) = graph.runs(model_id)
    assert run.id == "m-1" and run.facets["dbt_statement_1"] == {"sql": "create view stg_orders as select 1"}
    dbt_run = f"workflow:{NS}/dbt-run-jaffle_shop"
    parts = sorted(n.asset.id for n in graph.neighbours(dbt_run, "down") if n.type == "part_of")
    test_id = f"evaluation:{NS}/test.jaffle_shop.not_null_stg_orders_order_id.abc"
    assert parts == [test_id, model_id]
    test = graph.get(test_id)
    assert test.kind == "evaluation"
    stg_id = f"dataset:{PG}/postgres.public.stg_orders"
    assert [(n.asset.id, n.type) for n in graph.neighbours(test_id, "up") if n.type != "part_of"] == [
        (stg_id, "evaluated_on")
    ]
    (test_run,) = graph.runs(test_id)
    assert test_run.state == "COMPLETE"
    assert test_run.facets["io"][stg_id]["dataQualityAssertions"]["assertions"][0]["success"] is True
