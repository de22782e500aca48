"""lineage, impact, path, export through the real CLI (click's runner, real Kuzu)."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import mlg
from mlg.cli.main import main
from mlg.export import read_frames
from tests.core.test_impact import DIAMOND, OWNERS, build, chain


@pytest.fixture
def db(db_path):
    with mlg.open(db_path) as g:
        build(g, DIAMOND + chain(45) + [("model:deep", "dataset:c45")], OWNERS, extra=["dataset:island"])
    return db_path


@pytest.fixture
def run(db):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--db", str(db), *args], catch_exceptions=False)

    return invoke


def test_lineage_table_is_grouped_by_distance(run):
    result = run("lineage", "service:home")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("upstream of service home (service:home) — what it depends on: 5 assets")
    rows = [
        cells for cells in (line.split("│") for line in lines if "│" in line) if cells[2].strip()
    ]  # not the second line of a wrapped cell
    assert [(r[0].strip(), r[2].strip()) for r in rows] == [
        ("1", "model:ranker"),
        ("2", "dataset:joined"),
        ("3", "dataset:a"),
        ("", "dataset:b"),
        ("4", "dataset:raw"),
    ]
    assert " ".join(rows[1][3].split()) == "model:ranker (trained_on)"
    assert "truncated" not in result.output


def test_lineage_depth_says_it_was_cut(run):
    result = run("lineage", "service:home", "--depth", "2")
    assert result.exit_code == 0
    assert "2 assets" in result.output
    assert "truncated: depth 2 reached; more lies beyond (raise --depth" in result.output


def test_lineage_both_prints_two_sections(run):
    result = run("lineage", "model:ranker", "--both")
    assert "upstream of model ranker" in result.output
    assert "downstream of model ranker (model:ranker) — what depends on it: 3 assets" in result.output


def test_lineage_json_is_the_design_shape(run):
    data = json.loads(run("lineage", "model:ranker", "--down", "--format", "json").output)
    assert data["truncated"] is False and data["roots"] == ["model:ranker"]
    assert {n["id"]: n["distance"] for n in data["nodes"]} == {
        "model:ranker": 0,
        "service:home": 1,
        "evaluation:offline": 1,
        "experiment:ab": 2,
    }
    assert {"id", "kind", "name", "owners", "is_root"} <= set(data["nodes"][0])
    assert {(e["source"], e["target"], e["type"]) for e in data["edges"]} == {
        ("service:home", "model:ranker", "serves"),
        ("evaluation:offline", "model:ranker", "evaluates"),
        ("experiment:ab", "service:home", "tests"),
    }


def test_lineage_of_a_45_hop_chain_is_whole(run):
    data = json.loads(run("lineage", "model:deep", "--format", "json").output)
    assert len(data["nodes"]) == 47 and data["truncated"] is False
    assert max(n["distance"] for n in data["nodes"]) == 46


def test_lineage_kind_filter_and_type_filter(run):
    data = json.loads(run("lineage", "experiment:ab", "--kind", "dataset", "--format", "json").output)
    assert {n["id"] for n in data["nodes"]} == {
        "experiment:ab",
        "dataset:joined",
        "dataset:a",
        "dataset:b",
        "dataset:raw",
    }
    assert {
        "source": "experiment:ab",
        "target": "dataset:joined",
        "type": "indirect",
        "indirect": True,
        "hops": 3,
    } in data["edges"]
    data = json.loads(run("lineage", "evaluation:offline", "--type", "evaluates", "--format", "json").output)
    assert {n["id"] for n in data["nodes"]} == {"evaluation:offline", "model:ranker"}


def test_lineage_csv_is_the_nodes_table(run):
    output = run("lineage", "model:ranker", "--format", "csv").output
    header, *rows = output.splitlines()
    assert header.startswith("id,kind,name,namespace,") and header.endswith("distance,is_root,deprecated")
    assert len(rows) == 5 and rows[0].startswith("model:ranker,model,ranker,")


def test_impact_report(run):
    result = run("impact", "dataset:joined")
    assert result.exit_code == 0
    out = result.output
    assert out.startswith("Changing dataset joined (dataset:joined) affects 4 assets")
    for title in ("evaluation (1)", "model (1)", "service (1)", "experiment (1)"):
        assert title in out
    assert "dataset:joined <-trained_on- model:ranker <-serves- service:home" in out
    assert (
        "teams to notify (2)\n  Team Recs (team-recs): 2 affected assets\n"
        "  Team Growth (team-growth): 1 affected asset\n"
        "people (1)\n  Bo <bo@example.com>: 1 affected asset\n"
        "production services reached (1)\n"
        "  dataset:joined <-trained_on- model:ranker <-serves- service:home\n"
        "experiments reached (1)\n  dataset:joined"
    ) in out
    assert (
        "<-serves- service:home <-tests- experiment:ab "  # an id, never an emoji
        "every path in full: --format json or --format csv"
    ) in " ".join(line.strip() for line in out.splitlines())


def test_impact_json_and_csv(run):
    data = json.loads(run("impact", "dataset:joined", "--format", "json").output)
    assert data["affected_count"] == 4
    assert [s["id"] for s in data["services"]] == ["service:home"]
    assert [t["id"] for t in data["notify"]["teams"]] == ["team-recs", "team-growth"]
    header, *rows = run("impact", "dataset:joined", "--format", "csv").output.splitlines()
    assert header == "id,kind,name,distance,path,relations,owners"
    assert rows[0].startswith("evaluation:offline,evaluation,offline,1,")  # by distance, kind
    assert rows[1] == (
        'model:ranker,model,ranker,1,"[""dataset:joined"", ""model:ranker""]",'
        '"[""trained_on""]","[""team-recs"", ""bo""]"'
    )


def test_impact_of_a_leaf(run):
    result = run("impact", "experiment:ab")
    assert "affects 0 assets" in result.output and "Nothing depends on it." in result.output


def test_path_table_and_json(run):
    result = run("path", "service:home", "dataset:raw")
    assert result.exit_code == 0
    assert result.output.startswith("service:home depends on dataset:raw: 4 hops, 2 shortest paths")
    assert "path 2" in result.output and "-serves->" in result.output
    data = json.loads(run("path", "dataset:raw", "service:home", "--format", "json").output)
    assert data["direction"] == "down" and data["hops"] == 4 and len(data["paths"]) == 2
    assert data["paths"][0]["assets"][0] == "dataset:raw"


def test_path_undirected_and_not_connected(run):
    result = run("path", "evaluation:offline", "service:home")
    assert " ".join(result.output.split()).startswith(
        "neither depends on the other; evaluation:offline and service:home are connected "
        "(edges followed both ways): 2 hops, 1 shortest path"
    )
    result = run("path", "dataset:island", "dataset:raw")
    assert result.exit_code == 0
    assert result.output == "dataset:island and dataset:raw are not connected.\n"
    data = json.loads(run("path", "dataset:island", "dataset:raw", "--format", "json").output)
    assert data["found"] is False and data["paths"] == []


def test_export_writes_files_and_says_where(run, tmp_path):
    out = tmp_path / "export"
    result = run("export", "service:home", "--kind", "model", "--kind", "dataset", "--out", str(out))
    assert result.exit_code == 0
    assert result.output == f"wrote 6 assets and 6 edges to {out}: nodes.csv, edges.csv\n"
    nodes, edges = read_frames(out)
    assert set(nodes["kind"]) == {"service", "model", "dataset"} and len(edges) == 6
    result = run("export", "model:deep", "--depth", "3", "--out", str(tmp_path / "p"), "--format", "parquet")
    assert "nodes.parquet, edges.parquet" in result.output
    assert "note: the lineage was cut: depth 3 reached" in result.output
    result = run("export", "model:ranker", "--both", "--out", str(tmp_path / "j"), "--format", "json")
    data = json.loads((tmp_path / "j" / "subgraph.json").read_text())
    assert len(data["nodes"]) == 8 and data["truncated"] is False


def test_export_into_a_file_is_a_user_error(run, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    result = run("export", "model:ranker", "--out", str(target))
    assert result.exit_code == 1
    assert f"error: cannot export to {target}: it is a file, not a directory" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("lineage", "nope"),
        ("impact", "nope"),
        ("path", "nope", "dataset:raw"),
        ("path", "dataset:raw", "nope"),
        ("export", "nope", "--out", "unused"),
    ],
)
def test_unknown_asset_exits_1_with_the_message(run, args):
    result = run(*args)
    assert result.exit_code == 1
    assert "error: no asset with id or name 'nope'" in result.output


def test_usage_errors_exit_2(run):
    assert run("lineage", "model:ranker", "--kind", "spaceship").exit_code == 2
    assert run("lineage", "model:ranker", "--depth", "0").exit_code == 2
    assert run("export", "model:ranker").exit_code == 2  # --out is required


def test_read_commands_open_the_graph_read_only(db, run):
    with mlg.open(db, read_only=True):  # another reader is no obstacle
        assert run("lineage", "model:ranker").exit_code == 0


# -- the sample estate's documented landmarks (sample_data/build_estate.py) ----------------


def test_sample_path_from_the_edge_gateway_to_a_raw_source(sample_db):
    result = CliRunner().invoke(
        main,
        [
            "--db",
            str(sample_db),
            "path",
            "service:web-edge-gateway",
            "dataset:raw.ui_impressions",
            "--format",
            "json",
        ],
    )
    data = json.loads(result.output)
    assert data["direction"] == "up" and data["hops"] == 12 and len(data["paths"]) == 5
    assert all(p["assets"][-1] == "dataset:raw.ui_impressions" for p in data["paths"])


def test_sample_impact_of_the_deprecated_dataset_reaches_production(sample_db):
    result = CliRunner().invoke(
        main, ["--db", str(sample_db), "impact", "dataset:legacy.watch_history_v1", "--format", "json"]
    )
    data = json.loads(result.output)
    services = {s["id"]: s["path"]["assets"] for s in data["services"]}
    assert services["service:continue-watching-svc"] == [
        "dataset:legacy.watch_history_v1",
        "model:recs.continue_watching@2",
        "service:continue-watching-svc",
    ]
    assert data["notify"]["teams"] and data["truncated"] is False
