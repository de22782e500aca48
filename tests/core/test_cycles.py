"""Cycles are lineage (DESIGN §2): ingested, walked once per node, listed by the report."""

from __future__ import annotations

import random

from mlg.batch import Batch
from mlg.cycles import lineage_cycles

# a ring a -> b -> c -> a, a MERGE job m that reads and writes t, and t feeding a model
RECORDS = [
    {"id": "a", "kind": "dataset", "derived_from": ["b"]},
    {"id": "b", "kind": "dataset", "derived_from": ["c"]},
    {"id": "c", "kind": "dataset", "derived_from": ["a", "t"]},
    {"id": "t", "kind": "dataset", "produced_by": ["m"]},
    {"id": "raw", "kind": "dataset"},
    {"id": "m", "kind": "workflow", "reads": ["t", "raw"]},
    {"id": "model", "kind": "model", "trained_on": ["a"]},
]


def test_closures_impact_and_paths_visit_each_node_once(graph):
    graph.ingest_batch(Batch.from_records(assets=RECORDS))
    up = graph.upstream("model")
    ids = [a.id for a in up.assets]
    assert len(ids) == len(set(ids))
    assert set(ids) == {"model", "a", "b", "c", "t", "m", "raw"}
    down = graph.downstream("t")
    assert sorted(a.id for a in down.assets) == ["a", "b", "c", "m", "model", "t"]
    affected = [x.asset.id for x in graph.impact("t").affected]
    assert sorted(affected) == ["a", "b", "c", "m", "model"]  # t itself is not "affected"
    edges = [(e.source, e.target, e.type) for e in up.relations if not e.indirect]
    assert len(edges) == len(set(edges))
    assert ("m", "t", "reads") in edges and ("t", "m", "produced_by") in edges
    found = graph.path_between("model", "raw")
    assert found.paths and found.paths[0].assets == ("model", "a", "b", "c", "t", "m", "raw")
    report = graph.reuse_report()
    assert report.cycles == [("a", "b", "c"), ("m", "t")] and report.cycles_total == 2


def test_the_cycles_do_not_depend_on_edge_order():
    edges = [("a", "b"), ("b", "c"), ("c", "a"), ("t", "m"), ("m", "t"), ("s", "s"), ("c", "t")]
    expected = [("a", "b", "c"), ("m", "t"), ("s",)]
    for seed in range(5):
        random.Random(seed).shuffle(edges)
        assert lineage_cycles(edges) == expected
    assert lineage_cycles([("a", "b"), ("b", "c")]) == []
