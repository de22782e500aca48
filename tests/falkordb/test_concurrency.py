"""What Kuzu cannot give: on one FalkorDB graph an explorer and a notebook read while
another process ingests, and they see the ingest once it is committed."""

from __future__ import annotations

import subprocess
import sys
import threading
import time

from mlg.store.falkordb import open_falkordb
from mlg.synthetic import synthetic_estate
from tests.conftest import REPO
from tests.falkordb.ingest_child import child_env, ingest


def test_an_explorer_and_a_notebook_read_while_another_process_ingests(falkordb_url):
    estate = synthetic_estate(800, seed=3)
    with open_falkordb(falkordb_url) as store:
        ingest(store, estate.batch)
        before = store.stats().assets
    hub = estate.landmarks.hub_dataset
    model = estate.landmarks.typical_model
    stop = threading.Event()
    errors: list[BaseException] = []
    seen: dict[str, list[tuple[float, int]]] = {"explorer": [], "notebook": []}

    def explorer() -> None:  # a tree view: one level of neighbours with counts, then the next
        with open_falkordb(falkordb_url, read_only=True) as store:
            while not stop.is_set():
                try:
                    level = store.counted_neighbours(hub, "down", kinds=None, limit=50)
                    for child in level.neighbours[:3]:
                        store.counted_neighbours(child.id, "down", kinds=None, limit=50)
                    seen["explorer"].append((time.monotonic(), store.stats().assets))
                except BaseException as exc:  # noqa: BLE001 - every failure is the test's finding
                    errors.append(exc)
                    return

    def notebook() -> None:  # a lineage diagram: a whole closure with owners, as Arrow
        with open_falkordb(falkordb_url, read_only=True) as store:
            while not stop.is_set():
                try:
                    closure = store.closure(model, "up", depth=10_000)
                    assert closure.assets.num_rows == estate.upstream_count(model)
                    seen["notebook"].append((time.monotonic(), len(store.index_assets(None))))
                except BaseException as exc:  # noqa: BLE001
                    errors.append(exc)
                    return

    readers = [threading.Thread(target=explorer), threading.Thread(target=notebook)]
    for reader in readers:
        reader.start()
    started = time.monotonic()
    writer = subprocess.run(
        [sys.executable, "-m", "tests.falkordb.ingest_child", falkordb_url, "4000", "11"],
        cwd=REPO,
        capture_output=True,
        timeout=300,
        env=child_env(),
    )
    finished = time.monotonic()
    time.sleep(0.5)
    stop.set()
    for reader in readers:
        reader.join(timeout=60)
    assert writer.returncode == 0, writer.stderr.decode()[-2000:]
    assert not errors, errors[0]
    with open_falkordb(falkordb_url, read_only=True) as store:
        total = store.stats().assets
    for name, reads in seen.items():
        during = [n for t, n in reads if started <= t <= finished]
        assert during, f"the {name} made no read while the ingest ran"
        assert reads[-1][1] == total, f"the {name} did not see the committed ingest"
        # never a half-written graph: before the commit the old count, after it the new
        assert {n for _, n in reads} <= {before, total}
