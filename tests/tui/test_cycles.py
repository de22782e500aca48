"""A node that closes a lineage cycle is marked and not opened again (DESIGN §2)."""

from __future__ import annotations

import pytest

import mlg
from mlg.batch import Batch
from mlg.tui.app import ExploreApp
from mlg.tui.widgets.lineage_tree import CYCLE_MARK
from tests.tui.conftest import SIZE, press, settle

pytestmark = pytest.mark.anyio


async def test_a_merge_job_marks_the_table_it_rewrites(tmp_path):
    # a MERGE: the job reads the table it writes, and reads raw
    path = tmp_path / "g.kuzu"
    with mlg.open(path) as g:
        g.ingest_batch(
            Batch.from_records(
                assets=[
                    {"id": "t", "kind": "dataset", "produced_by": ["job"]},
                    {"id": "raw", "kind": "dataset"},
                    {"id": "job", "kind": "workflow", "reads": ["t", "raw"]},
                ]
            )
        )
    graph = mlg.open(path, read_only=True)
    try:
        app = ExploreApp(graph, "t")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            tree = app.asset_screen.upstream
            (job,) = tree.root.children
            assert job.data.asset.id == "job" and CYCLE_MARK not in str(job.label)
            await press(pilot, "j", "space")  # open the job
            await settle(pilot)
            marks = {c.data.asset.id: CYCLE_MARK in str(c.label) for c in job.children if c.data}
            assert marks == {"t": True, "raw": False}
            (back,) = [c for c in job.children if c.data and c.data.asset.id == "t"]
            assert not back.allow_expand
    finally:
        graph.close()
