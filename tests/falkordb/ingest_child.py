"""A writer process for the kill -9 tests: `python -m tests.falkordb.ingest_child URL N SEED
[staged]` ingests a synthetic estate of N assets into the FalkorDB graph at URL, printing
"writing" just before it starts; with `staged`, by the staged path of large writes
(mlg.store.falkordb.writes), in small batches."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from mlg.store.falkordb import open_falkordb
from mlg.synthetic import synthetic_batch
from mlg.validation import GraphLookup, validate


class StoreLookup(GraphLookup):
    """What validation asks of the graph, answered by a store."""

    def __init__(self, store):
        self.store = store

    def asset_kinds(self, ids):
        return self.store.asset_kinds(ids)

    def owner_ids(self, ids):
        return self.store.owner_ids(ids)

    def edges(self):
        table = self.store.all_edges()
        return table.column("source").to_pylist(), table.column("target").to_pylist()


def child_env() -> dict[str, str]:
    """The environment for a child process that imports this repository's tests and mlg."""
    repo = str(Path(__file__).resolve().parents[2])
    return {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [os.environ.get("PYTHONPATH"), repo]))}


def kill_while_writing(url: str, delay: float, *args: str) -> None:
    """Start this writer (`args`: N SEED [staged]) on the graph at `url`, let it write for
    `delay` seconds after it says "writing", then kill -9 it and wait for it to be gone."""
    repo = Path(__file__).resolve().parents[2]
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.falkordb.ingest_child", url, *args],
        cwd=repo,
        stdout=subprocess.PIPE,
        env=child_env(),
    )
    assert child.stdout is not None and child.stdout.readline().strip() == b"writing"
    time.sleep(delay)
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=60)


def ingest(store, batch):
    """Validate and write one batch (the path every ingest takes)."""
    return store.write_plan(validate(batch, StoreLookup(store)))


def main(url: str, n: int, seed: int, staged: bool = False) -> None:
    if staged:
        from mlg.store.falkordb import writes

        writes.STAGED_ABOVE, writes.STAGING_BATCH = 0, 50_000
    batch = synthetic_batch(n, seed=seed)
    with open_falkordb(url) as store:
        print("writing", flush=True)
        ingest(store, batch)
    print("done", flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:] == ["staged"])
