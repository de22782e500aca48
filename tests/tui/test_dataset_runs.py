"""The panel of a dataset lists which runs read or wrote it, at which version (issue 14)."""

from __future__ import annotations

import pytest

import mlg
from mlg.openlineage import ingest_events
from mlg.tui.app import ExploreApp
from tests.openlineage.conftest import dataset, facet, run_event
from tests.tui.conftest import SIZE, settle, shown

ORDERS = "dataset:s3://lake%2Fraw/orders"


def versioned(v: str) -> dict:
    return dataset("s3://lake/raw", "orders", version=facet("DatasetVersionDatasetFacet", datasetVersion=v))


@pytest.fixture
def runs_db(tmp_path):
    path = tmp_path / "g.kuzu"
    with mlg.open(path) as g:
        ingest_events(
            g,
            [
                run_event(
                    "COMPLETE", "2024-05-01T10:00:00Z", run="w3", job="write", outputs=[versioned("3")]
                ),
                run_event("COMPLETE", "2024-05-01T11:00:00Z", run="r3", job="train", inputs=[versioned("3")]),
                run_event(
                    "COMPLETE", "2024-05-02T10:00:00Z", run="w4", job="write", outputs=[versioned("4")]
                ),
                run_event("FAIL", "2024-05-02T11:00:00Z", run="r4", job="train", inputs=[versioned("4")]),
            ],
        )
        # a fixed date, not the time the test ran, for the snapshot
        g.store.execute("MATCH (a:Asset) SET a.updated_at = timestamp('2024-05-02 11:00:00')")
    return path


@pytest.mark.anyio
async def test_the_panel_of_a_dataset_lists_its_runs_and_versions(runs_db):
    graph = mlg.open(runs_db, read_only=True)
    try:
        app = ExploreApp(graph, "s3://lake/raw/orders")  # as people write it
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            runs = app.asset_screen.query_one("#dataset-runs")
            assert runs.display and runs.loaded
            lines = [" ".join(line.split()) for line in shown(runs).splitlines() if line.strip()]
            assert lines == [
                "2024-05-02 11:00 read @4 workflow:airflow/train FAIL run r4",
                "2024-05-02 10:00 wrote @4 workflow:airflow/write run w4",
                "2024-05-01 11:00 read @3 workflow:airflow/train run r3",
                "2024-05-01 10:00 wrote @3 workflow:airflow/write run w3",
            ]
            props = shown(app.asset_screen.query_one("#asset-properties"))
            assert ORDERS in props and "s3://lake/raw/orders" in props  # the id, and as written
            # a workflow's panel has no such list
            await pilot.press("j")
            await settle(pilot)
            assert app.asset_screen.panel.ref.kind == "workflow"
            assert not runs.display
    finally:
        graph.close()


def test_snapshot_of_a_dataset_with_its_runs(snap_compare, runs_db):
    graph = mlg.open(runs_db, read_only=True)
    try:
        assert snap_compare(ExploreApp(graph, ORDERS), terminal_size=SIZE, run_before=settle)
    finally:
        graph.close()
