"""A graph made before schema 4 (no lifecycle columns), or before schema 6 (owner links
without lifetimes): read as it is, upgraded on write."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import mlg
from mlg.batch import Batch
from mlg.schema import SCHEMA_VERSION
from mlg.store.kuzu.schema import ASSET_LIFE_COLUMNS, EDGE_LIFE_COLUMNS, OWNED_LIFE_COLUMNS

ESTATE = [
    {"id": "d:raw", "kind": "dataset", "name": "raw"},
    {"id": "m:ranker", "kind": "model", "name": "ranker", "trained_on": ["d:raw"]},
]


def as_schema_3(path) -> None:
    """The graph at `path` as mlg wrote it before it kept lifetimes."""
    if str(path).startswith("falkordb"):
        return _falkordb_without_lifecycle(path)
    with mlg.open(path) as g:
        g.store.execute("DROP TABLE RETIRED_DEPENDS_ON")
        g.store.execute("DROP TABLE AssetHistory")
        g.store.execute("DROP TABLE OwnerLinkHistory")
        g.store.execute("ALTER TABLE OWNED_BY DROP valid_from")
        for table, columns in (
            ("Asset", ASSET_LIFE_COLUMNS),
            ("DEPENDS_ON", EDGE_LIFE_COLUMNS),
            ("OWNED_BY", OWNED_LIFE_COLUMNS),
        ):
            for name, _, _ in columns:
                g.store.execute(f"ALTER TABLE {table} DROP {name}")
        g.store.execute("MATCH (m:MlgMeta {key: 'schema_version'}) SET m.value = '3'")
        g.store.execute("CHECKPOINT")


def _falkordb_without_lifecycle(url: str) -> None:
    """A FalkorDB graph as its backend wrote it before lifetimes: no lifecycle properties,
    no retired edges or kept versions, no marker (mlg.store.falkordb.store.LIFECYCLE_KEY)."""
    from mlg.store.falkordb.store import LIFECYCLE_KEY

    with mlg.open(url) as g:

        def run(query, params=None):
            return g.store.conn.rows(query, params, write=True)

        run("MATCH (h:AssetHistory) DELETE h")
        run("MATCH (h:OwnerLinkHistory) DELETE h")
        run("MATCH ()-[o:OWNED_BY]->() SET o.valid_from = NULL")
        run("MATCH ()-[e:RETIRED_DEPENDS_ON]->() DELETE e")
        for pattern, var, columns in (
            ("(a:Asset)", "a", ASSET_LIFE_COLUMNS),
            ("()-[a:DEPENDS_ON]->()", "a", EDGE_LIFE_COLUMNS),
            ("()-[a:OWNED_BY]->()", "a", OWNED_LIFE_COLUMNS),
        ):
            run(f"MATCH {pattern} SET " + ", ".join(f"{var}.{n} = NULL" for n, _, _ in columns))
        run("MATCH (m:MlgMeta {key: $k}) DELETE m", {"k": LIFECYCLE_KEY})


def test_an_older_graph_is_read_as_it_is_then_upgraded(db_path):
    with mlg.open(db_path) as g:
        g.ingest_batch(Batch.from_records(assets=ESTATE))
    as_schema_3(db_path)
    with mlg.open(db_path, read_only=True) as g:
        assert g.store.schema_version == 3
        assert g.lineage("m:ranker").ids == ["m:ranker", "d:raw"]
        assert g.detail("ranker").asset.id == "m:ranker"
        assert [h.asset.id for h in g.search("ranker")] == ["m:ranker"]
        assert g.reuse_report().placeholders == []
    with mlg.open(db_path) as g:
        assert g.store.schema_version == SCHEMA_VERSION
        asset = g.get("m:ranker")
        assert not asset.retired and asset.sources == ()
        # asserted by no source: a sync of another source leaves them alone
        g.ingest_batch(Batch.from_records(assets=[{"id": "d:new", "kind": "dataset"}], source="s"), sync=True)
        assert g.lineage("m:ranker").ids == ["m:ranker", "d:raw"]
        # once a source asserts them, its syncs govern them
        g.ingest_batch(Batch.from_records(assets=ESTATE, source="s"), sync=True)
        g.ingest_batch(Batch.from_records(assets=ESTATE[:1], source="s"), sync=True)
        assert g.get("m:ranker").retired and g.get("d:new").retired


def as_schema_5(path) -> None:
    """The graph at `path` as mlg wrote it before owner links had lifetimes (schema 5)."""
    with mlg.open(path) as g:
        if str(path).startswith("falkordb"):
            run = g.store.conn.rows
            run("MATCH (h:OwnerLinkHistory) DELETE h", write=True)
            run("MATCH ()-[o:OWNED_BY]->() SET o.valid_from = NULL", write=True)
            run("MATCH (m:MlgMeta {key: 'schema_version'}) SET m.value = '5'", write=True)
            return
        g.store.execute("DROP TABLE OwnerLinkHistory")
        g.store.execute("ALTER TABLE OWNED_BY DROP valid_from")
        g.store.execute("MATCH (m:MlgMeta {key: 'schema_version'}) SET m.value = '5'")
        g.store.execute("CHECKPOINT")


def test_a_schema_5_graph_keeps_its_owners_and_gains_owner_history(db_path):
    owners = [{"id": "team-x", "kind": "team"}, {"id": "team-y", "kind": "team"}]
    estate = [{**ESTATE[0], "owners": ["team-x"]}, ESTATE[1]]
    with mlg.open(db_path) as g:
        g.ingest_batch(Batch.from_records(assets=estate, owners=owners, source="s"))
    as_schema_5(db_path)
    with mlg.open(db_path, read_only=True) as g:  # read as it is: today's owner links, always
        assert g.store.schema_version == 5
        assert [o.id for o in g.owners("d:raw")] == ["team-x"]
        assert g.store.ownerships_as_of(datetime(2000, 1, 1)) == {"d:raw": [("team-x", "owner")]}
    with mlg.open(db_path) as g:
        assert g.store.schema_version == SCHEMA_VERSION == 6
        # the link held since before history was kept
        assert g.store.ownerships_as_of(datetime(2000, 1, 1)) == {"d:raw": [("team-x", "owner")]}
        before = datetime.now(UTC).replace(tzinfo=None)
        time.sleep(0.002)
        g.ingest_batch(
            Batch.from_records(assets=[{**ESTATE[0], "owners": ["team-y"]}], owners=owners, source="s")
        )
        assert g.store.ownerships_as_of(before) == {"d:raw": [("team-x", "owner")]}
        assert [o.id for o in g.owners("d:raw")] == ["team-y"]
