"""Events become workflows, datasets, owners and edges (real Kuzu, no mocks)."""

from __future__ import annotations

import itertools
import random
from datetime import datetime

import pytest

from mlg.batch import Batch
from mlg.errors import IngestError
from mlg.openlineage import column_lineage, dataset_id, ingest_events, workflow_id
from tests.conftest import graph_content
from tests.openlineage.conftest import SPARK, dataset, facet, run_event

PG = "postgres://db.example.com:5432"
ORDERS = "dataset:hive://metastore:9083/sales.orders"
JOB = "workflow:airflow/etl.load_orders"


def test_full_event(graph, full_event):
    report = ingest_events(graph, [full_event])
    # the job, its two datasets and its parent (the DAG); reads, produced_by and part_of
    assert (report.events, report.assets_added, report.relations_added) == (1, 4, 3)

    job = graph.get(JOB)
    assert (job.kind, job.namespace, job.name) == ("workflow", "airflow", "etl.load_orders")
    assert job.description == "Loads orders."
    assert job.props["job_type"] == "TASK" and job.props["integration"] == "AIRFLOW"
    assert job.props["processing_type"] == "BATCH"
    assert job.props["sql"].startswith("INSERT INTO orders")
    assert job.props["source_code_url"] == "https://git.example.com/etl/load_orders.py"
    assert job.props["parent"] == "workflow:airflow/etl"
    assert [(n.asset.id, n.type) for n in graph.neighbours(JOB, "up") if n.type == "part_of"] == [
        ("workflow:airflow/etl", "part_of")
    ]
    assert job.tags == ("tier:1",)
    assert [(o.id, o.kind, o.role) for o in graph.owners(JOB)] == [("team:data-eng", "team", "maintainer")]

    # the TABLE symlink is the canonical name; the physical path is an alias
    orders = graph.get(ORDERS)
    assert (orders.namespace, orders.name, orders.version) == ("hive://metastore:9083", "sales.orders", "42")
    assert orders.description == "All orders."
    assert orders.props["aliases"] == ["s3a://lake/warehouse/orders"]
    assert orders.props["dataset_version"] == "42"
    assert orders.props["storage_layer"] == "iceberg" and orders.props["file_format"] == "parquet"
    assert orders.props["lifecycle_state"] == "OVERWRITE"
    assert set(orders.tags) == {"pii", "domain:sales"}  # a column's tag is not the dataset's
    owners = {o.id: (o.kind, o.role, o.email) for o in graph.owners(ORDERS)}
    assert owners == {
        "team:data-eng": ("team", "maintainer", None),
        "user:ana.lópez@example.com": ("person", "steward", "ana.lópez@example.com"),
    }
    assert graph.get("dataset:s3a://lake/warehouse/orders") is None

    raw = graph.get(dataset_id(PG, "shop.public.raw_orders"))
    assert raw.props["fields"] == [
        {"name": "id", "type": "bigint"},
        {
            "name": "customer",
            "type": "struct",
            "fields": [{"name": "email", "type": "text", "description": "PII"}],
        },
    ]
    assert raw.props["datasource"] == PG

    edges = {(e.source, e.target, e.type) for e in graph.lineage(JOB).relations}
    assert edges == {
        (JOB, raw.id, "reads"),
        (ORDERS, JOB, "produced_by"),
        (JOB, "workflow:airflow/etl", "part_of"),
    }
    assert column_lineage(graph, ORDERS) == [
        {
            "column": "order_id",
            "input_dataset": raw.id,
            "input_column": "id",
            "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}],
        }
    ]


def test_edges_take_first_and_last_seen_from_event_times(graph):
    events = [
        run_event("COMPLETE", t, inputs=[dataset("s3://b", "in")], outputs=[dataset("s3://b", "out")])
        for t in ("2024-05-03T00:00:00Z", "2024-05-01T08:00:00Z", "2024-05-02T00:00:00Z")
    ]
    ingest_events(graph, events)
    rows = graph.store.rows(
        "MATCH (a)-[e:DEPENDS_ON]->(b) RETURN e.type AS t, e.first_seen AS f, "
        "e.last_seen AS l, e.source AS s ORDER BY t"
    )
    assert [(r["t"], r["f"], r["l"]) for r in rows] == [
        ("produced_by", datetime(2024, 5, 1, 8), datetime(2024, 5, 3)),
        ("reads", datetime(2024, 5, 1, 8), datetime(2024, 5, 3)),
    ]
    assert rows[0]["s"].startswith("openlineage:https://github.com/apache/airflow")
    # a later ingest widens the window, never narrows it
    ingest_events(graph, [run_event("COMPLETE", "2024-04-01T00:00:00Z", inputs=[dataset("s3://b", "in")])])
    row = graph.store.rows(
        "MATCH (a)-[e:DEPENDS_ON {type: 'reads'}]->(b) RETURN e.first_seen AS f, e.last_seen AS l"
    )[0]
    assert (row["f"], row["l"]) == (datetime(2024, 4, 1), datetime(2024, 5, 3))


def test_events_name_the_existing_asset_with_the_same_namespace_and_name(graph):
    graph.ingest_batch(
        Batch.from_records(
            owners=[
                {
                    "id": "team-data-platform",
                    "kind": "team",
                    "name": "Data Platform",
                    "email": "data-platform@example.com",
                }
            ],
            assets=[
                {
                    "id": "dataset:core.sessions",
                    "kind": "dataset",
                    "namespace": "iceberg://lake",
                    "name": "core.sessions",
                    "description": "Curated sessions.",
                    "tags": ["tier-1"],
                    "props": {"format": "iceberg"},
                    "owners": ["team-data-platform"],
                },
                {
                    "id": "workflow:sessions_daily",
                    "kind": "workflow",
                    "namespace": "airflow",
                    "name": "sessions_daily",
                },
                {"id": "feature:watch_time", "kind": "feature", "namespace": "feast", "name": "watch_time"},
            ],
        )
    )
    ingest_events(
        graph,
        [
            run_event(
                job="sessions_daily",
                inputs=[
                    dataset(
                        "iceberg://lake",
                        "core.sessions",
                        tags=facet("TagsDatasetFacet", tags=[{"key": "pii"}]),
                        ownership=facet(
                            "OwnershipDatasetFacet",
                            owners=[{"name": "team:data-platform"}, {"name": "user:lee@example.com"}],
                        ),
                    )
                ],
                outputs=[dataset("feast", "watch_time")],
            )
        ],
    )

    assert graph.get(workflow_id("airflow", "sessions_daily")) is None
    sessions = graph.get("dataset:core.sessions")
    # what the event did not say is kept; what it said is added
    assert sessions.description == "Curated sessions."
    assert sessions.props == {"format": "iceberg"}
    assert sessions.tags == ("tier-1", "pii")
    assert [o.id for o in graph.owners("dataset:core.sessions")] == [
        "team-data-platform",
        "user:lee@example.com",
    ]
    edges = {(e.source, e.target, e.type) for e in graph.lineage("workflow:sessions_daily").relations}
    assert edges == {
        ("workflow:sessions_daily", "dataset:core.sessions", "reads"),
        ("feature:watch_time", "workflow:sessions_daily", "produced_by"),
    }
    assert graph.stats().assets == 3


def test_manifest_and_events_in_one_ingest(graph, tmp_path):
    (tmp_path / "estate.yaml").write_text(
        "assets:\n"
        "- {id: dataset:orders, kind: dataset, namespace: 'pg://db', name: orders,\n"
        "   description: From the manifest, version: '3'}\n"
    )
    from tests.openlineage.conftest import write_ndjson

    write_ndjson(
        tmp_path / "events.ndjson",
        [
            run_event(
                outputs=[
                    dataset(
                        "pg://db",
                        "orders",
                        version=facet("DatasetVersionDatasetFacet", datasetVersion="77"),
                        schema=facet("SchemaDatasetFacet", fields=[{"name": "id", "type": "int"}]),
                    )
                ]
            )
        ],
    )
    report = graph.ingest(tmp_path)
    assert report.events == 1 and report.assets_added == 2
    orders = graph.get("dataset:orders")
    assert orders.description == "From the manifest"
    assert orders.version == "3"  # a manifest's version is not replaced by the dataset's
    assert orders.props == {"dataset_version": "77", "fields": [{"name": "id", "type": "int"}]}


def test_a_later_event_naming_an_alias_reaches_the_same_asset(graph):
    spark = run_event(
        producer=SPARK,
        job="spark_job",
        outputs=[
            dataset(
                "s3a://lake",
                "warehouse/orders",
                symlinks=facet(
                    "SymlinksDatasetFacet",
                    identifiers=[{"namespace": "hive://ms", "name": "sales.orders", "type": "TABLE"}],
                ),
            )
        ],
    )
    ingest_events(graph, [spark])
    # later, another job names the physical path only
    ingest_events(graph, [run_event(job="report", inputs=[dataset("s3a://lake", "warehouse/orders")])])
    assert graph.get("dataset:s3a://lake/warehouse/orders") is None
    assert [n.asset.id for n in graph.neighbours("workflow:airflow/report", "up")] == [
        "dataset:hive://ms/sales.orders"
    ]


def test_symlinks_in_any_order_give_one_asset(tmp_path):
    import mlg

    by_table = run_event(job="a", time="2024-05-01T00:00:00Z", inputs=[dataset("hive://ms", "sales.orders")])
    by_path = run_event(
        job="b",
        time="2024-05-02T00:00:00Z",
        outputs=[
            dataset(
                "s3a://lake",
                "warehouse/orders",
                symlinks=facet(
                    "SymlinksDatasetFacet",
                    identifiers=[{"namespace": "hive://ms", "name": "sales.orders", "type": "TABLE"}],
                ),
            )
        ],
    )
    results = []
    for order in ([by_table, by_path], [by_path, by_table]):
        with mlg.open(tmp_path / f"g{len(results)}.kuzu") as g:
            for event in order:  # separate ingests: the second finds the first in the graph
                ingest_events(g, [event])
            results.append(sorted(a.id for a in g.lineage("dataset:hive://ms/sales.orders").assets))
    assert (
        results[0]
        == results[1]
        == ["dataset:hive://ms/sales.orders", "workflow:airflow/a", "workflow:airflow/b"]
    )


def test_a_merge_job_reads_and_writes_its_table(graph):
    """A MERGE INTO t reads t and writes t: both edges (a cycle through the job)."""
    table = dataset("hive://ms", "sales.orders")
    ingest_events(graph, [run_event(inputs=[table, dataset("hive://ms", "raw")], outputs=[table])])
    edges = {(e.source, e.target, e.type) for e in graph.lineage("workflow:airflow/etl.daily").relations}
    job, orders = "workflow:airflow/etl.daily", "dataset:hive://ms/sales.orders"
    assert edges == {
        (job, "dataset:hive://ms/raw", "reads"),
        (job, orders, "reads"),
        (orders, job, "produced_by"),
    }
    # impact of the merged table reaches the job that rewrites it, once
    assert [a.asset.id for a in graph.impact(orders).affected] == [job]
    assert graph.reuse_report().cycles == [(orders, job)]
    ingest_events(graph, [run_event(inputs=[table])])
    assert graph.stats().relations == 3


def test_owner_names_meet_the_owners_already_declared(graph):
    graph.ingest_batch(
        Batch.from_records(
            owners=[
                {"id": "team-recs", "kind": "team", "name": "Recs", "email": "recs@example.com"},
                {"id": "jane.doe", "kind": "person", "name": "Jane Doe", "email": "jane.doe@example.com"},
                {"id": "mlops", "kind": "team", "name": "ML Ops"},
            ]
        )
    )
    names = [
        "team:recs",
        "user:jane.doe@example.com",
        "mlops",
        "user:jane.doe",
        "group:brand-new",
        "Kim Lee",
        "ML Ops",
    ]
    ingest_events(
        graph,
        [
            run_event(
                outputs=[
                    dataset(
                        "s3://b",
                        "x",
                        ownership=facet("OwnershipDatasetFacet", owners=[{"name": n} for n in names]),
                    )
                ]
            )
        ],
    )
    owners = {o.id: o.kind for o in graph.owners("dataset:s3://b/x")}
    assert owners == {
        "team-recs": "team",
        "jane.doe": "person",
        "mlops": "team",
        "group:brand-new": "team",
        "Kim Lee": "person",
    }


def test_dataset_and_job_events_of_spec_2(graph):
    from tests.openlineage.conftest import AIRFLOW, SPEC

    ingest_events(
        graph,
        [
            {
                "eventTime": "2024-05-01T00:00:00Z",
                "producer": AIRFLOW,
                "schemaURL": SPEC + "JobEvent",
                "job": {
                    "namespace": "flink",
                    "name": "stream",
                    "facets": {
                        "jobType": facet(
                            "JobTypeJobFacet", processingType="STREAMING", integration="FLINK", jobType="JOB"
                        )
                    },
                },
                "inputs": [{"namespace": "kafka://k", "name": "clicks"}],
                "outputs": [{"namespace": "kafka://k", "name": "alerts"}],
            },
            {
                "eventTime": "2024-05-02T00:00:00Z",
                "producer": AIRFLOW,
                "schemaURL": SPEC + "DatasetEvent",
                "dataset": {
                    "namespace": "kafka://k",
                    "name": "alerts",
                    "facets": {"documentation": {"description": "One message per alert."}},
                },
            },
        ],
    )
    assert graph.get("workflow:flink/stream").props["processing_type"] == "STREAMING"
    assert graph.get("dataset:kafka://k/alerts").description == "One message per alert."
    assert graph.stats().relations == 2
    assert graph.runs("workflow:flink/stream") == []  # a job event is not a run


def test_unicode_names_end_to_end(graph):
    ingest_events(
        graph,
        [
            run_event(
                job="étl.données", namespace="airflow://prod-ü", inputs=[dataset("s3://bücher", "目录/表")]
            )
        ],
    )
    up = graph.upstream("workflow:airflow://prod-ü/étl.données")
    assert [a.id for a in up.assets if a.kind == "dataset"] == ["dataset:s3://bücher/目录/表"]


def test_same_stream_twice_is_the_same_graph(graph, full_event):
    events = _stream()
    ingest_events(graph, [full_event, *events])
    before = graph_content(graph)
    runs_before = graph.store.rows("MATCH (r:Run) RETURN r.* ORDER BY r.id")
    report = ingest_events(graph, [full_event, *events])
    assert not report.changed
    assert graph_content(graph) == before
    assert graph.store.rows("MATCH (r:Run) RETURN r.* ORDER BY r.id") == runs_before


def test_event_order_and_batching_do_not_change_the_graph(tmp_path):
    """Within one ingest events apply in event-time order, so any delivery order gives the
    same graph. Split over several ingests, assets, edges and runs still come out the
    same; a dataset facet then takes the value of the last ingest that carried it."""
    import mlg

    events = _stream()
    contents = []
    shuffled = random.Random(7)
    for attempt, size in enumerate([len(events), len(events), 5, 1]):
        order = list(events)
        shuffled.shuffle(order)
        with mlg.open(tmp_path / f"g{attempt}.kuzu") as g:
            for i in range(0, len(order), size):
                ingest_events(g, order[i : i + size])
            content = graph_content(g)
            for asset in content["assets"]:
                asset.pop("a.updated_at")  # stamped with the ingest time
                asset.pop("a.gen")  # the generation of the ingest that wrote it last
                asset.pop("a.valid_from")  # alive since the ingest that made it (mlg.lifecycle)
                if size < len(events):
                    asset.pop("a.version"), asset.pop("a.props")
            content["runs"] = g.store.rows("MATCH (r:Run) RETURN r.* ORDER BY r.id")
            content["io"] = g.store.rows(
                "MATCH (r:Run)-[l:RUN_IO]->(a:Asset) RETURN r.id, "
                "l.direction, a.id ORDER BY r.id, l.direction, a.id"
            )
            contents.append(content)
    assert contents[0] == contents[1]
    for content in contents[2:]:
        for asset in contents[0]["assets"]:
            asset.pop("a.version", None), asset.pop("a.props", None)
        assert content == contents[0]


def test_a_graph_conflict_rejects_the_whole_ingest(graph):
    graph.ingest_batch(Batch.from_records(assets=[{"id": "dataset:k8s/api", "kind": "service"}]))
    with pytest.raises(IngestError) as caught:
        ingest_events(
            graph,
            [
                run_event(outputs=[dataset("s3://b", "ok")]),
                run_event(job="w2", outputs=[dataset("k8s", "api")]),
            ],
        )
    assert graph.stats().assets == 1
    problem = caught.value.problems[0]
    assert (problem.file, problem.record) == ("<python>", "events[1]")
    assert "cannot go from a service" in problem.message


def _stream() -> list[dict]:
    """Two jobs, several runs each, START/RUNNING/COMPLETE/FAIL, symlinks and facets."""
    events = []
    for day, (job, fails) in itertools.product((1, 2, 3), (("ingest", False), ("train", True))):
        run = f"{job}-{day}"
        t = f"2024-05-0{day}T"
        ins = (
            [
                dataset(
                    "s3a://lake",
                    "raw/clicks",
                    symlinks=facet(
                        "SymlinksDatasetFacet",
                        identifiers=[{"namespace": "hive://ms", "name": "raw.clicks", "type": "TABLE"}],
                    ),
                )
            ]
            if job == "ingest"
            else [dataset("hive://ms", "curated.clicks")]
        )
        outs = (
            [
                dataset(
                    "hive://ms",
                    "curated.clicks",
                    schema=facet("SchemaDatasetFacet", fields=[{"name": "day", "type": "date"}]),
                )
            ]
            if job == "ingest"
            else [
                dataset(
                    "mlflow://m",
                    "ctr_model",
                    version=facet("DatasetVersionDatasetFacet", datasetVersion=str(day)),
                )
            ]
        )
        events.append(run_event("START", t + "01:00:00Z", run=run, job=job, inputs=ins))
        events.append(
            run_event("RUNNING", t + "01:10:00.123456789Z", run=run, job=job, inputs=ins, outputs=outs)
        )
        end = "FAIL" if fails and day == 2 else "COMPLETE"
        facets = (
            {
                "errorMessage": facet(
                    "ErrorMessageRunFacet", message=f"OOM on day {day}", programmingLanguage="python"
                )
            }
            if end == "FAIL"
            else {}
        )
        events.append(
            run_event(end, t + "01:30:00", run=run, job=job, inputs=ins, outputs=outs, run_facets=facets)
        )
    return events
