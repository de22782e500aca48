"""Identity across sources: one physical dataset, one asset (mlg.lifecycle.identity)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlg
from mlg.batch import Batch
from mlg.connectors.identity import dataset_id, relation
from mlg.lifecycle.identity import identifiers, openlineage_id, physical_id, table_id
from mlg.qualified_ids import qualified_id


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("s3://Bucket/plays/", "s3://bucket/plays"),
        ("s3a://bucket//plays", "s3://bucket/plays"),
        ("s3n://bucket/plays/part-0.parquet", "s3://bucket/plays/part-0.parquet"),
        ("gcs://lake/raw/events", "gs://lake/raw/events"),
        ("gs://lake/raw/events/", "gs://lake/raw/events"),
        ("file:///data/plays.parquet", "file:///data/plays.parquet"),
        ("file:/data/./x/../plays.parquet", "file:///data/plays.parquet"),
        ("file://localhost/data/plays.parquet", "file:///data/plays.parquet"),
        ("/data/plays.parquet", "file:///data/plays.parquet"),
        ("dbfs:/mnt/raw/plays", "dbfs:/mnt/raw/plays"),
        ("hdfs://namenode:8020/warehouse/plays", "hdfs://namenode/warehouse/plays"),
        ("postgres://db.internal:5432/analytics.public.orders", "table:analytics.public.orders"),
        ("dataset:plays", None),
        ("plays.parquet", None),
        ("file://otherhost/data/x", None),
        ("", None),
    ],
)
def test_physical_identifiers_are_normalised(given, expected):
    assert physical_id(given) == expected


@pytest.mark.parametrize(
    ("relation", "expected"),
    [
        ('"ANALYTICS"."PUBLIC"."ORDERS"', "table:analytics.public.orders"),
        ("analytics.public.orders", "table:analytics.public.orders"),
        ("`my-project`.shop.orders", "table:my-project.shop.orders"),
        ("[dbo].[Orders]", "table:dbo.orders"),
        ("orders", None),
    ],
)
def test_table_names_are_normalised(relation, expected):
    assert table_id(relation) == expected


def test_openlineage_names():
    assert openlineage_id("s3://bucket", "plays") == "s3://bucket/plays"
    assert (
        openlineage_id("snowflake://acct.eu-west-1", "ANALYTICS.PUBLIC.ORDERS")
        == "table:analytics.public.orders"
    )
    assert openlineage_id("postgres://db:5432", "analytics.public.orders") == "table:analytics.public.orders"
    assert openlineage_id("bigquery", "proj.shop.orders") == "table:proj.shop.orders"
    assert openlineage_id("file", "/data/plays.parquet") == "file:///data/plays.parquet"


def ingest(graph, source, assets=(), relations=()):
    return graph.ingest_batch(
        Batch.from_records(assets=list(assets), relations=list(relations), source=source)
    )


def test_a_dataset_named_by_openlineage_carries_its_name_as_an_identifier_escaped_id_or_not():
    record = {"id": qualified_id("dataset", "s3://bucket", "dir/file.csv"), "namespace": "s3://bucket"}
    assert identifiers({**record, "name": "dir/file.csv"}) == ["s3://bucket/dir/file.csv"]
    # a namespace with a path in it is not the naming spec's: a name of its own, kept
    # apart from the spec's name of the same object (mlg.qualified_ids), claiming nothing
    odd = {"id": qualified_id("dataset", "s3://bucket/dir", "file.csv"), "namespace": "s3://bucket/dir"}
    assert identifiers({**odd, "name": "file.csv"}) == []
    # an id that is not the one OpenLineage would give this namespace and name: no claim
    other = {"id": "dataset:s3://bucket/dir/file.csv", "namespace": "s3://bucket/dir", "name": "file.csv"}
    assert identifiers(other) == []


def test_one_dataset_seen_by_five_systems_is_one_asset(graph):
    # a team's manifest names the dataset and says where it is
    ingest(
        graph,
        "manifest",
        [{"id": "dataset:plays", "kind": "dataset", "props": {"location": "s3a://Bucket/plays/"}}],
    )
    # OpenLineage (as mlg.openlineage maps it: id dataset:<namespace>/<name>)
    ingest(
        graph,
        "openlineage:spark",
        [
            {
                "id": "dataset:s3://bucket/plays",
                "kind": "dataset",
                "namespace": "s3://bucket",
                "name": "plays",
            },
            {"id": "workflow:etl", "kind": "workflow", "reads": ["dataset:s3://bucket/plays"]},
        ],
    )
    # MLflow: a run's source URI, as a model's trained_on target
    ingest(graph, "mlflow", [{"id": "model:ranker", "kind": "model", "trained_on": ["s3://bucket/plays"]}])
    # Feast: a feature view's batch source path
    ingest(
        graph,
        "feast",
        [{"id": "feature:plays_7d", "kind": "feature", "computed_from": ["s3://bucket/plays/"]}],
    )
    assert graph.stats().assets == 4  # plays, etl, ranker, plays_7d: no second dataset
    plays = graph.get("dataset:plays")
    assert set(plays.sources) == {"manifest", "openlineage:spark"}
    assert graph.get("dataset:s3://bucket/plays") is None
    assert set(graph.lineage("dataset:plays", "down").ids) == {
        "dataset:plays",
        "workflow:etl",
        "model:ranker",
        "feature:plays_7d",
    }


def test_a_warehouse_table_seen_by_dbt_and_openlineage(graph):
    ingest(
        graph,
        "dbt",
        [
            {
                "id": "dataset:shop.orders",
                "kind": "dataset",
                "props": {"relation_name": '"ANALYTICS"."PUBLIC"."ORDERS"'},
            }
        ],
    )
    ingest(
        graph,
        "openlineage:airflow",
        [
            {
                "id": "dataset:snowflake://acct/analytics.public.orders",
                "kind": "dataset",
                "namespace": "snowflake://acct",
                "name": "analytics.public.orders",
                "description": "orders, as Airflow sees them",
            }
        ],
    )
    assert graph.stats().assets == 1
    assert graph.get("dataset:shop.orders").description == "orders, as Airflow sees them"


def test_two_records_of_one_batch_with_one_location_are_one_asset(graph):
    same = {"kind": "dataset", "props": {"path": "/data/a.parquet"}}
    report = ingest(graph, "x", [{"id": "dataset:a", **same}, {"id": "dataset:file-a", **same}])
    assert report.assets_added == 1 and graph.get("dataset:file-a") is None
    # described twice differently: the usual clear conflict, naming both records
    other = {"kind": "dataset", "props": {"uri": "file:///data/b.parquet"}}
    with pytest.raises(mlg.IngestError, match="given twice with different content"):
        ingest(
            graph, "y", [{"id": "dataset:b", **other, "description": "x"}, {"id": "dataset:file-b", **other}]
        )


# Records of one batch naming physical datasets: two records of one location (an
# asset seen twice under two ids: the same content, or it would be a conflict), two of
# one warehouse table, references by an MLflow source URI and a Feast path.
PLAYS = {"kind": "dataset", "props": {"location": "s3a://Bucket/plays/"}}
ORDERS = {"kind": "dataset", "props": {"relation_name": '"ANALYTICS"."PUBLIC"."ORDERS"'}}
SHUFFLED = [
    {"id": "dataset:plays", **PLAYS},
    {"id": "dataset:lake-plays", **PLAYS},
    {"id": "dataset:orders-ol", **ORDERS},
    {"id": "dataset:orders", **ORDERS},
    {"id": "model:ranker", "kind": "model", "trained_on": ["s3://bucket/plays"]},
    {"id": "feature:plays_7d", "kind": "feature", "computed_from": ["s3://bucket/plays/"]},
    {"id": "dataset:events", "kind": "dataset", "props": {"location": "gs://lake/events"}},
]


def _identity_state(g: mlg.Graph) -> tuple:
    from mlg.lifecycle.history import state_at

    assets, edges = state_at(g, datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1))
    aliases = g.store.aliases_of(sorted(assets))
    return sorted(assets), sorted(edges), sorted(aliases.items())


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(range(len(SHUFFLED))), known=st.booleans())
def test_the_records_of_one_batch_give_the_same_assets_and_aliases_in_any_order(
    tmp_path_factory, order, known
):
    """Within a batch, identity does not depend on the records' order; `known`: the
    graph already holds one of the datasets under its own id (that id wins)."""
    results = []
    for records in (SHUFFLED, [SHUFFLED[i] for i in order]):
        with mlg.open(tmp_path_factory.mktemp("identity") / "g.kuzu") as g:
            if known:
                ingest(
                    g,
                    "earlier",
                    [{"id": "dataset:z-events", "kind": "dataset", "props": {"uri": "gs://lake/events/"}}],
                )
            ingest(g, "batch", records)
            results.append(_identity_state(g))
    assert results[0] == results[1]
    assets = results[0][0]
    # the graph's dataset:z-events is re-keyed into the stronger claimant dataset:events
    assert "dataset:events" in assets and "dataset:z-events" not in assets
    assert (("dataset:z-events", "dataset:events") in results[0][2]) == known
    assert "dataset:lake-plays" in assets and "dataset:orders" in assets  # the least ids
    assert not {"dataset:plays", "dataset:orders-ol"} & set(assets)
    assert ("model:ranker", "dataset:lake-plays", "trained_on") in results[0][1]


# -- across batches: each batch a different source, in any order ------------------------

PLAYS_OL = qualified_id("dataset", "s3://bucket", "plays")  # as mlg.openlineage.mapping names it
ORDERS_DBT = dataset_id(relation("duckdb", '"ANALYTICS"."PUBLIC"."ORDERS"'))  # as the dbt connector does


def _source_batches() -> dict[str, list[dict]]:
    """What each source says of two physical datasets (s3://bucket/plays and the table
    analytics.public.orders), in the record shapes its code path produces."""
    return {
        "team-manifest": [
            {"id": "dataset:plays", "kind": "dataset", "props": {"location": "s3a://Bucket/plays/"}},
            {"id": "dataset:orders", "kind": "dataset", "props": {"table": "analytics.public.orders"}},
        ],
        "openlineage:spark": [
            {"id": PLAYS_OL, "kind": "dataset", "namespace": "s3://bucket", "name": "plays"},
            {"id": "workflow:spark/etl", "kind": "workflow", "reads": [PLAYS_OL]},
            {
                "id": qualified_id("dataset", "postgres://db:5432", "analytics.public.orders"),
                "kind": "dataset",
                "namespace": "postgres://db:5432",
                "name": "analytics.public.orders",
                "produced_by": ["workflow:spark/etl"],
            },
        ],
        "dbt": [
            {
                "id": ORDERS_DBT,
                "kind": "dataset",
                "namespace": "duckdb",
                "name": "analytics.public.orders",
                "props": {"relation_name": '"ANALYTICS"."PUBLIC"."ORDERS"'},
            },
            {"id": "dataset:duckdb/analytics.public.daily", "kind": "dataset", "derived_from": [ORDERS_DBT]},
        ],
        "mlflow": [{"id": "model:ranker", "kind": "model", "trained_on": ["s3://bucket/plays"]}],
        "feast": [{"id": "feature:plays_7d", "kind": "feature", "computed_from": ["s3a://bucket/plays/"]}],
    }


def _cross_state(g: mlg.Graph) -> tuple:
    """Which assets there are (id, kind, sources), which edges, and which aliases."""
    from mlg.lifecycle.history import state_at

    assets, edges = state_at(g, datetime.now(UTC).replace(tzinfo=None) + timedelta(seconds=1))
    # A placeholder made by a reference keeps the referring source once described
    # (mlg.lifecycle.placeholders), whether or not identity is involved, so the sources
    # that only refer to a dataset (MLflow, Feast here) depend on the order: left out.
    referring = {"mlflow", "feast"}
    rows = sorted(
        (i, a["kind"], tuple(sorted(set(a["sources"]) - (referring if i.startswith("dataset:") else set()))))
        for i, a in assets.items()
    )
    return rows, sorted(edges), sorted(g.store.aliases_of(sorted(assets)).items())


def _expected_cross_state(tmp: Path) -> tuple:
    """The sources one after another in a fixed order, on Kuzu: the reference result."""
    batches = _source_batches()
    with mlg.open(tmp / "fixed.kuzu") as g:
        for source in sorted(batches):
            g.ingest_batch(Batch.from_records(assets=batches[source], source=source))
        return _cross_state(g)


@pytest.fixture(scope="module")
def cross_expected(tmp_path_factory) -> tuple:
    return _expected_cross_state(tmp_path_factory.mktemp("cross"))


_examples = iter(range(10**9))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(order=st.permutations(sorted(_source_batches())))
def test_batches_of_five_sources_give_the_same_assets_in_any_order(
    backend, request, tmp_path_factory, cross_expected, order
):
    """A manifest, OpenLineage, dbt, MLflow and Feast, each its own ingest, in any order:
    the same assets under the same ids (the canonical claimant: the manifest's declared
    ids), the same edges, sources and aliases - as if they had come in one batch."""
    tmp = tmp_path_factory.mktemp("order")
    target = tmp / "g.kuzu"
    if backend == "falkordb":
        from tests.store.conftest import _delete_graph

        server = request.getfixturevalue("falkordb_server")
        name = f"mlg_identity_order_{next(_examples)}"
        request.addfinalizer(lambda: _delete_graph(server, name))
        target = f"falkordb://{server.address}/{name}"
    batches = _source_batches()
    with mlg.open(target) as g:
        for source in order:
            g.ingest_batch(Batch.from_records(assets=batches[source], source=source))
        state = _cross_state(g)
        assert g.stats().assets == 6  # plays, orders, etl, daily, ranker, plays_7d
    assert state == cross_expected, order
    ids = [row[0] for row in state[0]]
    assert "dataset:plays" in ids and "dataset:orders" in ids
    assert ("model:ranker", "dataset:plays", "trained_on") in state[1]
    assert (PLAYS_OL, "dataset:plays") in state[2]


def test_a_re_keyed_asset_keeps_its_history(graph):
    """OpenLineage named the dataset first, and its description changed once; the
    manifest's declared id arrives later and the asset takes it with its past version,
    its edges, owner, sources and the old id as an alias."""
    import time

    ol = {"id": PLAYS_OL, "kind": "dataset", "namespace": "s3://bucket", "name": "plays"}
    graph.ingest_batch(
        Batch.from_records(
            assets=[
                {**ol, "description": "v1", "owners": ["team:data"]},
                {"id": "workflow:etl", "kind": "workflow", "reads": [PLAYS_OL]},
            ],
            owners=[{"id": "team:data", "kind": "team"}],
            source="openlineage:spark",
        )
    )
    time.sleep(0.01)
    first = datetime.now(UTC).replace(tzinfo=None)
    time.sleep(0.01)
    ingest(graph, "openlineage:spark", [{**ol, "description": "v2", "owners": ["team:data"]}])
    report = ingest(
        graph,
        "team",
        [
            {
                "id": "dataset:plays",
                "kind": "dataset",
                "description": "v2",
                "props": {"location": "s3://bucket/plays"},
            }
        ],
    )
    assert report.assets_added == 0  # the asset OpenLineage made, under its new id
    assert graph.get(PLAYS_OL) is None and graph.stats().assets == 2
    plays = graph.get("dataset:plays")
    assert set(plays.sources) == {"openlineage:spark", "team"}
    assert graph.resolve(PLAYS_OL).id == "dataset:plays"
    assert set(graph.lineage("dataset:plays", "down").ids) == {"dataset:plays", "workflow:etl"}
    assert [o.id for o in graph.store.owners_of(["dataset:plays"])["dataset:plays"]] == ["team:data"]
    # the version of before the second sync, under the new id
    then = graph.store.asset_at("dataset:plays", first)
    assert then is not None and then.description == "v1"
    assert graph.store.asset_at(PLAYS_OL, first) is None


def test_a_re_key_is_not_a_merge_of_two_assets(graph):
    """A stronger claimant the graph already holds under its own id (without the
    location) does not swallow the asset that has the location: two histories are not
    joined. The records go to the graph's holder of the identifier, as before."""
    ingest(graph, "ol", [{"id": PLAYS_OL, "kind": "dataset", "namespace": "s3://bucket", "name": "plays"}])
    ingest(graph, "team", [{"id": "dataset:plays", "kind": "dataset"}])
    ingest(
        graph,
        "team",
        [{"id": "dataset:plays", "kind": "dataset", "props": {"location": "s3://bucket/plays"}}],
    )
    assert graph.get(PLAYS_OL) is not None and graph.get("dataset:plays") is not None


def _spark_event(minute: int) -> dict:
    """A real OpenLineage RunEvent (as the openlineage-python client writes one): a Spark
    job reading namespace s3://bucket, name plays."""
    return {
        "eventType": "COMPLETE",
        "eventTime": f"2026-11-30T06:{minute:02d}:00Z",
        "run": {"runId": f"01890000-0000-7000-8000-0000000000{minute:02d}"},
        "job": {"namespace": "spark", "name": "sessionize"},
        "producer": "https://github.com/OpenLineage/OpenLineage/tree/1.20.0/integration/spark",
        "schemaURL": "https://openlineage.io/spec/2-0-2/OpenLineage.json#/definitions/RunEvent",
        "inputs": [{"namespace": "s3://bucket", "name": "plays"}],
        "outputs": [],
    }


@pytest.mark.parametrize("first", ["manifest", "openlineage"])
def test_openlineage_events_and_a_manifest_meet_on_the_location_in_either_order(graph, first):
    """Through the real OpenLineage loader: the job's input and the manifest's dataset
    declared at that location are one asset, the manifest's id, whichever came first."""
    from mlg.openlineage.loader import ingest_events

    manifest = [{"id": "dataset:plays", "kind": "dataset", "props": {"location": "s3a://Bucket/plays/"}}]
    steps = {
        "manifest": lambda: ingest(graph, "team", manifest),
        "openlineage": lambda: ingest_events(graph, [_spark_event(1)], source="events.ndjson"),
    }
    for name in (first, *(n for n in steps if n != first)):
        steps[name]()
    ingest_events(graph, [_spark_event(2)], source="events.ndjson")  # a later run
    assert graph.get("dataset:plays") is not None
    assert graph.get(PLAYS_OL) is None
    assert set(graph.lineage("dataset:plays", "down").ids) == {"dataset:plays", "workflow:spark/sessionize"}
    assert graph.stats().assets == 2


def test_a_re_key_a_crash_interrupted_is_finished_on_the_next_open(tmp_path):
    """Kuzu re-keys in four transactions (mlg.store.kuzu.rekey); a crash after the first
    leaves both rows, and the next read-write open finishes the re-key."""
    from mlg.store.kuzu.qualified_upgrade import _columns, _create_rows, _set_meta
    from mlg.store.kuzu.rekey import PHASE_KEY, PLAN_KEY

    path = tmp_path / "g.kuzu"
    with mlg.open(path) as g:
        ingest(
            g,
            "ol",
            [
                {"id": PLAYS_OL, "kind": "dataset", "namespace": "s3://bucket", "name": "plays"},
                {"id": "workflow:etl", "kind": "workflow", "reads": [PLAYS_OL]},
            ],
        )
        conn = g.store.connection()
        rekeyed = {PLAYS_OL: "dataset:plays"}
        conn.execute("BEGIN TRANSACTION")  # phase 1 of 4 committed, then the process dies
        _set_meta(conn, PLAN_KEY, '{"' + PLAYS_OL + '": "dataset:plays"}')
        _create_rows(conn, rekeyed, _columns(conn))
        _set_meta(conn, PHASE_KEY, "1")
        conn.execute("COMMIT")
    with mlg.open(path) as g:
        assert g.get(PLAYS_OL) is None and g.get("dataset:plays") is not None
        assert set(g.lineage("dataset:plays", "down").ids) == {"dataset:plays", "workflow:etl"}
        assert g.store.count("MATCH (m:MlgMeta) WHERE m.key STARTS WITH 'rekey_' RETURN count(*)") == 0
