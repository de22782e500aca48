"""Retire, never lose: mlg retire / restore, and what queries show of retired things."""

from __future__ import annotations

import json

from click.testing import CliRunner

import mlg
from mlg.batch import Batch
from mlg.cli.main import main
from tests.lifecycle.test_sync import dump

ESTATE = [
    {"id": "d:raw", "kind": "dataset", "name": "raw"},
    {"id": "d:clean", "kind": "dataset", "name": "clean", "derived_from": ["d:raw"]},
    {"id": "m:ranker", "kind": "model", "name": "ranker", "trained_on": ["d:clean"]},
    {"id": "s:api", "kind": "service", "name": "api", "serves": ["m:ranker"]},
]


def load(g: mlg.Graph) -> None:
    g.ingest_batch(Batch.from_records(assets=ESTATE, source="team"), sync=True)


def test_retire_then_restore_is_a_round_trip(graph):
    load(graph)
    before = dump(graph)
    lineage_before = graph.lineage("d:raw", "down").ids
    change = graph.retire("m:ranker", "replaced by ranker v2")
    assert change.changed and change.edges == 2
    assert graph.lineage("d:raw", "down").ids == ["d:raw", "d:clean"]
    assert graph.lineage("s:api", "up").ids == ["s:api"]
    assert [h.asset.id for h in graph.search("ranker")] == []
    asset = graph.get("m:ranker")
    assert asset.retired and asset.retired_reason == "replaced by ranker v2"
    assert not graph.retire("m:ranker").changed  # idempotent
    assert set(graph.lineage("d:raw", "down", include_retired=True).ids) == set(lineage_before)
    assert [h.asset.id for h in graph.search("ranker", include_retired=True)] == ["m:ranker"]

    change = graph.restore("m:ranker")
    assert change.changed and change.edges == 2
    assert not graph.restore("m:ranker").changed
    assert graph.lineage("d:raw", "down").ids == lineage_before
    assert [h.asset.id for h in graph.search("ranker")] == ["m:ranker"]
    after = dump(graph)
    # the same state, plus the two retired intervals kept as history
    assert after["assets"] == before["assets"] and after["live"] == before["live"]
    assert len(after["retired"]) == 2 and all(r["e.sources"] == [] for r in after["retired"])


def test_a_manual_retirement_survives_a_sync(graph):
    load(graph)
    graph.retire("m:ranker")
    load(graph)
    assert graph.get("m:ranker").retired
    graph.restore("m:ranker")
    assert not graph.get("m:ranker").retired


def test_retired_assets_leave_stats_reports_impact_and_paths(graph):
    load(graph)
    graph.retire("d:clean")
    assert graph.stats().assets == 3
    assert len(graph.impact("d:raw").affected) == 0
    assert len(graph.impact("d:raw", include_retired=True).affected) == 3
    assert not graph.path_between("s:api", "d:raw").found
    assert graph.path_between("s:api", "d:raw", include_retired=True).found
    assert "d:clean" not in [a.id for a in graph.reuse_report().unowned]


def test_cli_retire_restore_and_include_retired(db_path):
    with mlg.open(db_path) as g:
        load(g)
    run = CliRunner().invoke
    db = ["--db", str(db_path)]
    result = run(main, ["retire", "m:ranker", "--reason", "gone", "--format", "json", *db])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == {"asset": "m:ranker", "changed": True, "edges": 2}
    out = run(main, ["lineage", "d:raw", "--down", "--format", "json", *db])
    assert [n["id"] for n in json.loads(out.output)["nodes"]] == ["d:raw", "d:clean"]
    out = run(main, ["lineage", "d:raw", "--down", "--include-retired", "--format", "json", *db])
    assert {n["id"] for n in json.loads(out.output)["nodes"]} == {"d:raw", "d:clean", "m:ranker", "s:api"}
    out = run(main, ["show", "m:ranker", *db])
    assert "RETIRED" in out.output and "gone" in out.output
    out = run(main, ["search", "ranker", "--include-retired", "--format", "json", *db])
    assert [h["id"] for h in json.loads(out.output)["hits"]] == ["m:ranker"]
    assert run(main, ["restore", "m:ranker", *db]).output.startswith("restored m:ranker and 2 edges")
    out = run(main, ["lineage", "d:raw", "--down", "--format", "json", *db])
    assert len(json.loads(out.output)["nodes"]) == 4


def test_cli_ingest_sync(db_path, tmp_path):
    import yaml

    manifest = tmp_path / "team.yaml"
    manifest.write_text(yaml.safe_dump({"source": "team", "assets": ESTATE}))
    run = CliRunner().invoke
    db = ["--db", str(db_path)]
    assert run(main, ["ingest", "--sync", str(manifest), *db]).exit_code == 0
    manifest.write_text(yaml.safe_dump({"source": "team", "assets": ESTATE[:2]}))
    out = run(main, ["ingest", "--sync", str(manifest), "--format", "json", *db])
    report = json.loads(out.output)
    assert report["assets_retired"] == 2 and report["relations_retired"] == 2
    out = run(main, ["ingest", "--sync", str(manifest), "--format", "json", *db])
    assert json.loads(out.output)["assets_retired"] == 0
