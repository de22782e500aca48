"""A process killed (kill -9) in the middle of a large ingest leaves a usable graph
holding either the old or the new content, never a mixture."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import mlg
from mlg.manifest import ndjson_chunks

INGESTER = textwrap.dedent("""
    import sys
    import mlg
    from mlg.batch import Batch

    n = int(sys.argv[2])
    assets = [{"id": f"big{i}", "kind": "dataset", "description": "x" * 50,
               "derived_from": [f"big{i - 1}"] if i else ["old0"]} for i in range(n)]
    g = mlg.open(sys.argv[1])

    def progress(stage, done, total):
        print(stage, flush=True)

    g.ingest_batch(Batch.from_records(assets=assets), progress=progress)
    print("finished", flush=True)
""")


@pytest.mark.parametrize("delay", [0.0, 0.3, 1.0, 2.0])
def test_kill_during_large_ingest(tmp_path, delay):
    path = tmp_path / "graph.kuzu"
    with mlg.open(path) as g:
        g.ingest_batch(
            mlg.batch.Batch.from_records(
                assets=[{"id": "old0", "kind": "dataset"}, {"id": "old1", "kind": "dataset"}]
            )
        )
    n = 60_000
    proc = subprocess.Popen(
        [sys.executable, "-c", INGESTER, str(path), str(n)], stdout=subprocess.PIPE, text=True
    )
    # wait until the write phase has begun, then kill without warning
    for line in proc.stdout:
        if line.startswith("writing"):
            break
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()

    with mlg.open(path) as g:
        stats = g.stats()
        assets, relations = stats.assets, stats.relations
        assert (assets, relations) in {(2, 0), (2 + n, n)}, (assets, relations)
        assert g.get("old0") is not None and g.get("old1") is not None
        if assets > 2:
            assert g.get(f"big{n - 1}") is not None
        # and the graph still takes writes
        g.ingest_batch(mlg.batch.Batch.from_records(assets=[{"id": "after", "kind": "dataset"}]))
        assert g.get("after") is not None


BULK_INGESTER = textwrap.dedent("""
    import os, sys, time
    import mlg
    from mlg.manifest import ndjson_chunks
    from mlg.store.kuzu import bulk, database

    graph, records, point = sys.argv[1:4]

    def pause(name):
        if name == point:
            print(name, flush=True)
            time.sleep(120)

    written = []
    real_write = bulk.BulkWriter.write

    def write(self, plan, progress=None):
        real_write(self, plan, progress)
        written.append(plan)
        if len(written) == 3:
            pause("chunk")

    real_replace = os.replace

    def replace(source, target):
        swapping = str(source).endswith(bulk.SUFFIX)
        if swapping:
            pause("before-swap")
        real_replace(source, target)
        if swapping:
            pause("after-swap")

    bulk.BulkWriter.write = write
    database.os.replace = replace
    with mlg.open(graph) as g:
        g.ingest_chunks(ndjson_chunks([records], size=25))
    print("finished", flush=True)
""")


@pytest.mark.parametrize("point", ["chunk", "before-swap", "after-swap"])
def test_kill_during_a_bulk_ingest(tmp_path, point):
    """The bulk path into an empty graph (mlg.store.kuzu.bulk) killed at several points:
    the graph opens, holds nothing or everything, and its search index agrees."""
    import json

    path, records, n = tmp_path / "graph.kuzu", tmp_path / "estate.mlg.ndjson", 300
    lines = [{"source": "test"}, {"owner": {"id": "team-a", "kind": "team", "name": "A"}}]
    for i in range(n):
        lines.append({"asset": {"id": f"ds{i}", "kind": "dataset", "owners": ["team-a"]}})
        if i:
            lines.append({"relation": {"from": f"ds{i}", "to": f"ds{i - 1}", "type": "derived_from"}})
    records.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    with mlg.open(path) as g:
        assert not g.search("ds7")  # the empty graph's index, on disk beside it
    proc = subprocess.Popen(
        [sys.executable, "-c", BULK_INGESTER, str(path), str(records), point],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == point
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()

    complete = point == "after-swap"
    with mlg.open(path) as g:
        assert g.stats().assets == (n if complete else 0)
        assert [h.asset.id for h in g.search("ds7")][:1] == (["ds7"] if complete else [])
        if complete:
            assert len(g.upstream(f"ds{n - 1}").assets) == n
        else:  # the next bulk ingest clears the killed run's file and takes its place
            g.ingest_chunks(ndjson_chunks([records], size=40))
            assert g.stats().assets == n and [h.asset.id for h in g.search("ds7")][:1] == ["ds7"]
    assert not list(tmp_path.glob("*.building*"))
