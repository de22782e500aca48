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
