"""Chunked ingest (Graph.ingest_chunks, mlg records NDJSON): one transaction for the whole
input (or, into an empty graph, the bulk path's temporary file swapped in when complete),
the same graph as ingesting it at once, a late bad record writing nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlg
from mlg.batch import Batch, Location, batch_chunks
from mlg.copy import dump
from mlg.manifest import ndjson_chunks
from mlg.synthetic import synthetic_batch, write_estate
from tests.conftest import graph_content

_MOMENTS = ("created_at", "updated_at", "valid_from", "gen")


def _content(g: mlg.Graph) -> dict:
    """dump() without the instants of the write (two ingests never share them)."""
    found = dump(g.store)
    for asset in found["assets"]:
        for name in _MOMENTS:
            asset.pop(name, None)
    found["edges"] = sorted(tuple(v for v in e if not hasattr(v, "year")) for e in found["edges"])
    return found


def _records(path: Path, lines: list[dict], source: str | None = "test") -> Path:
    head = [{"source": source}] if source else []
    path.write_text("".join(json.dumps(x) + "\n" for x in head + lines), encoding="utf-8")
    return path


def _estate_lines(n: int) -> list[dict]:
    lines = [{"owner": {"id": "team-a", "kind": "team", "name": "A"}}]
    for i in range(n):
        lines.append({"asset": {"id": f"ds{i}", "kind": "dataset", "owners": ["team-a"]}})
        if i:
            lines.append({"relation": {"from": f"ds{i}", "to": f"ds{i - 1}", "type": "derived_from"}})
    return lines


@pytest.fixture(scope="module")
def whole_200(tmp_path_factory):
    """The 200-asset synthetic estate ingested at once, and its content."""
    with mlg.open(tmp_path_factory.mktemp("whole") / "g.kuzu") as g:
        report = g.ingest_batch(synthetic_batch(200, 3))
        return report, _content(g)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.one_of(st.integers(1, 40), st.integers(41, 2000)))
def test_chunks_of_any_size_make_the_graph_ingesting_at_once_makes(tmp_path_factory, whole_200, size):
    report, content = whole_200
    with mlg.open(tmp_path_factory.mktemp("chunks") / "g.kuzu") as g:
        empty_graph = g.store.state().graph_id
        chunked = g.ingest_chunks(batch_chunks(synthetic_batch(200, 3), size))
        assert _content(g) == content
        assert g.store.state().graph_id != empty_graph  # the bulk path's new file took its place
        assert not list(g.path.parent.glob("*.building*"))
    assert chunked == report


def test_the_one_transaction_path_makes_the_same_graph(tmp_path, whole_200):
    """A graph another store of the process shares is not swapped: one transaction."""
    with mlg.open(tmp_path / "g.kuzu") as g, mlg.open(tmp_path / "g.kuzu") as other:
        empty_graph = g.store.state().graph_id
        chunked = g.ingest_chunks(batch_chunks(synthetic_batch(200, 3), 37))
        assert g.store.state().graph_id == empty_graph
        assert _content(other) == whole_200[1]
    assert chunked == whole_200[0]


def test_the_bulk_path_leaves_a_search_index_of_the_new_graph(tmp_path):
    with mlg.open(tmp_path / "g.kuzu") as g:
        assert not g.search("ds7")  # an index of the empty graph, on disk
        g.ingest_chunks(ndjson_chunks([_records(tmp_path / "f.mlg.ndjson", _estate_lines(50))], size=9))
        assert [h.asset.id for h in g.search("ds7")][:1] == ["ds7"]
        assert g.upstream("ds49").assets and g.owners_of(["ds0"])
    with mlg.open(tmp_path / "g.kuzu") as g:
        assert g.stats().assets == 50 and [h.asset.id for h in g.search("ds7")][:1] == ["ds7"]


def test_a_leftover_building_file_is_removed_by_the_next_bulk_ingest(tmp_path):
    leftover = tmp_path / "g.kuzu.building"
    leftover.write_bytes(b"a killed run's half-built graph")
    (tmp_path / "g.kuzu.building.wal").write_bytes(b"its log")
    with mlg.open(tmp_path / "g.kuzu") as g:
        g.ingest_chunks(ndjson_chunks([_records(tmp_path / "f.mlg.ndjson", _estate_lines(20))], size=6))
        assert g.stats().assets == 20
    assert not list(tmp_path.glob("*.building*"))


def test_a_written_estate_file_ingests_as_the_generated_batch(tmp_path, whole_200):
    path = tmp_path / "estate.mlg.ndjson"
    landmarks = write_estate(path, 200, 3, every=37)
    assert landmarks == mlg.synthetic.synthetic_estate(200, 3).landmarks
    with mlg.open(tmp_path / "g.kuzu") as g:
        report = g.ingest(path)  # the auto source reads records files in chunks
        assert _content(g) == whole_200[1]
        again = g.ingest(path)
    assert report.assets_added == 200
    assert (again.assets_added, again.assets_updated, again.relations_added) == (0, 0, 0)
    assert again.assets_unchanged == 200


@pytest.mark.parametrize("prefilled", [False, True])
def test_a_bad_record_in_the_last_chunk_writes_nothing(graph, tmp_path, prefilled):
    if prefilled:
        graph.ingest_batch(Batch.from_records(assets=[{"id": "old", "kind": "dataset"}]))
    before = graph_content(graph)
    lines = _estate_lines(300)
    lines.append({"asset": {"id": "late", "kind": "modle"}})
    path = _records(tmp_path / "bad.mlg.ndjson", lines)
    with pytest.raises(mlg.IngestError) as caught:
        graph.ingest_chunks(ndjson_chunks([path], size=10))
    problem = caught.value.problems[0]
    assert (problem.file, problem.record, problem.record_id, problem.field) == (
        str(path),
        f"line {len(lines) + 1}",  # the source line comes first
        "late",
        "kind",
    )
    assert "did you mean 'model'?" in problem.message
    assert graph_content(graph) == before
    assert not list(graph.path.parent.glob("*.building*"))


def test_a_late_relation_of_the_wrong_kinds_writes_nothing(graph, tmp_path):
    lines = [*_estate_lines(100), {"asset": {"id": "m", "kind": "model"}}]
    lines.append({"relation": {"from": "ds0", "to": "m", "type": "trained_on"}})
    path = _records(tmp_path / "bad.mlg.ndjson", lines)
    with pytest.raises(mlg.IngestError) as caught:
        graph.ingest_chunks(ndjson_chunks([path], size=7))
    problem = caught.value.problems[0]
    assert (problem.record, problem.field) == (f"line {len(lines) + 1}", "type")
    assert graph.store.is_empty()


def test_relations_may_name_assets_of_later_chunks(graph, tmp_path):
    lines = [
        {"asset": {"id": "m", "kind": "model", "trained_on": ["late"]}},
        {"relation": {"from": "m", "to": "later", "type": "trained_on"}},
        *({"asset": {"id": f"pad{i}", "kind": "dataset"}} for i in range(20)),
        {"asset": {"id": "late", "kind": "dataset"}},
        {"asset": {"id": "later", "kind": "dataset"}},
    ]
    report = graph.ingest_chunks(ndjson_chunks([_records(tmp_path / "f.mlg.ndjson", lines)], size=3))
    assert (report.assets_added, report.relations_added, report.placeholders_added) == (23, 2, 0)
    assert {a.id for a in graph.upstream("m").assets} >= {"late", "later"}


def test_an_id_repeated_across_chunks(graph, tmp_path):
    same = {"asset": {"id": "x", "kind": "dataset", "name": "X"}}
    pad = [{"asset": {"id": f"pad{i}", "kind": "dataset"}} for i in range(5)]
    ok = _records(tmp_path / "ok.mlg.ndjson", [same, *pad, same])
    assert graph.ingest_chunks(ndjson_chunks([ok], size=2)).assets_added == 6
    changed = {"asset": {"id": "y", "kind": "dataset", "description": "other"}}
    bad = _records(tmp_path / "bad.mlg.ndjson", [{"asset": {"id": "y", "kind": "dataset"}}, *pad, changed])
    before = graph_content(graph)
    with pytest.raises(mlg.IngestError) as caught:
        graph.ingest_chunks(ndjson_chunks([bad], size=2))
    problem = caught.value.problems[0]
    assert (problem.record, problem.record_id, problem.field) == ("line 8", "y", "description")
    assert "conflicts with" in problem.message and "line 2" in problem.message
    assert graph_content(graph) == before


def test_lines_that_are_not_records_are_named(graph, tmp_path):
    path = tmp_path / "f.mlg.ndjson"
    path.write_text('{"asset": {"id": "a", "kind": "dataset"}}\n{"asset": \n[1]\n', encoding="utf-8")
    with pytest.raises(mlg.IngestError) as caught:
        graph.ingest(path)
    assert [p.record for p in caught.value.problems] == ["line 2", "line 3"]
    assert graph.store.is_empty()


def test_a_sync_refuses_runs_without_a_source_chunked_as_at_once(tmp_path):
    """Runs say what a run did, not the whole truth of a source: a sync refuses them
    unless a source comes with them (a connector's, or the file's declared one), through
    ingest_chunks as through ingest_batch, where chunks are put together."""
    at = Location("events.ndjson", "records[0]")
    workflow = ({"id": "wf", "kind": "workflow"}, at)

    def batch(**source) -> Batch:
        run = ({"id": "run-1", "workflow": "wf"}, Location("events.ndjson", "records[1]"))
        return Batch(assets=[workflow], runs=[run], files=["events.ndjson"], **source)

    with mlg.open(tmp_path / "g.kuzu") as g:
        at_once = g.ingest_batch
        chunked = lambda b, **kw: g.ingest_chunks(lambda: iter([b]), **kw)  # noqa: E731
        for ingest in (at_once, chunked):
            with pytest.raises(mlg.MlgError, match="sync takes manifests only"):
                ingest(batch(), sync=True)
        assert g.stats().assets == 0
        chunked(batch(file_sources={"events.ndjson": "airflow"}), sync=True)
        at_once(batch(source="airflow"), sync=True)
        assert g.get("wf").kind == "workflow"


def test_a_chunk_too_big_for_the_buffer_pool_is_written_again_with_a_bigger_one(tmp_path, monkeypatch):
    from mlg.store.kuzu import bulk

    monkeypatch.setattr(bulk, "BUFFER_POOL", 16 << 20)  # full at the first chunk's statements
    grown = []
    real_init = bulk.BulkWriter.write

    def write(self, plan, progress=None):
        real_init(self, plan, progress)
        grown.append(self.pool)

    monkeypatch.setattr(bulk.BulkWriter, "write", write)
    path = _records(tmp_path / "f.mlg.ndjson", _estate_lines(20000))
    with mlg.open(tmp_path / "g.kuzu") as g:
        report = g.ingest_chunks(ndjson_chunks([path], size=40000))
        assert g.stats().assets == 20000
    assert report.assets_added == 20000
    assert max(grown) > 16 << 20  # the pool did grow
    assert not list(tmp_path.glob("*.building*"))
