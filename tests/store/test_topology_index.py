"""The Kuzu store's topology index: persisted beside the graph, memory-mapped, and never
stale: a write by another process between two queries is seen by the next query."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np

import mlg
from mlg.batch import Batch
from mlg.store.kuzu import topology
from mlg.store.kuzu.topology import SUFFIX, current


def _chain(graph, ids: list[str]) -> None:
    graph.ingest_batch(
        Batch.from_records(
            assets=[{"id": i, "kind": "dataset"} for i in ids],
            relations=[{"from": a, "to": b, "type": "derived_from"} for a, b in zip(ids[1:], ids)],
        )
    )


def test_index_is_saved_beside_the_graph_and_memory_mapped(tmp_path: Path):
    path = tmp_path / "g.kuzu"
    with mlg.open(path) as graph:
        _chain(graph, ["dataset:a", "dataset:b", "dataset:c"])
        assert set(graph.upstream("dataset:c").ids) == {"dataset:a", "dataset:b", "dataset:c"}
    assert (tmp_path / f"g.kuzu{SUFFIX}" / "meta.json").is_file()
    with mlg.open(path) as graph:
        index = current(graph.store)
        assert isinstance(index.topology.forward.targets, np.memmap)
        assert set(graph.upstream("dataset:c").ids) == {"dataset:a", "dataset:b", "dataset:c"}


def test_a_write_in_this_process_is_seen_by_the_next_query(tmp_path: Path):
    with mlg.open(tmp_path / "g.kuzu") as graph:
        _chain(graph, ["dataset:a", "dataset:b"])
        assert set(graph.upstream("dataset:b").ids) == {"dataset:a", "dataset:b"}
        _chain(graph, ["dataset:z", "dataset:a"])
        assert set(graph.upstream("dataset:b").ids) == {"dataset:z", "dataset:a", "dataset:b"}
        assert graph.path_between("dataset:b", "dataset:z").hops == 2


def test_a_write_by_another_process_is_seen_by_the_next_query(tmp_path: Path):
    path = tmp_path / "g.kuzu"
    with mlg.open(path) as graph:
        _chain(graph, ["dataset:a", "dataset:b"])
        assert set(graph.downstream("dataset:a").ids) == {"dataset:a", "dataset:b"}
        generation = current(graph.store).generation
    # another process adds a dependent, writing through Cypher (which leaves our index alone)
    script = textwrap.dedent(
        f"""
        import mlg
        with mlg.open({str(path)!r}) as graph:
            graph.store.mark_untracked()
            graph.store.cypher(
                "MATCH (b:Asset {{id: 'dataset:b'}}) CREATE (c:Asset {{id: 'dataset:c', kind: 'dataset', "
                "name: 'c'}})-[:DEPENDS_ON {{type: 'derived_from'}}]->(b)",
                write=True,
            )
        """
    )
    subprocess.run([sys.executable, "-c", script], check=True)
    with mlg.open(path) as graph:
        assert set(graph.downstream("dataset:a").ids) == {"dataset:a", "dataset:b", "dataset:c"}
        assert graph.path_between("dataset:c", "dataset:a").hops == 2
        assert current(graph.store).generation > generation


def test_edges_among_from_the_index_equal_kuzus(tmp_path: Path):
    import random

    from mlg.store.kuzu import closures, topology

    ids = [f"dataset:n{i:03d}" for i in range(300)]
    rng = random.Random(7)
    pairs = {(ids[i], ids[i - 1]) for i in range(1, 300)} | {
        (ids[a], ids[b])
        for a, b in ((rng.randrange(1, 300), rng.randrange(300)) for _ in range(300))
        if a > b
    }
    with mlg.open(tmp_path / "g.kuzu") as graph:
        graph.ingest_batch(
            Batch.from_records(
                assets=[{"id": i, "kind": "dataset"} for i in ids],
                relations=[{"from": a, "to": b, "type": "derived_from"} for a, b in pairs],
            )
        )
        index = current(graph.store)
        for asked in (rng.sample(ids, 12) + ["dataset:nobody"], ids + ["dataset:nobody"]):
            assert len(asked) > topology.FEW_IDS or len(asked) < 20
            ours = {tuple(r.values()) for r in topology.induced_edges(index, asked).to_pylist()}
            kuzus = {tuple(r.values()) for r in closures.edges_among(graph.store, asked).to_pylist()}
            assert ours == kuzus and (ours or len(asked) < 20)


def _cypher_closure(graph, root: str) -> tuple[set, set]:
    from mlg.store.kuzu import closures

    found = closures.closure(graph.store, root, "down", depth=100)
    return set(found.assets.column("id").to_pylist()), {tuple(r.values()) for r in found.edges.to_pylist()}


def _index_closure(graph, root: str) -> tuple[set, set]:
    index = current(graph.store)
    found = topology.closure(graph.store, index, root, "down", depth=100, types=None, owners=False)
    return set(found.assets.column("id").to_pylist()), {tuple(r.values()) for r in found.edges.to_pylist()}


def test_retire_and_restore_bump_the_generation_and_are_seen_by_the_next_walk(tmp_path: Path):
    with mlg.open(tmp_path / "g.kuzu") as graph:
        _chain(graph, ["dataset:a", "dataset:b", "dataset:c"])
        assert set(graph.downstream("dataset:a").ids) == {"dataset:a", "dataset:b", "dataset:c"}
        seen = current(graph.store).generation
        graph.retire("dataset:b")
        index = current(graph.store)
        assert index.generation > seen
        assert set(graph.downstream("dataset:a").ids) == {"dataset:a"}
        assert not graph.path_between("dataset:a", "dataset:c").found
        assert graph.store.assets(["dataset:b", "dataset:c"])["dataset:b"].retired  # a look-up still finds it
        everything = {"dataset:a", "dataset:b", "dataset:c"}
        assert set(graph.downstream("dataset:a", include_retired=True).ids) == everything
        assert _index_closure(graph, "dataset:a") == _cypher_closure(graph, "dataset:a")
        seen = index.generation
        graph.restore("dataset:b")
        assert current(graph.store).generation > seen
        assert "dataset:b" in graph.downstream("dataset:a", include_retired=True).ids
        assert _index_closure(graph, "dataset:a") == _cypher_closure(graph, "dataset:a")


def test_a_retirement_by_another_process_is_seen_by_the_next_query(tmp_path: Path):
    path = tmp_path / "g.kuzu"
    with mlg.open(path) as graph:
        _chain(graph, ["dataset:a", "dataset:b", "dataset:c"])
        assert set(graph.downstream("dataset:a").ids) == {"dataset:a", "dataset:b", "dataset:c"}
        script = f"import mlg\nwith mlg.open({str(path)!r}) as g:\n    g.retire('dataset:c')\n"
        graph.close()
    subprocess.run([sys.executable, "-c", script], check=True)
    with mlg.open(path) as graph:
        assert set(graph.downstream("dataset:a").ids) == {"dataset:a", "dataset:b"}
        assert _index_closure(graph, "dataset:a") == _cypher_closure(graph, "dataset:a")


_REBUILDER = """
import sys
import mlg
from mlg.batch import Batch
from mlg.store.kuzu import topology
with mlg.open(sys.argv[1]) as graph:
    folder = graph.store.derived_path(topology.SUFFIX)
    for i in range(10_000):
        new = f"dataset:k{sys.argv[2]}-{i}"
        graph.ingest_batch(Batch.from_records(
            assets=[{"id": new, "kind": "dataset"}],
            relations=[{"from": new, "to": "dataset:n00000", "type": "derived_from"}],
        ))
        topology._build(graph.store, folder)
        print(i, flush=True)
"""


def test_kill_9_during_an_index_update_leaves_a_graph_and_an_index_that_agree(tmp_path: Path):
    import random
    import signal
    import time

    path = tmp_path / "g.kuzu"
    ids = [f"dataset:n{i:05d}" for i in range(20_000)]
    rng = random.Random(3)
    with mlg.open(path) as graph:
        graph.ingest_batch(
            Batch.from_records(
                assets=[{"id": i, "kind": "dataset"} for i in ids],
                relations=[
                    {"from": ids[i], "to": ids[rng.randrange(i)], "type": "derived_from"}
                    for i in range(1, len(ids))
                ],
            )
        )
    folder = Path(f"{path}{SUFFIX}")
    mid_save = 0
    for attempt in range(12):
        child = subprocess.Popen(
            [sys.executable, "-c", _REBUILDER, str(path), str(attempt)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout.readline()  # one write and one build done: the next ones are under way
        time.sleep(rng.uniform(0.0, 0.6))
        child.send_signal(signal.SIGKILL)
        child.wait()
        mid_save += any(folder.parent.glob(f"{folder.name}.tmp-*"))
        with mlg.open(path) as graph:
            index = current(graph.store)
            assert index.generation == graph.store.state().generation
            assert _index_closure(graph, "dataset:n00000") == _cypher_closure(graph, "dataset:n00000")
        if mid_save >= 2:
            break
    assert mid_save, "no kill landed while the index was being saved"
