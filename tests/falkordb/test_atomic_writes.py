"""An ingest on FalkorDB is all or nothing: a writer killed (kill -9) at any moment of its
ingest leaves the graph as it was before, or as it is after the whole ingest."""

from __future__ import annotations

from mlg.store.falkordb import open_falkordb
from mlg.synthetic import synthetic_batch
from tests.falkordb.ingest_child import ingest, kill_while_writing


def _content(url: str) -> tuple:
    """Everything the graph holds (rows, edges, ownerships) and its generation."""
    with open_falkordb(url, read_only=True) as store:
        assets = store.index_assets(None).sort_by("id")
        ids = assets.column("id").to_pylist()
        edges = sorted(tuple(r.values()) for r in store.edges_among(ids).to_pylist())
        owned = sorted(store.ownerships(ids).items())
        return len(ids), assets.to_pylist(), edges, owned, store.state().generation


def test_a_writer_killed_mid_ingest_leaves_the_old_or_the_new_graph(falkordb_url):
    with open_falkordb(falkordb_url) as store:
        ingest(store, synthetic_batch(600, seed=1))
    before = _content(falkordb_url)
    # the same estate with another seed: new assets, so "after" differs from "before"
    outcomes = []
    for delay in (0.0, 0.05, 0.15, 0.3, 0.6, 1.0, 1.5):
        kill_while_writing(falkordb_url, delay, "3000", "7")
        now = _content(falkordb_url)
        if now == before:
            outcomes.append("old")
            continue
        # the whole ingest or nothing: compare with a complete ingest of the same input
        assert now[-1] == before[-1] + 1, f"killed after {delay} s: generation {now[-1]}, was {before[-1]}"
        outcomes.append("new")
        break
    print("outcomes by delay:", outcomes)
    # whatever was left, one more complete ingest of the same input ends in the same graph
    with open_falkordb(falkordb_url) as store:
        ingest(store, synthetic_batch(3000, seed=7))
    complete = _content(falkordb_url)
    if outcomes[-1] == "new":
        assert now[:-1] == complete[:-1], "a killed writer left a partial graph"
    assert complete[0] > before[0]
