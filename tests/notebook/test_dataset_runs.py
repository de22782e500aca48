"""The widget's side panel of a dataset: which runs read or wrote it, at which version,
and the id as people write it (issue 14)."""

from __future__ import annotations

import re

import mlg
from mlg.notebook import LineageDiagram
from mlg.notebook.panel import asset_panel_html
from mlg.openlineage import ingest_events
from tests.openlineage.conftest import dataset, facet, run_event

ORDERS = "dataset:s3://lake%2Fraw/orders"


def versioned(v: str) -> dict:
    return dataset("s3://lake/raw", "orders", version=facet("DatasetVersionDatasetFacet", datasetVersion=v))


def test_a_click_on_a_dataset_lists_the_runs_and_versions(tmp_path):
    with mlg.open(tmp_path / "g.kuzu") as g:
        ingest_events(
            g,
            [
                run_event(
                    "COMPLETE", "2024-05-01T10:00:00Z", run="w3", job="write", outputs=[versioned("3")]
                ),
                run_event("COMPLETE", "2024-05-01T11:00:00Z", run="r3", job="train", inputs=[versioned("3")]),
                run_event("FAIL", "2024-05-02T11:00:00Z", run="r4", job="train", inputs=[versioned("4")]),
            ],
        )
        diagram = LineageDiagram(g, g.downstream("s3://lake/raw/orders"), readable=False)
        diagram.click(ORDERS)
        panel = diagram.panel.value
        rows = [
            re.findall(r"<td[^>]*>([^<]*)</td>", row)
            for row in re.findall(r"<tr class='mlg-dataset-run'>(.*?)</tr>", panel)
        ]
        assert rows == [
            ["2024-05-02 11:00", "read", "4", "workflow:airflow/train", "FAIL", "r4"],
            ["2024-05-01 11:00", "read", "3", "workflow:airflow/train", "", "r3"],
            ["2024-05-01 10:00", "wrote", "3", "workflow:airflow/write", "", "w3"],
        ]
        assert "s3://lake/raw/orders" in panel  # as written, beside the id
        # a workflow's panel has none
        diagram.click("workflow:airflow/train")
        assert "mlg-dataset-run" not in diagram.panel.value


def test_the_panel_escapes_what_runs_say():
    from datetime import datetime

    from mlg.model import Asset
    from mlg.runs import DatasetRun, Run

    run = Run(id="<r>", workflow="w", state="COMPLETE", started_at=datetime(2024, 5, 1))
    html = asset_panel_html(Asset(id="d", kind="dataset", name="d"), runs=[DatasetRun(run, "input", "<v>")])
    assert "&lt;v&gt;" in html and "&lt;r&gt;" in html and "<v>" not in html
