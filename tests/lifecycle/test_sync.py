"""Sync: a source's input is its whole truth; what vanished from it is retired (mlg.lifecycle)."""

from __future__ import annotations

import pytest

import mlg
from mlg.batch import Batch
from tests.lifecycle.dialect import forever, rows


def team(source: str, assets: list[dict], relations: list[dict] = (), owners: list[dict] = ()) -> Batch:
    return Batch.from_records(assets=assets, relations=list(relations), owners=list(owners), source=source)


def alive_ids(g: mlg.Graph) -> set[str]:
    found = g.query(f"MATCH (a:Asset) WHERE a.valid_to = {forever(g)} RETURN a.id AS id")
    return set(found["id"])


def live_edges(g: mlg.Graph) -> set[tuple[str, str, str]]:
    found = g.query("MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) RETURN a.id AS s, b.id AS t, e.type AS ty")
    return set(zip(found["s"], found["t"], found["ty"]))


def retired_edges(g: mlg.Graph) -> set[tuple[str, str, str]]:
    found = g.query(
        "MATCH (a:Asset)-[e:RETIRED_DEPENDS_ON]->(b:Asset) RETURN a.id AS s, b.id AS t, e.type AS ty"
    )
    return set(zip(found["s"], found["t"], found["ty"]))


def dump(g: mlg.Graph) -> dict:
    """The lifecycle state: who asserts what, what is alive, what is retired."""
    return {
        "assets": rows(
            g,
            f"MATCH (a:Asset) RETURN a.id, a.sources, a.valid_to = {forever(g)} AS alive, "
            "a.retired_by, a.placeholder ORDER BY a.id",
        ),
        "live": rows(
            g,
            "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) RETURN a.id, b.id, e.type, e.sources "
            "ORDER BY a.id, b.id",
        ),
        "retired": rows(
            g,
            "MATCH (a:Asset)-[e:RETIRED_DEPENDS_ON]->(b:Asset) RETURN a.id, b.id, e.type, e.sources "
            "ORDER BY a.id, b.id, e.valid_to",
        ),
        "owned": rows(
            g,
            "MATCH (a:Asset)-[o:OWNED_BY]->(w:Owner) RETURN a.id, w.id, o.sources ORDER BY a.id",
        ),
    }


A1 = [
    {"id": "d:raw", "kind": "dataset"},
    {"id": "d:clean", "kind": "dataset", "derived_from": ["d:raw"]},
    {"id": "m:old", "kind": "model", "trained_on": ["d:clean"]},
]
B1 = [
    {"id": "d:other", "kind": "dataset"},
    {"id": "m:b", "kind": "model", "trained_on": ["d:other", "d:clean"]},
]


def test_sync_retires_exactly_what_vanished_from_one_source(graph):
    graph.ingest_batch(team("team-a", A1), sync=True)
    graph.ingest_batch(team("team-b", B1), sync=True)
    before_b = {i for i in alive_ids(graph) if i in ("d:other", "m:b")}
    # team-a drops m:old; m:b of team-b still depends on d:clean
    report = graph.ingest_batch(team("team-a", A1[:2]), sync=True)
    assert (
        report.assets_retired == 1 and report.relations_retired == 1
    )  # m:old trained_on d:clean, with m:old
    assert alive_ids(graph) == {"d:raw", "d:clean", "d:other", "m:b"}
    assert before_b == {"d:other", "m:b"}
    assert ("m:old", "d:clean", "trained_on") in retired_edges(graph)
    assert live_edges(graph) == {
        ("d:clean", "d:raw", "derived_from"),
        ("m:b", "d:other", "trained_on"),
        ("m:b", "d:clean", "trained_on"),
    }
    assert graph.get("m:old") is not None  # retired, not lost


@pytest.mark.parametrize("second", [A1[:2], A1[:1], [], A1])
def test_rerunning_a_sync_is_a_no_op(graph, second):
    graph.ingest_batch(team("team-a", A1), sync=True)
    graph.ingest_batch(team("team-b", B1), sync=True)
    graph.ingest_batch(team("team-a", second), sync=True)
    before = dump(graph)
    report = graph.ingest_batch(team("team-a", second), sync=True)
    assert not report.changed
    assert dump(graph) == before


def test_asset_stays_alive_while_any_source_asserts_it(graph):
    shared = {"id": "d:shared", "kind": "dataset"}
    graph.ingest_batch(team("a", [shared]), sync=True)
    graph.ingest_batch(team("b", [shared]), sync=True)
    graph.ingest_batch(team("a", []), sync=True)
    assert "d:shared" in alive_ids(graph)
    graph.ingest_batch(team("b", []), sync=True)
    assert "d:shared" not in alive_ids(graph)


def test_an_edge_one_source_drops_stays_while_another_asserts_it(graph):
    graph.ingest_batch(team("a", A1[:2]), sync=True)
    rel = [{"from": "d:clean", "to": "d:raw", "type": "derived_from"}]
    graph.ingest_batch(team("b", [], rel), sync=True)
    graph.ingest_batch(team("a", [A1[0], {"id": "d:clean", "kind": "dataset"}]), sync=True)
    assert ("d:clean", "d:raw", "derived_from") in live_edges(graph)
    graph.ingest_batch(team("b", []), sync=True)
    assert ("d:clean", "d:raw", "derived_from") not in live_edges(graph)
    assert ("d:clean", "d:raw", "derived_from") in retired_edges(graph)


def test_a_source_asserting_again_revives_with_its_edges(graph):
    graph.ingest_batch(team("a", A1), sync=True)
    graph.ingest_batch(team("a", A1[:2]), sync=True)
    report = graph.ingest_batch(team("a", A1), sync=True)
    assert report.assets_revived == 1
    assert alive_ids(graph) == {"d:raw", "d:clean", "m:old"}
    assert ("m:old", "d:clean", "trained_on") in live_edges(graph)


def test_a_plain_ingest_never_retires(graph):
    graph.ingest_batch(team("a", A1), sync=True)
    graph.ingest_batch(team("a", A1[:1]))
    assert alive_ids(graph) == {"d:raw", "d:clean", "m:old"}


def test_owner_links_follow_their_source(graph):
    owners = [{"id": "t", "kind": "team"}]
    graph.ingest_batch(
        team("a", [{"id": "d:x", "kind": "dataset", "owners": ["t"]}], owners=owners), sync=True
    )
    assert [o.id for o in graph.owners("d:x")] == ["t"]
    graph.ingest_batch(team("a", [{"id": "d:x", "kind": "dataset"}], owners=owners), sync=True)
    assert graph.owners("d:x") == []


def test_a_sync_that_fails_validation_changes_nothing(graph):
    graph.ingest_batch(team("a", A1), sync=True)
    with pytest.raises(mlg.IngestError):
        graph.ingest_batch(team("a", [{"id": "d:raw", "kind": "nonsense"}]), sync=True)
    assert alive_ids(graph) == {"d:raw", "d:clean", "m:old"}


def test_manifest_files_are_sources_unless_they_declare_one(graph, tmp_path):
    import yaml

    a = tmp_path / "a.yaml"
    b = tmp_path / "b.yaml"
    a.write_text(yaml.safe_dump({"assets": A1}))
    b.write_text(yaml.safe_dump({"source": "team-b", "assets": B1}))
    graph.ingest([a, b], sync=True)
    a.write_text(yaml.safe_dump({"assets": A1[:1]}))
    graph.ingest([a], sync=True)
    assert alive_ids(graph) == {"d:raw", "d:other", "m:b"}  # d:clean and m:old vanished from a.yaml
    rows = graph.query("MATCH (a:Asset {id: 'd:other'}) RETURN a.sources AS s")
    assert list(rows["s"][0]) == ["team-b"]
