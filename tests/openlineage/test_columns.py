"""Which upstream columns feed a column: column lineage followed across datasets, with
the facet's dataset-level inputs (filters, join keys) kept too."""

from __future__ import annotations

import json

from click.testing import CliRunner

from mlg.cli.main import main
from mlg.openlineage import column_upstream, dataset_column_inputs, ingest_events
from tests.openlineage.conftest import SPARK, dataset, facet, run_event

NS = "s3://lake"


def lineage(fields: dict, shared: list | None = None) -> dict:
    spec = {
        col: {
            "inputFields": [
                {"namespace": NS, "name": src, "field": f, "transformations": [{"type": t}]}
                for src, f, t in inputs
            ]
        }
        for col, inputs in fields.items()
    }
    body = {"fields": spec}
    if shared is not None:
        body["dataset"] = [{"namespace": NS, "name": src, "field": f} for src, f in shared]
    return {"columnLineage": facet("ColumnLineageDatasetFacet", producer=SPARK, **body)}


def test_upstream_columns_across_two_jobs_and_a_dataset_level_input(graph, db_path):
    events = [
        run_event(
            job="clean",
            producer=SPARK,
            inputs=[dataset(NS, "raw")],
            outputs=[dataset(NS, "clean", **lineage({"amount": [("raw", "amount_cents", "DIRECT")]}))],
        ),
        run_event(
            job="report",
            producer=SPARK,
            time="2024-05-02T00:00:00Z",
            inputs=[dataset(NS, "clean"), dataset(NS, "fx")],
            outputs=[
                dataset(
                    NS,
                    "report",
                    **lineage(
                        {"total": [("clean", "amount", "DIRECT"), ("fx", "rate", "DIRECT")]},
                        shared=[("clean", "country")],
                    ),
                )
            ],
        ),
    ]
    ingest_events(graph, events)
    report = f"dataset:{NS}/report"
    rows = [
        (r["input_dataset"], r["input_column"], r["via"], r["hops"])
        for r in column_upstream(graph, report, "total")
    ]
    assert rows == [
        (f"dataset:{NS}/clean", "amount", "column", 1),
        (f"dataset:{NS}/fx", "rate", "column", 1),
        (f"dataset:{NS}/clean", "country", "dataset", 1),
        (f"dataset:{NS}/raw", "amount_cents", "column", 2),
    ]
    assert [r["input_column"] for r in dataset_column_inputs(graph, report)] == ["country"]
    assert len(column_upstream(graph, report, "total", depth=1)) == 3
    graph.close()
    out = CliRunner().invoke(main, ["--db", str(db_path), "lineage", report, "--column", "total"])
    assert out.exit_code == 0, out.output
    assert f"columns feeding {report}.total: 4" in out.output
    assert f"← dataset:{NS}/raw.amount_cents" in out.output
    data = json.loads(
        CliRunner()
        .invoke(main, ["--db", str(db_path), "lineage", report, "--column", "total", "--format", "json"])
        .output
    )
    assert data[-1]["hops"] == 2
