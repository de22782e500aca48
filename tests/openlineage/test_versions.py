"""Runs keep the dataset version they read and wrote; `mlg show` of a dataset lists them."""

from __future__ import annotations

import json

from click.testing import CliRunner

from mlg.cli.main import main
from mlg.openlineage import ingest_events
from tests.openlineage.conftest import SPARK, dataset, facet, run_event

ORDERS = "dataset:s3://lake/orders"


def versioned(v: str) -> dict:
    return dataset("s3://lake", "orders", version=facet("DatasetVersionDatasetFacet", datasetVersion=v))


def test_two_runs_reading_two_versions_keep_both(graph):
    events = [
        run_event("COMPLETE", "2024-05-01T10:00:00Z", run="w3", job="write", outputs=[versioned("3")]),
        run_event(
            "START", "2024-05-01T11:00:00Z", run="r3", job="train", inputs=[dataset("s3://lake", "orders")]
        ),
        run_event("COMPLETE", "2024-05-01T11:05:00Z", run="r3", job="train", inputs=[versioned("3")]),
        run_event("COMPLETE", "2024-05-02T10:00:00Z", run="w4", job="write", outputs=[versioned("4")]),
        run_event("COMPLETE", "2024-05-02T11:00:00Z", run="r4", job="train", inputs=[versioned("4")]),
    ]
    ingest_events(graph, events[::-1])  # arrival order does not matter
    assert graph.get(ORDERS).version == "4"
    used = [(u.run.id, u.direction, u.version) for u in graph.dataset_runs(ORDERS)]
    assert used == [("r4", "input", "4"), ("w4", "output", "4"), ("r3", "input", "3"), ("w3", "output", "3")]
    (r3,) = [r for r in graph.runs("workflow:airflow/train") if r.id == "r3"]
    assert r3.version_of(ORDERS) == "3" and r3.versions == {"input": {ORDERS: "3"}}
    assert not any(k.startswith("version:") for k in r3.facets)


def test_an_iceberg_snapshot_is_the_version_read(graph):
    scan = facet("IcebergScanReportInputDatasetFacet", producer=SPARK, snapshotId=4242)
    ref = {**dataset("s3://lake", "orders"), "inputFacets": {"icebergScanReport": scan}}
    ingest_events(graph, [run_event(run="i1", job="read", inputs=[ref], producer=SPARK)])
    assert [(u.run.id, u.version) for u in graph.dataset_runs(ORDERS)] == [("i1", "4242")]


def test_show_lists_which_runs_read_and_wrote_which_versions(graph, db_path):
    ingest_events(
        graph,
        [
            run_event("COMPLETE", "2024-05-01T10:00:00Z", run="w3", job="write", outputs=[versioned("3")]),
            run_event("COMPLETE", "2024-05-01T11:00:00Z", run="r3", job="train", inputs=[versioned("3")]),
        ],
    )
    graph.close()
    result = CliRunner().invoke(main, ["--db", str(db_path), "show", ORDERS])
    assert result.exit_code == 0, result.output
    assert "runs that read or wrote it: 2" in result.output
    assert "read version 3  by workflow:airflow/train  run r3" in result.output
    data = json.loads(
        CliRunner().invoke(main, ["--db", str(db_path), "show", ORDERS, "--format", "json"]).output
    )
    assert [(u["run"], u["direction"], u["version"]) for u in data["used_by_runs"]] == [
        ("r3", "input", "3"),
        ("w3", "output", "3"),
    ]
    shown = CliRunner().invoke(main, ["--db", str(db_path), "show", "workflow:airflow/train"])
    assert f"{ORDERS} @ 3" in shown.output
