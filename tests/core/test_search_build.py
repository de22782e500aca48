"""The search-index rebuild that holds a slice of documents at a time (index._build)
gives the very rows, ranks and texts of building every document at once (the build it
replaced, kept here as the reference)."""

from __future__ import annotations

import sqlite3
from collections import Counter

import pytest

import mlg
from mlg import generation
from mlg.errors import MlgError
from mlg.search import index as search_index
from mlg.search import source
from mlg.search.documents import SLOT_BITS, bucket, document, rank_family
from mlg.synthetic import synthetic_batch


def _build_at_once(graph, conn) -> None:
    """The rebuild before slices: every asset a dict and a Document at once."""
    rows = source.assets(graph, None)
    owned = source.ownerships(graph, None)
    docs = [document(row, owned.pop(row["id"], ())) for row in rows if row.pop("alive")]
    families: dict = {}
    for doc in docs:
        if doc.family_key:
            families.setdefault(doc.family_key, []).append(doc)
    for members in families.values():
        if len(members) > 1:
            ranks = rank_family([(d.id, d.version, d.created_at) for d in members])
            for d in members:
                d.latest, d.version_rank = ranks[d.id]
    slots: Counter[int] = Counter()
    for doc in docs:
        b = bucket(doc.kind, doc.latest, doc.name_key)
        if slots[b] >= 1 << SLOT_BITS:
            raise MlgError("too many in one place")
        doc.rank = b << SLOT_BITS | slots[b]
        slots[b] += 1
    docs.sort(key=lambda d: d.rank)
    conn.execute("BEGIN")
    for statement in search_index._SCHEMA:
        conn.execute(statement)
    search_index._insert(conn, docs)
    terms: Counter[str] = Counter()
    for doc in docs:
        terms.update(doc.terms())
    conn.executemany("INSERT INTO term(term, docs) VALUES (?, ?)", terms.items())
    search_index._write_owners(conn, source.owners(graph))
    search_index._write_meta(conn, generation.state(graph))
    conn.execute("COMMIT")


def _everything(conn: sqlite3.Connection) -> dict:
    return {
        table: conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()
        for table in ("asset", "term", "owner", "meta")
    } | {
        table: conn.execute(f"SELECT rowid, * FROM {table} ORDER BY rowid").fetchall()
        for table in ("name_text", "body_text")
    }


def _assert_same_build(graph) -> None:
    at_once, sliced = sqlite3.connect(":memory:", isolation_level=None), None
    try:
        _build_at_once(graph, at_once)
        sliced = search_index.rebuilt_in_memory(graph)
        expected, found = _everything(at_once), _everything(sliced.conn)
        assert len(found["asset"]) == len(expected["asset"]) > 0
        for table in expected:
            assert [tuple(r) for r in found[table]] == [tuple(r) for r in expected[table]], table
        staging = sliced.conn.execute("PRAGMA database_list").fetchall()
        assert [r[1] for r in staging] == ["main"]  # the staging database is gone
    finally:
        at_once.close()
        if sliced is not None:
            sliced.close()


def test_the_sample_estate_builds_as_at_once(sample_graph):
    _assert_same_build(sample_graph)


@pytest.mark.parametrize("slice_size", [7, 20_000])
def test_a_synthetic_estate_builds_as_at_once(tmp_path, monkeypatch, slice_size):
    monkeypatch.setattr(search_index, "_BATCH", slice_size)  # many slices, and one
    with mlg.open(tmp_path / "g.kuzu") as g:
        g.ingest_batch(synthetic_batch(1500, 3))
        some = sorted(h.asset.id for h in g.search("model", limit=40))[:5]
        for asset_id in some:  # retired assets are left out of the index
            g.retire(asset_id)
        _assert_same_build(g)
