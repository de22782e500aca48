"""kill -9 during a sync (a real subprocess) leaves the old state or the new one."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest

import mlg
from mlg.batch import Batch
from tests.lifecycle.dialect import forever

N = 3_000  # assets of the source; the sync drops half of them and adds as many

SYNCER = textwrap.dedent("""
    import sys
    import mlg
    from mlg.batch import Batch

    n = int(sys.argv[2])
    keep = [{"id": f"a{i}", "kind": "dataset", "derived_from": [f"a{i - 1}"] if i else []}
            for i in range(0, n, 2)]
    fresh = [{"id": f"new{i}", "kind": "dataset", "derived_from": ["a0"]} for i in range(n // 2)]
    g = mlg.open(sys.argv[1])

    def progress(stage, done, total):
        print(stage, flush=True)

    g.ingest_batch(Batch.from_records(assets=keep + fresh, source="team"), progress=progress, sync=True)
    print("finished", flush=True)
""")


def alive(g: mlg.Graph) -> set[str]:
    return set(g.query(f"MATCH (a:Asset) WHERE a.valid_to = {forever(g)} RETURN a.id AS id")["id"])


@pytest.mark.parametrize("delay", [0.0, 0.5, 1.5, 30.0])
def test_kill_during_a_sync_leaves_old_or_new_state(db_path, delay):
    """Killed once the write starts (Kuzu: its statements run; FalkorDB: its MULTI/EXEC is
    being sent), a little later, or after it finished."""
    path = db_path
    chain = [{"id": f"a{i}", "kind": "dataset", "derived_from": [f"a{i - 1}"] if i else []} for i in range(N)]
    with mlg.open(path) as g:
        g.ingest_batch(Batch.from_records(assets=chain, source="team"), sync=True)
        g.ingest_batch(
            Batch.from_records(assets=[{"id": "other", "kind": "dataset"}], source="other"), sync=True
        )
        old = alive(g)
    new = {f"a{i}" for i in range(0, N, 2)} | {f"new{i}" for i in range(N // 2)} | {"other"}
    proc = subprocess.Popen(
        [sys.executable, "-c", SYNCER, str(path), str(N)], stdout=subprocess.PIPE, text=True
    )
    for line in proc.stdout:
        if line.startswith("writing") or line.startswith("finished"):
            break
    deadline = time.monotonic() + delay
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL) if proc.poll() is None else None
    proc.wait()

    with mlg.open(path) as g:
        now = alive(g)
        assert now in (old, new), (len(now), len(old), len(new))
        live = g.stats().relations
        if now == old:
            assert (
                live == N - 1
                and g.query("MATCH ()-[e:RETIRED_DEPENDS_ON]->() RETURN count(*) AS n")["n"][0] == 0
            )
        else:
            # every dropped odd asset took its edges with it; the even ones lost their chain
            assert live == N // 2
            assert g.get("a1").retired and not g.get("a2").retired
        # and the graph still takes a sync
        g.ingest_batch(
            Batch.from_records(assets=[{"id": "after", "kind": "dataset"}], source="late"), sync=True
        )
        assert "after" in alive(g)
