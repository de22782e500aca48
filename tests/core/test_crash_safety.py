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
