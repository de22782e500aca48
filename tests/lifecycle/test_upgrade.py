"""A graph made before schema 4 (no lifecycle columns): read as it is, upgraded on write."""

from __future__ import annotations

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
