"""The lifecycle part of the storage port's contract (GraphStore.viewing, asset_at,
versions_at, assets_as_of, edges_as_of, placeholders, retired_search, history_counts,
retire_asset, restore_asset), on every backend that keeps history.

Both backends keep history (FalkorDB since issue 13).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest

from mlg.batch import Batch
from mlg.lifespan import TODAY
from tests.store import estate

LIFECYCLE_BACKENDS = ["falkordb", "kuzu"]
keeping_history = pytest.mark.parametrize("backend", LIFECYCLE_BACKENDS)


def now() -> datetime:
    time.sleep(0.002)  # so that moments on either side of a write differ
    moment = datetime.now(UTC).replace(tzinfo=None)
    time.sleep(0.002)
    return moment


@pytest.fixture
def full(store):
    estate.write(store)
    return store


def reached(store, root: str, direction: str = "up") -> set[str]:
    return set(store.closure(root, direction, depth=5, owners=False).assets.column("id").to_pylist())


@keeping_history
def test_a_view_is_a_handle_on_the_same_graph_that_closes_nothing(full):
    assert full.view == TODAY
    seen = full.viewing(include_retired=True)
    assert seen.view.include_retired and seen.view.as_of is None
    assert full.view == TODAY
    seen.close()
    assert full.assets(["dataset:raw"])  # the store is still open
    moment = now()
    dated = full.viewing(as_of=moment)
    assert dated.view.as_of == moment and not dated.view.include_retired


@keeping_history
def test_retire_and_restore_by_hand_and_what_each_view_sees(full):
    assert full.history_counts() == {
        "retired assets": 0,
        "retired relations": 0,
        "kept asset versions": 0,
        "past owner links": 0,
    }
    raw = full.assets(["dataset:raw"])["dataset:raw"]
    change = full.retire_asset(raw, "replaced")
    assert change.changed and change.asset == "dataset:raw" and change.edges == 1
    assert not full.retire_asset(full.assets(["dataset:raw"])["dataset:raw"]).changed
    assert "dataset:raw" not in reached(full, "dataset:clean")
    assert "dataset:raw" in reached(full.viewing(include_retired=True), "dataset:clean")
    retired = full.assets(["dataset:raw"])["dataset:raw"]
    assert retired.retired and retired.retired_reason == "replaced"
    assert [a.id for a in full.retired_search(["raw"], limit=10)] == ["dataset:raw"]
    assert [a.id for a in full.retired_search(["ra"], kinds=["dataset"], limit=10)] == ["dataset:raw"]
    assert full.retired_search(["raw"], kinds=["model"], limit=10) == []
    assert full.retired_search(["raw", "nothing"], limit=10) == []
    assert full.history_counts()["retired assets"] == 1
    assert full.history_counts()["retired relations"] == 1

    change = full.restore_asset(retired)
    assert change.changed and change.edges == 1
    assert not full.restore_asset(full.assets(["dataset:raw"])["dataset:raw"]).changed
    assert "dataset:raw" in reached(full, "dataset:clean")
    assert full.retired_search(["raw"], limit=10) == []


@keeping_history
def test_the_graph_as_of_a_moment(full):
    before = datetime(2000, 1, 1)
    t0 = now()
    changed = dict(estate.ASSETS[1], description="cleaned events, deduplicated")
    estate.write(full, Batch.from_records(assets=[changed]))
    t1 = now()
    full.retire_asset(full.assets(["dataset:raw"])["dataset:raw"])
    t2 = now()

    assert full.asset_at("dataset:clean", t0).description == "cleaned events"
    assert full.asset_at("dataset:clean", t1).description == "cleaned events, deduplicated"
    assert full.asset_at("dataset:clean", before) is None
    assert full.asset_at("dataset:raw", t2) is None
    assert full.asset_at("dataset:raw", t1).id == "dataset:raw"
    assert full.asset_at("dataset:nowhere", t1) is None

    past = full.versions_at(["dataset:clean", "dataset:other", "dataset:nowhere"], t0)
    assert set(past) == {"dataset:clean"} and past["dataset:clean"].description == "cleaned events"
    assert full.versions_at([], t0) == {}

    then = full.assets_as_of(t0)
    assert set(then) == {a["id"] for a in estate.ASSETS}
    assert then["dataset:clean"]["description"] == "cleaned events"
    assert then["dataset:raw"]["tags"] == ("deprecated",) and then["dataset:raw"]["kind"] == "dataset"
    assert isinstance(then["dataset:raw"]["sources"], tuple) and then["dataset:raw"]["placeholder"] is False
    # text never given reads as None on every backend, as today's reads give it
    assert then["dataset:raw"]["description"] is None and then["dataset:raw"]["namespace"] is None
    assert "dataset:raw" not in full.assets_as_of(t2)
    assert set(full.assets_as_of(t0, asset="dataset:clean")) == {"dataset:clean"}
    assert full.assets_as_of(before) == {}

    edge = ("dataset:clean", "dataset:raw", "derived_from")
    assert edge in full.edges_as_of(t1) and edge not in full.edges_as_of(t2)
    assert all(isinstance(s, tuple) for s in full.edges_as_of(t1).values())
    assert set(full.edges_as_of(t1, asset="dataset:raw")) == {edge}
    assert full.edges_as_of(before) == {}

    # a dated view walks the edges of that moment
    assert "dataset:raw" in reached(full.viewing(as_of=t1), "dataset:clean")
    assert "dataset:raw" not in reached(full.viewing(as_of=t2), "dataset:clean")


@keeping_history
def test_placeholders_are_listed_by_kind_then_id(full):
    assert full.placeholders(10) == []
    record = {"id": "model:p", "kind": "model", "name": "p", "trained_on": ["dataset:zz", "dataset:aa"]}
    estate.write(full, Batch.from_records(assets=[record]))
    found = full.placeholders(10)
    assert [a.id for a in found] == ["dataset:aa", "dataset:zz"]
    assert all(a.placeholder and a.kind == "dataset" for a in found)
    assert [a.id for a in full.placeholders(1)] == ["dataset:aa"]
