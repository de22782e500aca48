"""Order-independence: any permutation and any split of a stream into ingest calls
gives the same graph (the newest eventTime wins each field; DESIGN §2)."""

from __future__ import annotations

import json
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlg
from mlg.openlineage import ingest_events
from tests.openlineage.conftest import SPARK, dataset, facet, run_event


def doc(text: str) -> dict:
    return {"documentation": facet("DocumentationDatasetFacet", description=text)}


def schema(*names: str) -> dict:
    return {"schema": facet("SchemaDatasetFacet", fields=[{"name": n, "type": "string"} for n in names])}


def version(v: str) -> dict:
    return {"version": facet("DatasetVersionDatasetFacet", datasetVersion=v)}


def symlink(ns: str, name: str) -> dict:
    ident = [{"namespace": ns, "name": name, "type": "TABLE"}]
    return {"symlinks": facet("SymlinksDatasetFacet", identifiers=ident)}


def _t(minute: int) -> str:
    return f"2024-05-01T10:{minute:02d}:00Z"


def stream() -> list[dict]:
    """A small mixed stream: late events with older descriptions and schemas, a MERGE,
    a cycle between two jobs, runs in parts, a physical path with a TABLE symlink and the
    table seen on its own, equal event times with different values."""
    orders, raw = ("hive://ms", "db.orders"), ("s3://lake", "raw/orders")
    path_orders = dataset("file", "/warehouse/db.db/orders", **symlink(*orders))
    return [
        run_event("START", _t(1), run="r1", job="load", inputs=[dataset(*raw, **doc("raw v1"))]),
        run_event(
            "COMPLETE",
            _t(5),
            run="r1",
            job="load",
            inputs=[dataset(*raw, **doc("raw v2"), **schema("id", "amount"))],
            outputs=[dataset(*orders, **version("3"))],
        ),
        # late: an older description and schema of raw arrive after the newer ones
        run_event("COMPLETE", _t(0), run="r0", job="load", inputs=[dataset(*raw, **schema("id"))]),
        # a MERGE into orders (reads and writes it) by Spark, through the physical path
        run_event(
            "COMPLETE",
            _t(9),
            run="r2",
            job="merge_orders",
            namespace="spark",
            producer=SPARK,
            inputs=[path_orders],
            outputs=[dataset("file", "/warehouse/db.db/orders", **symlink(*orders), **version("4"))],
        ),
        # the physical path seen alone, before any event linked it to the table
        run_event(
            "COMPLETE",
            _t(2),
            run="r5",
            job="compact",
            namespace="spark",
            producer=SPARK,
            outputs=[dataset("file", "/warehouse/db.db/orders")],
        ),
        # a cycle: orders -> report -> orders
        run_event(
            "COMPLETE",
            _t(7),
            run="r3",
            job="report",
            inputs=[dataset(*orders)],
            outputs=[dataset("s3://lake", "report", **doc("b"))],
        ),
        run_event(
            "COMPLETE",
            _t(7),
            run="r4",
            job="feedback",
            inputs=[dataset("s3://lake", "report", **doc("a"))],
            outputs=[dataset(*orders)],
        ),
    ]


def dump(g: mlg.Graph) -> str:
    """What the graph holds, without what the wall clock decides (updated_at, gen)."""
    assets = g.store.rows(
        "MATCH (a:Asset) RETURN a.id, a.kind, a.name, a.namespace, a.version, a.description, "
        "a.tags, a.props, a.created_at ORDER BY a.id"
    )
    edges = g.store.rows(
        "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) RETURN a.id, b.id, e.type, e.source, "
        "e.first_seen, e.last_seen ORDER BY a.id, b.id, e.type"
    )
    runs = g.store.rows("MATCH (r:Run)-[:RUN_OF]->(w:Asset) RETURN r.*, w.id ORDER BY r.id")
    io = g.store.rows(
        "MATCH (r:Run)-[l:RUN_IO]->(a:Asset) RETURN r.id, a.id, l.direction ORDER BY r.id, a.id, l.direction"
    )
    aliases = g.store.rows("MATCH (x:AssetAlias) RETURN x.id, x.asset ORDER BY x.id")
    owners = g.store.rows(
        "MATCH (a:Asset)-[o:OWNED_BY]->(w:Owner) RETURN a.id, w.id, o.role ORDER BY a.id, w.id"
    )
    return json.dumps([assets, edges, runs, io, aliases, owners], default=str, indent=1)


def ingest_in(path, parts: list[list[dict]]) -> str:
    with mlg.open(path) as g:
        for part in parts:
            ingest_events(g, part)
        return dump(g)


def test_one_call_in_time_order_is_what_a_data_engineer_expects(tmp_path):
    with mlg.open(tmp_path / "g.kuzu") as g:
        ingest_events(g, stream())
        raw = g.get("dataset:s3://lake/raw/orders")
        assert raw.description == "raw v2"
        assert [f["name"] for f in raw.props["fields"]] == ["id", "amount"]
        assert "_times" not in raw.props
        assert g.get("dataset:s3://lake/report").description == "b"  # same instant: the larger
        # the path and the table, both seen alone, are one asset once a symlink links them
        orders = g.resolve("dataset:hive://ms/db.orders")
        assert g.resolve("dataset:file//warehouse/db.db/orders").id == orders.id
        writers = {e.target for e in g.lineage(orders.id, "up", depth=1).relations if e.source == orders.id}
        assert writers == {
            "workflow:airflow/load",
            "workflow:spark/merge_orders",
            "workflow:spark/compact",
            "workflow:airflow/feedback",
        }
        assert orders.version == "4"


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 2**32 - 1), cuts=st.sets(st.integers(1, 6), max_size=6))
def test_any_permutation_and_split_gives_the_same_graph(tmp_path_factory, seed, cuts):
    events = stream()
    expected = ingest_in(tmp_path_factory.mktemp("one") / "g.kuzu", [events])
    shuffled = list(events)
    random.Random(seed).shuffle(shuffled)
    bounds = [0, *sorted(cuts), len(shuffled)]
    parts = [shuffled[a:b] for a, b in zip(bounds, bounds[1:]) if shuffled[a:b]]
    assert ingest_in(tmp_path_factory.mktemp("split") / "g.kuzu", parts) == expected


def test_a_symlink_seen_after_both_names_merges_the_two_assets(tmp_path):
    """The issue's case: Spark's warehouse path and the Hive table were each seen alone;
    then Spark names the path with a TABLE symlink to the table: one asset, with both
    writers, both runs and the path as an alias, as if the symlink had come first."""
    hive = run_event(
        "COMPLETE",
        _t(1),
        run="h1",
        job="hive_load",
        outputs=[dataset("hive://ms", "db.orders", **doc("orders"))],
    )
    path = run_event(
        "COMPLETE",
        _t(2),
        run="s1",
        job="spark_write",
        namespace="spark",
        producer=SPARK,
        outputs=[dataset("file", "/warehouse/db.db/orders", **schema("id"))],
    )
    linked = run_event(
        "COMPLETE",
        _t(3),
        run="s2",
        job="spark_write",
        namespace="spark",
        producer=SPARK,
        outputs=[dataset("file", "/warehouse/db.db/orders", **symlink("hive://ms", "db.orders"))],
    )
    dumps = []
    for order in ([hive, path, linked], [linked, path, hive], [path, linked, hive]):
        with mlg.open(tmp_path / f"g{len(dumps)}.kuzu") as g:
            for event in order:
                ingest_events(g, [event])
            orders = g.resolve("dataset:file//warehouse/db.db/orders")
            assert orders.id == "dataset:hive://ms/db.orders"
            assert orders.description == "orders" and orders.props["fields"] == [
                {"name": "id", "type": "string"}
            ]
            assert orders.props["aliases"] == ["file//warehouse/db.db/orders"]
            writers = {
                e.target for e in g.lineage(orders.id, "up", depth=1).relations if e.source == orders.id
            }
            assert writers == {"workflow:airflow/hive_load", "workflow:spark/spark_write"}
            runs = {r.id: [a.id for a in r.outputs] for r in g.runs("workflow:spark/spark_write")}
            assert runs == {"s1": [orders.id], "s2": [orders.id]}
            assert g.get("dataset:file//warehouse/db.db/orders") is None
            dumps.append(dump(g))
    assert dumps[0] == dumps[1] == dumps[2]
