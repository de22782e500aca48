"""A sync that changes many rows writes them set-based (LOAD FROM over Arrow tables) and
ends in exactly the graph the row-by-row write gives (mlg.store.kuzu.lifecycle.bulk)."""

from __future__ import annotations

import pytest

import mlg
import mlg.store.kuzu.lifecycle as kuzu_lifecycle
from tests.lifecycle.dialect import rows
from tests.lifecycle.test_sync import alive_ids, dump, live_edges, retired_edges, team

N = 150  # every step below retires, revives or re-points more than FEW (64) rows


def datasets(day: int) -> list[dict]:
    return [
        {
            "id": f"d:{i}",
            "kind": "dataset",
            "description": f"day {day}" if i % 2 == day % 2 else "same",
            **({"derived_from": [f"d:{i - 1}"]} if i else {}),
        }
        for i in range(N)
    ]


def models(day: int, shift: int = 0, dropped: range = range(0)) -> list[dict]:
    return [
        {
            "id": f"m:{i}",
            "kind": "model",
            "trained_on": [f"d:{(i + shift) % N}"],
            "owners": [{"id": f"team-{(i + day) % 3}", "role": "owner"}],
        }
        for i in range(N)
        if i not in dropped
    ]


OWNERS = [{"id": f"team-{i}", "kind": "team", "name": f"Team {i}"} for i in range(3)]


def days() -> list[tuple[str, list[dict]]]:
    """Syncs of two sources: source a drops, brings back and re-points many models."""
    return [
        ("a", datasets(0) + models(0)),
        ("b", [{"id": f"m:b{i}", "kind": "model", "trained_on": [f"d:{i}"]} for i in range(N)]),
        ("a", datasets(1) + models(1, dropped=range(0, 100))),  # 100 retired with their edges
        ("a", datasets(2) + models(2)),  # 100 revived with their edges
        ("a", datasets(3) + models(3, shift=1)),  # 150 edges re-pointed
        ("a", datasets(3) + models(3, shift=1)),  # again: nothing changes
        ("b", []),  # b's 150 models retired; a's datasets stay
    ]


def history(g: mlg.Graph) -> list:
    return g.store.rows(
        "MATCH (h:AssetHistory) RETURN h.asset, h.description, h.sources, "
        "h.valid_to = timestamp('9999-12-31') AS open ORDER BY h.asset, h.valid_from"
    )


def build(path, monkeypatch, one_by_one: bool) -> tuple[dict, list, list]:
    with monkeypatch.context() as m:
        if one_by_one:
            m.setattr(kuzu_lifecycle, "FEW", 10**9)
        reports = []
        with mlg.open(path) as g:
            for source, assets in days():
                reports.append(g.ingest_batch(team(source, assets, owners=OWNERS), sync=True))
            return dump(g), history(g), reports


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    monkeypatch = pytest.MonkeyPatch()
    folder = tmp_path_factory.mktemp("bulk")
    return build(folder / "bulk.kuzu", monkeypatch, False), build(folder / "rows.kuzu", monkeypatch, True)


def test_a_large_sync_is_the_row_by_row_sync(both):
    (bulk_dump, bulk_history, bulk_reports), (rows_dump, rows_history, rows_reports) = both
    assert bulk_dump == rows_dump
    assert bulk_history == rows_history
    assert [r.assets_retired for r in bulk_reports] == [r.assets_retired for r in rows_reports]


def test_a_large_sync_retires_revives_and_repoints(both, tmp_path):
    _, _, reports = both[0]
    assert reports[2].assets_retired == 100 and reports[2].relations_retired == 100
    assert reports[3].assets_revived == 100
    assert reports[4].relations_retired == N
    assert not reports[5].changed
    assert reports[6].assets_retired == N
    with mlg.open(tmp_path / "g.kuzu") as g:
        for source, assets in days()[:5]:
            g.ingest_batch(team(source, assets, owners=OWNERS), sync=True)
        alive = alive_ids(g)
        live = live_edges(g)
        assert {f"m:{i}" for i in range(N)} <= alive
        assert {(f"m:{i}", f"d:{(i + 1) % N}", "trained_on") for i in range(N)} <= live
        assert not {(f"m:{i}", f"d:{i}", "trained_on") for i in range(N)} & live
        assert {(f"m:{i}", f"d:{i}", "trained_on") for i in range(N)} <= retired_edges(g)


def test_one_sync_of_several_sources_retires_what_each_dropped(graph):
    from mlg.batch import Batch, Location

    def manifests(records: dict[str, list[dict]]) -> Batch:
        return Batch(
            assets=[(r, Location(f, f"assets[{i}]")) for f, rs in records.items() for i, r in enumerate(rs)],
            files=list(records),
            file_sources={f: f for f in records},
        )

    a = [{"id": "d:a1", "kind": "dataset"}, {"id": "d:a2", "kind": "dataset", "derived_from": ["d:a1"]}]
    b = [{"id": "d:b1", "kind": "dataset"}, {"id": "m:b", "kind": "model", "trained_on": ["d:a2", "d:b1"]}]
    c = [{"id": "d:c1", "kind": "dataset"}]
    graph.ingest_batch(manifests({"a": a, "b": b, "c": c}), sync=True)
    owned = rows(graph, "MATCH (x:Asset) RETURN x.id AS id, x.sources AS s ORDER BY id")
    assert {r["id"]: r["s"] for r in owned}["d:a2"] == ["a"]
    report = graph.ingest_batch(manifests({"a": a[:1], "b": b[:1]}), sync=True)
    assert report.assets_retired == 2 and report.relations_retired == 3  # a2's and m:b's edges
    assert alive_ids(graph) == {"d:a1", "d:b1", "d:c1"}  # c was not synced: kept
    assert not graph.ingest_batch(manifests({"a": a[:1], "b": b[:1]}), sync=True).changed
