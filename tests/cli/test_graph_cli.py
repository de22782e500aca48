"""init, sample, ingest, stats, show through the real CLI (click's runner, real Kuzu)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import mlg
from mlg.cli.main import main
from mlg.schema import KINDS, RELATION_TYPES


@pytest.fixture
def run(db_path):
    runner = CliRunner()

    def invoke(*args: str, db: str | None = None):
        return runner.invoke(main, ["--db", str(db or db_path), *args], catch_exceptions=False)

    return invoke


def test_init_creates_an_empty_graph(run, db_path):
    result = run("init")
    assert result.exit_code == 0
    assert result.output == f"graph ready at {db_path}\n"
    stats = run("stats")
    assert stats.exit_code == 0
    assert "0 assets" in stats.output and "mlg sample" in stats.output


def test_db_after_the_command(tmp_path, monkeypatch):
    monkeypatch.delenv("MLG_DB", raising=False)
    path, other = tmp_path / "after.kuzu", tmp_path / "before.kuzu"
    runner = CliRunner()
    assert runner.invoke(main, ["init", "--db", str(path)]).exit_code == 0
    assert path.exists()
    result = runner.invoke(main, ["--db", str(other), "stats", "--db", str(path), "--format", "json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["assets"] == 0
    assert not other.exists()  # the one after the command wins
    for command in main.commands.values():
        assert any(p.name == "db" for p in command.params), f"mlg {command.name} takes no --db"


def test_db_from_environment(tmp_path, monkeypatch):
    path = tmp_path / "env.kuzu"
    monkeypatch.setenv("MLG_DB", str(path))
    result = CliRunner().invoke(main, ["init"])
    assert result.exit_code == 0 and str(path) in result.output
    assert path.exists()


def test_stats_on_a_missing_graph_is_a_user_error(run, tmp_path):
    result = run("stats", db=str(tmp_path / "none.kuzu"))
    assert result.exit_code == 1
    assert "no graph at" in result.output and "mlg init" in result.output


def test_sample_then_stats(run):
    loaded = run("sample")
    assert loaded.exit_code == 0 and "ingested into" in loaded.output
    again = run("sample")
    assert again.exit_code == 0 and again.output.startswith("nothing changed")
    stats = json.loads(run("stats", "--format", "json").output)
    assert stats["assets"] >= 400 and stats["relations"] >= 1000 and stats["owners"] >= 10
    assert set(stats["assets_by_kind"]) == set(KINDS)
    # part_of (job hierarchy) comes from OpenLineage parent facets; the manifest estate has none
    assert set(stats["relations_by_type"]) == set(RELATION_TYPES) - {"part_of"}
    table = run("stats").output
    assert "assets by kind" in table and "relations by type" in table


def test_show_by_id_and_by_name(run, sample_graph, sample_db):
    rows = sample_graph.store.rows(
        "MATCH (a:Asset) WHERE a.kind = 'model' RETURN a.id AS id, a.name AS name ORDER BY a.id"
    )
    names = [r["name"] for r in rows]
    unique = (
        next(r for r in rows if names.count(r["name"]) == 1)
        if any(names.count(n) == 1 for n in names)
        else None
    )
    target = rows[0]["id"]
    out = run("show", target, db=str(sample_db))
    assert out.exit_code == 0
    assert target in out.output and "upstream (depends on)" in out.output
    data = json.loads(run("show", target, "--format", "json", db=str(sample_db)).output)
    detail = sample_graph.detail(target)
    assert data["id"] == target
    assert [u["id"] for u in data["upstream"]] == [n.asset.id for n in detail.upstream]
    assert [d["id"] for d in data["downstream"]] == [n.asset.id for n in detail.downstream]
    assert {o["id"] for o in data["owners"]} == {o.id for o in detail.owners}
    if unique:
        by_name = json.loads(run("show", unique["name"], "--format", "json", db=str(sample_db)).output)
        assert by_name["id"] == unique["id"]


def test_show_every_sample_asset_works(sample_graph, sample_db):
    runner = CliRunner()
    ids = [r["id"] for r in sample_graph.store.rows("MATCH (a:Asset) RETURN a.id AS id")]
    for asset_id in ids[::25]:
        result = runner.invoke(main, ["--db", str(sample_db), "show", asset_id])
        assert result.exit_code == 0, (asset_id, result.output)


def test_show_ambiguous_name_lists_candidates(run, db_path, tmp_path):
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "assets:\n  - {id: 'model:r@1', kind: model, name: ranker}\n"
        "  - {id: 'model:r@2', kind: model, name: ranker}\n"
    )
    assert run("ingest", str(manifest)).exit_code == 0
    result = run("show", "ranker")
    assert result.exit_code == 1
    assert result.output == ("error: 'ranker' names 2 assets; use one of these ids: model:r@1, model:r@2\n")


def test_show_unknown_asset_suggests(run, tmp_path):
    manifest = tmp_path / "m.yaml"
    manifest.write_text("assets:\n  - {id: 'dataset:plays', kind: dataset}\n")
    run("ingest", str(manifest))
    result = run("show", "plays")
    assert result.exit_code == 1
    assert result.output == "error: no asset with id or name 'plays'; did you mean: dataset:plays\n"


def test_ingest_errors_are_one_message_not_a_traceback(run, tmp_path, db_path):
    manifest = tmp_path / "bad.yaml"
    manifest.write_text("assets:\n  - {id: m, kind: modle}\n")
    result = run("ingest", str(manifest))
    assert result.exit_code == 1
    assert result.output.startswith("error: ingest rejected, nothing was written (1 problem):")
    assert f"{manifest}: assets[0] (id 'm'), field 'kind': unknown kind 'modle'" in result.output
    assert "Traceback" not in result.output
    with mlg.open(db_path, read_only=True) as g:
        assert g.stats().assets == 0


def test_ingest_json_report(run, tmp_path):
    manifest = tmp_path / "ok.json"
    manifest.write_text('{"assets": [{"id": "d", "kind": "dataset"}]}')
    data = json.loads(run("ingest", str(manifest), "--format", "json").output)
    assert data["assets_added"] == 1 and data["files"] == [str(manifest)]


def test_usage_error_exits_2(run):
    result = run("show")
    assert result.exit_code == 2


def test_every_command_has_help_and_is_in_the_readme():
    from tests.conftest import REPO

    readme = (REPO / "README.md").read_text()
    for name, command in main.commands.items():
        assert command.help, name
        assert f"mlg {name}" in readme, f"`mlg {name}` is not documented in the README"


def test_show_prints_user_text_literally(run, tmp_path):
    manifest = tmp_path / "m.yaml"
    manifest.write_text(
        "assets:\n  - id: 'model:smile:x'\n    kind: model\n    name: 'weird [/] [bold]name'\n"
        "    description: 'uses [red]markup[/red] :ab:'\n"
    )
    assert run("ingest", str(manifest)).exit_code == 0
    result = run("show", "model:smile:x")
    assert result.exit_code == 0, result.output
    assert "weird [/] [bold]name" in result.output
    assert "model:smile:x" in result.output and "uses [red]markup[/red] :ab:" in result.output


def test_with_format_json_errors_are_json_on_stderr_and_exit_codes_stay():
    runner = CliRunner()
    result = runner.invoke(main, ["--db", "/nonexistent/dir/g.kuzu", "stats", "--format", "json"])
    assert result.exit_code == 1
    error = json.loads(result.stderr)
    assert error["kind"] == "GraphError" and "no graph at" in error["error"]
    assert result.stdout == ""
    plain = runner.invoke(main, ["--db", "/nonexistent/dir/g.kuzu", "stats"])
    assert plain.exit_code == 1 and plain.stderr.startswith("error: no graph at")
    usage = runner.invoke(main, ["lineage", "x", "--depth", "0", "--format=json"])
    assert usage.exit_code == 2
    assert json.loads(usage.stderr)["kind"] == "BadParameter"


def test_an_unknown_backend_url_is_refused_by_name(tmp_path):
    result = CliRunner().invoke(main, ["--db", "nosuch://host/g", "stats", "--format", "json"])
    assert result.exit_code == 1
    assert (
        json.loads(result.stderr)
        == {
            "error": json.loads(result.stderr)["error"],
            "kind": "GraphError",
        }
        and "no storage backend for nosuch://" in json.loads(result.stderr)["error"]
    )
