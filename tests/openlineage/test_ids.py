"""Unambiguous ids (issue 14): namespace and name kept apart, the schema 4 -> 5 upgrade
that re-keys a graph written with the old ids, and ids as people write them."""

from __future__ import annotations

import lzma
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import mlg
from mlg.cli.main import main
from mlg.errors import AmbiguousAsset
from mlg.openlineage import ingest_events
from mlg.qualified_ids import candidates, qualified_id, split_qualified, written_form
from mlg.schema import SCHEMA_VERSION
from tests.openlineage.conftest import dataset, run_event

SCHEMA4 = Path(__file__).parent / "schema4"

PAIRS = [
    ("s3://bucket", "dir/file.csv"),
    ("s3://bucket/dir", "file.csv"),
    ("a/x", "y"),
    ("a", "x/y"),
    ("s3:", "//b/x"),
    ("s3://", "b/x"),
    ("s3:", "/b"),
    ("file", "/warehouse/db.db/orders"),
    ("hive://metastore:9083", "db.orders"),
    ("%2F", "x"),
    ("/", "x"),
    ("", "/x"),
]


def test_no_two_names_share_an_id_and_each_id_gives_its_name_back():
    ids = [qualified_id("dataset", ns, name) for ns, name in PAIRS]
    assert len(set(ids)) == len(PAIRS)
    for (ns, name), asset_id in zip(PAIRS, ids):
        assert split_qualified(asset_id) == ("dataset", ns, name)
    # the usual namespaces keep the ids they always had
    assert qualified_id("dataset", "s3://bucket", "dir/file.csv") == "dataset:s3://bucket/dir/file.csv"
    assert qualified_id("workflow", "airflow", "etl.daily") == "workflow:airflow/etl.daily"
    assert qualified_id("dataset", "s3://bucket/dir", "file.csv") == "dataset:s3://bucket%2Fdir/file.csv"
    assert written_form("dataset:s3://bucket%2Fdir/file.csv") == "dataset:s3://bucket/dir/file.csv"
    assert written_form("model:churn%2Fv3") == "model:churn%2Fv3"  # not a qualified id
    assert "dataset:s3://bucket%2Fdir/file.csv" in candidates("s3://bucket/dir/file.csv")


def test_events_keep_colliding_names_apart_and_the_written_name_resolves(graph):
    events = [
        run_event(
            job="y",
            namespace="a/x",
            inputs=[dataset("s3://bucket", "dir/file.csv")],
            outputs=[dataset("s3://bucket/dir", "file.csv")],
        ),
        run_event(job="x/y", namespace="a", inputs=[dataset("s3://bucket/dir", "file.csv")]),
    ]
    ingest_events(graph, events)
    ids = set(graph.query("MATCH (a:Asset) RETURN a.id AS id")["id"])
    assert ids == {
        "dataset:s3://bucket/dir/file.csv",
        "dataset:s3://bucket%2Fdir/file.csv",
        "workflow:a%2Fx/y",
        "workflow:a/x/y",
    }
    assert graph.resolve("dataset:s3://bucket%2Fdir/file.csv").namespace == "s3://bucket/dir"
    assert graph.resolve("workflow:a%2Fx/y").name == "y"
    # as people write them: exact ids first, then the names a written form may stand for
    assert graph.resolve("dataset:s3://bucket/dir/file.csv").namespace == "s3://bucket"
    with pytest.raises(AmbiguousAsset) as raised:
        graph.resolve("s3://bucket/dir/file.csv")
    assert set(raised.value.candidates) == {
        "dataset:s3://bucket/dir/file.csv",
        "dataset:s3://bucket%2Fdir/file.csv",
    }
    assert graph.resolve("workflow:a/x/y").namespace == "a"  # the exact id
    with pytest.raises(AmbiguousAsset) as raised:
        graph.resolve("a/x/y")
    assert set(raised.value.candidates) == {"workflow:a/x/y", "workflow:a%2Fx/y"}
    ingest_events(graph, [run_event(job="t", inputs=[dataset("gs://b/p/q", "part-0")])])
    assert graph.resolve("gs://b/p/q/part-0").id == "dataset:gs://b%2Fp%2Fq/part-0"


def test_show_gives_the_id_as_people_write_it(graph, db_path):
    ingest_events(graph, [run_event(job="t", inputs=[dataset("s3://bucket/dir", "file.csv")])])
    graph.close()
    shown = CliRunner().invoke(main, ["--db", str(db_path), "show", "s3://bucket/dir/file.csv"])
    assert shown.exit_code == 0, shown.output
    lines = [line.split() for line in shown.output.splitlines()]
    assert ["id", "dataset:s3://bucket%2Fdir/file.csv"] in lines
    assert ["as", "written", "s3://bucket/dir/file.csv"] in lines
    as_json = CliRunner().invoke(
        main, ["--db", str(db_path), "show", "dataset:s3://bucket/dir/file.csv", "--format", "json"]
    )
    assert as_json.exit_code == 0, as_json.output
    assert '"dataset:s3://bucket%2Fdir/file.csv"' in as_json.output


# -- the upgrade of a graph written at schema 4 -----------------------------------------------


def schema4_graph(tmp_path: Path) -> Path:
    """The committed graph schema4/make_graph.py wrote with the mlg of schema 4."""
    target = tmp_path / "old.kuzu"
    for name in ("graph.kuzu", "graph.kuzu.search"):
        with (
            lzma.open(SCHEMA4 / f"{name}.xz") as packed,
            open(tmp_path / name.replace("graph", "old"), "wb") as out,
        ):
            shutil.copyfileobj(packed, out)
    return target


def shape(g: mlg.Graph) -> dict:
    """What the graph says, without the wall-clock times the runs of make_graph differ in."""
    q = lambda cypher: sorted(map(tuple, g.query(cypher).astype(str).values.tolist()))  # noqa: E731
    return {
        "assets": q(
            "MATCH (a:Asset) RETURN a.id, a.kind, a.namespace, a.name, a.description, a.version, "
            "a.props, a.retired_by"
        ),
        "edges": q("MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) RETURN a.id, b.id, e.type"),
        "retired": q("MATCH (a:Asset)-[e:RETIRED_DEPENDS_ON]->(b:Asset) RETURN a.id, b.id, e.type"),
        "owned": q("MATCH (a:Asset)-[o:OWNED_BY]->(w:Owner) RETURN a.id, w.id, o.role"),
        "runs": q("MATCH (r:Run)-[:RUN_OF]->(a:Asset) RETURN r.id, a.id, r.workflow, r.facets, r.state"),
        "io": q("MATCH (r:Run)-[e:RUN_IO]->(a:Asset) RETURN r.id, a.id, e.direction"),
        # physical identifiers (mlg.lifecycle.identity) are written by ingest; a graph
        # upgraded from schema 4 has them from its next ingest on
        "aliases": q("MATCH (x:AssetAlias) WHERE NOT x.id STARTS WITH 'physical:' RETURN x.id, x.asset"),
        "history": q("MATCH (h:AssetHistory) RETURN h.asset, h.description, h.props"),
    }


def test_a_schema4_graph_is_re_keyed_as_todays_ingest_would_key_it(tmp_path):
    from tests.openlineage.schema4.make_graph import main as make_graph

    old = schema4_graph(tmp_path)
    with mlg.open(old, read_only=True) as g:  # read as it is: the old ids
        assert g.store.schema_version == 4
        assert g.get("dataset:s3://lake/raw/events.parquet") is not None
    fresh = tmp_path / "fresh.kuzu"
    manifest = tmp_path / "manifest.yaml"  # the manifest, naming today's ids
    manifest.write_text(
        (SCHEMA4 / "manifest.yaml")
        .read_text()
        .replace("s3://lake/curated/events", "s3://lake%2Fcurated/events")
    )
    make_graph(str(fresh), manifest)  # the same events and retirement, with today's ids
    with mlg.open(old) as g, mlg.open(fresh, read_only=True) as today:
        assert g.store.schema_version == SCHEMA_VERSION == 6
        upgraded = shape(g)
        assert upgraded == shape(today)
        ids = {row[0] for row in upgraded["assets"]}
        assert "dataset:s3://lake%2Fraw/events.parquet" in ids
        assert "dataset:s3://lake/raw/events.parquet" not in ids
        assert "workflow:spark%2Fprod/load_events" in ids and "dataset:s3://lake/ref/countries.csv" in ids
        assert ("dataset:s3://lake%2Fcurated2/events_v", "dataset:s3://lake%2Fcurated/events") in upgraded[
            "aliases"
        ]
        # what refers to them follows: lineage, runs with their versions, owners, search
        assert "model:ranker" in g.lineage("dataset:s3://lake%2Fraw/events.parquet", direction="down").ids
        used = [
            (u.run.id[-4:], u.direction, u.version) for u in g.dataset_runs("s3://lake/raw/events.parquet")
        ]
        assert used == [("a002", "input", "4"), ("a001", "input", "3")]
        assert [o.id for o in g.owners("hdfs://nn:8020/warehouse/db.events")] == ["team:data-eng"]
        assert [h.asset.id for h in g.search("events.parquet")] == ["dataset:s3://lake%2Fraw/events.parquet"]
        assert g.get("workflow:spark%2Fprod/load_events").props["parent"] == "workflow:spark%2Fprod/nightly"
        assert (
            g.resolve("dataset:file//warehouse/db.db/events").id
            == "dataset:hdfs://nn:8020%2Fwarehouse/db.events"
        )
        # the same events again change nothing; the name the old ids merged into it is
        # an asset of its own
        events = [line for line in (SCHEMA4 / "events.jsonl").read_text().splitlines() if line]
        import json

        again = ingest_events(g, [json.loads(e) for e in events])
        assert not again.changed, again
        ingest_events(g, [run_event(job="other", inputs=[dataset("s3://lake", "raw/events.parquet")])])
        assert g.get("dataset:s3://lake/raw/events.parquet").namespace == "s3://lake"
        assert g.get("dataset:s3://lake%2Fraw/events.parquet").namespace == "s3://lake/raw"


def test_an_upgrade_cut_short_resumes_where_it_stopped(tmp_path, monkeypatch):
    from mlg.errors import GraphError
    from mlg.store.kuzu import qualified_upgrade

    old = schema4_graph(tmp_path)
    with mlg.open(old, read_only=True) as g:
        before = shape(g)

    def crash(conn, rekeyed):
        raise RuntimeError("the machine went down")

    with monkeypatch.context() as patched:  # the third of the four transactions fails
        patched.setattr(qualified_upgrade, "_delete_old", crash)
        with pytest.raises(GraphError, match="the machine went down"):
            mlg.open(old)
    with mlg.open(old, read_only=True) as g:
        assert g.store.schema_version == 4  # not upgraded yet: the new rows are there too
        assert g.get("dataset:s3://lake/raw/events.parquet") is not None
        assert g.get("dataset:s3://lake%2Fraw/events.parquet") is not None
    with mlg.open(old) as g:  # resumes with the phase that failed
        assert g.store.schema_version == SCHEMA_VERSION
        after = shape(g)
    renamed = {row[0] for row in before["assets"]} - {row[0] for row in after["assets"]}
    assert len(renamed) == 9 and len(after["assets"]) == len(before["assets"])
    assert len(after["edges"]) == len(before["edges"]) and len(after["io"]) == len(before["io"])
    assert not {row[0] for row in after["edges"]} & renamed
