"""Placeholders: references to assets no source has described yet (mlg.lifecycle.placeholders)."""

from __future__ import annotations

import pytest

import mlg
from mlg.batch import Batch


def batch(source: str, assets=(), relations=()) -> Batch:
    return Batch.from_records(assets=list(assets), relations=list(relations), source=source)


def test_a_reference_makes_a_placeholder_of_the_implied_kind(graph):
    report = graph.ingest_batch(
        batch("models", [{"id": "m:ranker", "kind": "model", "trained_on": ["d:plays"]}])
    )
    assert report.placeholders_added == 1 and report.assets_added == 2
    placeholder = graph.get("d:plays")
    assert placeholder.kind == "dataset" and placeholder.placeholder
    assert placeholder.sources == ("models",)
    assert graph.lineage("m:ranker").ids == ["m:ranker", "d:plays"]
    assert [a.id for a in graph.reuse_report().placeholders] == ["d:plays"]


def test_the_kind_of_the_other_end_narrows_it(graph):
    graph.ingest_batch(batch("f", [{"id": "f:a", "kind": "feature", "derived_from": ["f:b"]}]))
    assert graph.get("f:b").kind == "feature" and graph.get("f:b").placeholder


def test_a_placeholder_becomes_full_when_its_source_arrives(graph):
    graph.ingest_batch(batch("models", [{"id": "m:ranker", "kind": "model", "trained_on": ["d:plays"]}]))
    report = graph.ingest_batch(
        batch("data", [{"id": "d:plays", "kind": "dataset", "name": "plays", "description": "Playback"}])
    )
    assert report.assets_updated == 1 and report.placeholders_added == 0
    full = graph.get("d:plays")
    assert not full.placeholder and full.description == "Playback"
    assert set(full.sources) == {"models", "data"}
    assert graph.reuse_report().placeholders == []
    assert [h.asset.id for h in graph.search("playback")] == ["d:plays"]


def test_a_placeholder_lives_while_a_source_references_it(graph):
    graph.ingest_batch(
        batch("models", [{"id": "m:ranker", "kind": "model", "trained_on": ["d:plays"]}]), sync=True
    )
    graph.ingest_batch(batch("models", [{"id": "m:ranker", "kind": "model"}]), sync=True)
    assert graph.get("d:plays").retired
    graph.ingest_batch(
        batch("models", [{"id": "m:ranker", "kind": "model", "trained_on": ["d:plays"]}]), sync=True
    )
    assert not graph.get("d:plays").retired and graph.get("d:plays").placeholder
    assert graph.lineage("m:ranker").ids == ["m:ranker", "d:plays"]


def test_a_kind_that_cannot_be_told_is_still_an_error(graph):
    with pytest.raises(mlg.IngestError, match="could be a dataset or a feature"):
        graph.ingest_batch(batch("x", relations=[{"from": "a", "to": "b", "type": "derived_from"}]))
    assert graph.stats().assets == 0


def test_strict_refuses_unknown_references(graph):
    with pytest.raises(mlg.IngestError, match="neither in this input nor in the graph"):
        graph.ingest_batch(
            batch("models", [{"id": "m:ranker", "kind": "model", "trained_on": ["d:plays"]}]), strict=True
        )
    assert graph.stats().assets == 0
