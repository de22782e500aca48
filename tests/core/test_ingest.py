"""Manifest ingest: round trip, idempotency, updates, ownership, atomicity."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
import yaml

import mlg
from tests.conftest import graph_content

FULL = {
    "owners": [
        {"id": "team-recs", "kind": "team", "name": "Recs", "email": "recs@streamly.example"},
        {"id": "ana", "kind": "person", "name": "Ana Lima", "email": "ana@streamly.example"},
    ],
    "assets": [
        {
            "id": "dataset:plays",
            "kind": "dataset",
            "name": "plays",
            "namespace": "s3://raw",
            "family": "plays",
            "version": "2024.06",
            "description": "Raw playback events.\nLate APAC data.",
            "domain": "recommendations",
            "tags": ["pii", "tier-1"],
            "props": {"format": "parquet", "rows": 12, "nested": {"a": [1, 2]}},
            "owners": ["team-recs", {"id": "ana", "role": "steward"}],
            "created_at": "2024-01-02T03:04:05Z",
            "updated_at": "2024-02-03T04:05:06+01:00",
        },
        {
            "id": "model:ranker@1",
            "kind": "model",
            "name": "ranker",
            "version": 1,
            "trained_on": ["dataset:plays"],
        },
    ],
    "relations": [
        {
            "from": "model:ranker@1",
            "to": "workflow:train",
            "type": "produced_by",
            "source": "airflow",
            "first_seen": "2024-03-01T00:00:00Z",
            "last_seen": "2024-03-02T00:00:00",
        },
    ],
}
WORKFLOW = {"assets": [{"id": "workflow:train", "kind": "workflow"}]}


def write(tmp_path, name, document, fmt="yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(document) if fmt == "yaml" else json.dumps(document))
    return path


def test_round_trip_of_every_field(graph, tmp_path):
    report = graph.ingest([write(tmp_path, "full.yaml", FULL), write(tmp_path, "wf.json", WORKFLOW, "json")])
    assert (report.assets_added, report.relations_added, report.owners_added) == (3, 2, 2)
    plays = graph.get("dataset:plays")
    assert plays.kind == "dataset" and plays.name == "plays" and plays.namespace == "s3://raw"
    assert plays.family == "plays" and plays.version == "2024.06"
    assert plays.description == "Raw playback events.\nLate APAC data."
    assert plays.domain == "recommendations" and plays.tags == ("pii", "tier-1")
    assert plays.props == {"format": "parquet", "rows": 12, "nested": {"a": [1, 2]}}
    assert plays.created_at == datetime(2024, 1, 2, 3, 4, 5)
    assert plays.updated_at == datetime(2024, 2, 3, 3, 5, 6)  # converted to UTC
    owners = {(o.id, o.kind, o.name, o.email, o.role) for o in graph.owners("dataset:plays")}
    assert owners == {
        ("team-recs", "team", "Recs", "recs@streamly.example", "owner"),
        ("ana", "person", "Ana Lima", "ana@streamly.example", "steward"),
    }
    ranker = graph.get("model:ranker@1")
    assert ranker.version == "1" and ranker.family == "ranker"  # family defaults to the name
    edges = graph_content(graph)["edges"]
    assert {(e["a.id"], e["b.id"], e["e.type"]) for e in edges} == {
        ("model:ranker@1", "dataset:plays", "trained_on"),
        ("model:ranker@1", "workflow:train", "produced_by"),
    }
    produced = next(e for e in edges if e["e.type"] == "produced_by")
    assert produced["e.source"] == "airflow"
    assert produced["e.first_seen"] == datetime(2024, 3, 1)
    assert produced["e.last_seen"] == datetime(2024, 3, 2)
    trained = next(e for e in edges if e["e.type"] == "trained_on")
    assert trained["e.source"].startswith("manifest:") and "full.yaml" in trained["e.source"]


def test_same_input_twice_leaves_graph_identical(graph, tmp_path):
    files = [write(tmp_path, "full.yaml", FULL), write(tmp_path, "wf.yaml", WORKFLOW)]
    graph.ingest(files)
    before = graph_content(graph)
    report = graph.ingest(files)
    assert not report.changed
    assert report.assets_unchanged == 3 and report.relations_unchanged == 2
    assert graph_content(graph) == before


def test_changed_asset_is_updated_and_owners_replaced(graph, tmp_path):
    graph.ingest([write(tmp_path, "full.yaml", FULL), write(tmp_path, "wf.yaml", WORKFLOW)])
    created = graph.get("model:ranker@1").created_at
    changed = {
        "assets": [
            {
                "id": "model:ranker@1",
                "kind": "model",
                "name": "ranker",
                "version": "1",
                "description": "now documented",
                "owners": [{"id": "ana", "role": "oncall"}],
            }
        ]
    }
    report = graph.ingest(write(tmp_path, "change.yaml", changed))
    assert (report.assets_added, report.assets_updated) == (0, 1)
    ranker = graph.get("model:ranker@1")
    assert ranker.description == "now documented"
    assert ranker.created_at == created
    assert [(o.id, o.role) for o in graph.owners("model:ranker@1")] == [("ana", "oncall")]
    # relations given before are kept: ingest adds, it does not remove
    assert {n.asset.id for n in graph.neighbours("model:ranker@1")} == {"dataset:plays", "workflow:train"}
    again = {
        "assets": [
            {
                "id": "model:ranker@1",
                "kind": "model",
                "name": "ranker",
                "version": "1",
                "description": "now documented",
                "owners": ["team-recs"],
            }
        ]
    }
    graph.ingest(write(tmp_path, "again.yaml", again))
    assert [(o.id, o.role) for o in graph.owners("model:ranker@1")] == [("team-recs", "owner")]


def test_relations_to_assets_already_in_the_graph(graph, tmp_path):
    graph.ingest([write(tmp_path, "full.yaml", FULL), write(tmp_path, "wf.yaml", WORKFLOW)])
    later = {"assets": [{"id": "service:home", "kind": "service", "serves": ["model:ranker@1"]}]}
    report = graph.ingest(write(tmp_path, "later.yaml", later))
    assert report.relations_added == 1
    assert [n.asset.id for n in graph.neighbours("model:ranker@1", "down")] == ["service:home"]


def test_edge_timestamps_widen_on_reingest(graph, tmp_path):
    graph.ingest([write(tmp_path, "full.yaml", FULL), write(tmp_path, "wf.yaml", WORKFLOW)])
    seen = {
        "relations": [
            {
                "from": "model:ranker@1",
                "to": "workflow:train",
                "type": "produced_by",
                "first_seen": "2024-02-01T00:00:00",
                "last_seen": "2024-02-15T00:00:00",
            }
        ]
    }
    report = graph.ingest(write(tmp_path, "seen.yaml", seen))
    assert report.relations_updated == 1
    edge = next(e for e in graph_content(graph)["edges"] if e["e.type"] == "produced_by")
    assert edge["e.first_seen"] == datetime(2024, 2, 1)  # earlier than before: widened
    assert edge["e.last_seen"] == datetime(2024, 3, 2)  # older than before: kept


def test_directory_ingest_reads_yaml_and_json_recursively(graph, tmp_path):
    (tmp_path / "m" / "sub").mkdir(parents=True)
    write(tmp_path / "m", "a.yaml", FULL)
    write(tmp_path / "m" / "sub", "b.json", WORKFLOW, "json")
    (tmp_path / "m" / "README.txt").write_text("not a manifest")
    assert graph.ingest(tmp_path / "m").assets_added == 3


def test_bad_record_at_end_of_large_file_leaves_graph_unchanged(graph, tmp_path):
    graph.ingest([write(tmp_path, "full.yaml", FULL), write(tmp_path, "wf.yaml", WORKFLOW)])
    before = graph_content(graph)
    assets = [
        {"id": f"dataset:bulk{i}", "kind": "dataset", "derived_from": ["dataset:plays"]} for i in range(9_999)
    ]
    assets.append({"id": "dataset:bad", "kind": "dataset", "tags": "pii"})
    path = write(tmp_path, "big.json", {"assets": assets}, "json")
    with pytest.raises(mlg.IngestError) as caught:
        graph.ingest(path)
    assert "assets[9999] (id 'dataset:bad'), field 'tags'" in str(caught.value)
    assert graph_content(graph) == before
