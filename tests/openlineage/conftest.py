"""Events shaped as the real integrations emit them, and small helpers."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

SPEC = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/"
AIRFLOW = "https://github.com/apache/airflow/tree/providers-openlineage/1.12.0"
SPARK = "https://github.com/OpenLineage/OpenLineage/tree/1.22.0/integration/spark"


def facet(facet_name: str, producer: str = AIRFLOW, **fields) -> dict:
    return {
        "_producer": producer,
        "_schemaURL": f"https://openlineage.io/spec/facets/1-0-1/{facet_name}.json",
        **fields,
    }


def dataset(namespace: str, name: str, **facets) -> dict:
    return {"namespace": namespace, "name": name, "facets": facets}


def run_event(
    event_type: str = "COMPLETE",
    time: str = "2024-05-01T12:00:00Z",
    *,
    run: str | None = None,
    job: str = "etl.daily",
    namespace: str = "airflow",
    inputs=(),
    outputs=(),
    run_facets=None,
    job_facets=None,
    producer: str = AIRFLOW,
) -> dict:
    return {
        "eventType": event_type,
        "eventTime": time,
        "producer": producer,
        "schemaURL": SPEC + "RunEvent",
        "run": {"runId": run or str(uuid.uuid4()), "facets": run_facets or {}},
        "job": {"namespace": namespace, "name": job, "facets": job_facets or {}},
        "inputs": list(inputs),
        "outputs": list(outputs),
    }


def write_ndjson(path: Path, events: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), encoding="utf-8")
    return path


@pytest.fixture
def full_event() -> dict:
    """A COMPLETE event the way the Airflow provider sends it, with many facets."""
    run_id = "0190b1a0-3c52-7c1e-9d1e-6b3f2f1f0a11"
    return {
        "eventType": "COMPLETE",
        "eventTime": "2024-05-01T12:30:00.123456Z",
        "producer": AIRFLOW,
        "schemaURL": SPEC + "RunEvent",
        "run": {
            "runId": run_id,
            "facets": {
                "nominalTime": facet("NominalTimeRunFacet", nominalStartTime="2024-05-01T12:00:00Z"),
                "parent": facet(
                    "ParentRunFacet",
                    run={"runId": "0190b1a0-0000-7000-8000-000000000001"},
                    job={"namespace": "airflow", "name": "etl"},
                ),
                "processing_engine": facet(
                    "ProcessingEngineRunFacet",
                    version="2.9.3",
                    name="Airflow",
                    openlineageAdapterVersion="1.12.0",
                ),
            },
        },
        "job": {
            "namespace": "airflow",
            "name": "etl.load_orders",
            "facets": {
                "documentation": facet("DocumentationJobFacet", description="Loads orders."),
                "ownership": facet(
                    "OwnershipJobFacet", owners=[{"name": "team:data-eng", "type": "MAINTAINER"}]
                ),
                "jobType": facet(
                    "JobTypeJobFacet", processingType="BATCH", integration="AIRFLOW", jobType="TASK"
                ),
                "sql": facet("SQLJobFacet", query="INSERT INTO orders SELECT * FROM raw_orders"),
                "sourceCodeLocation": facet(
                    "SourceCodeLocationJobFacet", type="git", url="https://git.example.com/etl/load_orders.py"
                ),
                "tags": facet("TagsJobFacet", tags=[{"key": "tier", "value": "1", "source": "DAG"}]),
            },
        },
        "inputs": [
            {
                "namespace": "postgres://db.example.com:5432",
                "name": "shop.public.raw_orders",
                "facets": {
                    "schema": facet(
                        "SchemaDatasetFacet",
                        fields=[
                            {"name": "id", "type": "bigint"},
                            {
                                "name": "customer",
                                "type": "struct",
                                "fields": [{"name": "email", "type": "text", "description": "PII"}],
                            },
                        ],
                    ),
                    "dataSource": facet(
                        "DatasourceDatasetFacet",
                        name="postgres://db.example.com:5432",
                        uri="postgres://db.example.com:5432",
                    ),
                },
                "inputFacets": {
                    "dataQualityMetrics": facet(
                        "DataQualityMetricsInputDatasetFacet", rowCount=1200, columnMetrics={}
                    )
                },
            }
        ],
        "outputs": [
            {
                "namespace": "s3a://lake",
                "name": "warehouse/orders",
                "facets": {
                    "symlinks": facet(
                        "SymlinksDatasetFacet",
                        identifiers=[
                            {"namespace": "hive://metastore:9083", "name": "sales.orders", "type": "TABLE"}
                        ],
                    ),
                    "documentation": facet("DocumentationDatasetFacet", description="All orders."),
                    "ownership": facet(
                        "OwnershipDatasetFacet",
                        owners=[
                            {"name": "team:data-eng", "type": "MAINTAINER"},
                            {"name": "user:ana.lópez@example.com", "type": "STEWARD"},
                        ],
                    ),
                    "version": facet("DatasetVersionDatasetFacet", datasetVersion="42"),
                    "storage": facet("StorageDatasetFacet", storageLayer="iceberg", fileFormat="parquet"),
                    "lifecycleStateChange": facet(
                        "LifecycleStateChangeDatasetFacet", lifecycleStateChange="OVERWRITE"
                    ),
                    "tags": facet(
                        "TagsDatasetFacet",
                        tags=[
                            {"key": "pii", "value": "true", "source": "MANUAL"},
                            {"key": "domain", "value": "sales", "source": "MANUAL"},
                            {"key": "masked", "value": "true", "source": "MANUAL", "field": "email"},
                        ],
                    ),
                    "columnLineage": facet(
                        "ColumnLineageDatasetFacet",
                        fields={
                            "order_id": {
                                "inputFields": [
                                    {
                                        "namespace": "postgres://db.example.com:5432",
                                        "name": "shop.public.raw_orders",
                                        "field": "id",
                                        "transformations": [{"type": "DIRECT", "subtype": "IDENTITY"}],
                                    }
                                ]
                            },
                        },
                    ),
                },
                "outputFacets": {
                    "outputStatistics": facet("OutputStatisticsOutputDatasetFacet", rowCount=1200, size=48000)
                },
            }
        ],
    }


@pytest.fixture
def receiver(db_path):
    """`receiver(**options)` starts a LineageReceiver on a free loopback port over the
    test's graph, its log lines kept in `.logs`; every one started is stopped after."""
    from mlg.openlineage.receiver import LineageReceiver

    started = []

    def start(**options) -> LineageReceiver:
        logs: list[str] = []
        rx = LineageReceiver(db_path, host="127.0.0.1", port=0, retry_seconds=0.2, log=logs.append, **options)
        rx.logs = logs
        rx.start()
        started.append(rx)
        return rx

    yield start
    for rx in started:
        rx.stop()
