"""search, uses, report, query through the real CLI (click's runner, real Kuzu)."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from click.testing import CliRunner

from mlg.cli.main import main
from tests.conftest import graph_content

MANIFEST = {
    "owners": [{"id": "team-home", "kind": "team", "name": "Home Experience"}],
    "assets": [
        {
            "id": "dataset:raw",
            "kind": "dataset",
            "name": "raw",
            "tags": ["deprecated"],
            "description": "Raw page views.",
            "owners": ["team-home"],
        },
        {
            "id": "dataset:home",
            "kind": "dataset",
            "name": "home",
            "domain": "web",
            "description": "Page views, cleaned.",
            "derived_from": ["dataset:raw"],
            "owners": ["team-home"],
        },
        {
            "id": "model:home_ranker@1",
            "kind": "model",
            "name": "home_ranker",
            "tags": ["tier-1"],
            "description": "Orders the rows of the start page.",
            "trained_on": ["dataset:home"],
            "owners": ["team-home"],
        },
        {
            "id": "service:homepage-api",
            "kind": "service",
            "name": "homepage-api",
            "serves": ["model:home_ranker@1"],
        },
    ],
}


@pytest.fixture
def run(db_path, tmp_path):
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, ["--db", str(db_path), *args], catch_exceptions=False)

    path = tmp_path / "estate.yaml"
    path.write_text(yaml.safe_dump(MANIFEST))
    assert invoke("ingest", str(path)).exit_code == 0
    return invoke


def test_search_table_json_csv(run):
    table = run("search", "home")
    assert table.exit_code == 0, table.output
    lines = [line for line in table.output.splitlines() if "home" in line]
    assert lines[0].split()[0] == "exact" and "dataset:home" in lines[0]
    assert "4 hits" in table.output and "cut" not in table.output

    found = json.loads(run("search", "home", "--format", "json").output)
    assert found["truncated"] is False and found["total"] == 4
    assert [(h["id"], h["match"]) for h in found["hits"]] == [
        ("dataset:home", "exact"),
        ("model:home_ranker@1", "prefix"),
        ("service:homepage-api", "prefix"),
        ("dataset:raw", "text"),  # owned by Home Experience
    ]
    assert set(found["hits"][0]) >= {"id", "kind", "name", "tags", "match", "score"}

    rows = list(csv.DictReader(io.StringIO(run("search", "rank", "--format", "csv").output)))
    assert [(r["id"], r["match"], r["tags"]) for r in rows] == [
        ("model:home_ranker@1", "prefix", '["tier-1"]')
    ]


def test_a_search_cut_at_the_limit_says_so(run):
    table = run("search", "home", "--limit", "2")
    assert "cut: showing 2 of 4 matches (--limit 2)" in table.output
    listed = run("search", "", "--owner", "team-home", "--limit", "1")
    assert "cut: showing 1 of 3 matches" in listed.output
    found = json.loads(run("search", "home", "--limit", "2", "--format", "json").output)
    assert len(found["hits"]) == 2 and found["truncated"] is True and found["total"] == 4
    as_csv = run("search", "home", "--limit", "3", "--format", "csv")
    assert as_csv.stdout.count("\n") == 4  # header and 3 rows; the note goes to stderr
    assert "cut: showing 3 of 4" in as_csv.stderr


def test_search_filters_and_listing(run):
    hits = json.loads(
        run("search", "--owner", "home experience", "--kind", "dataset", "--format", "json").output
    )
    assert [h["id"] for h in hits["hits"]] == ["dataset:home", "dataset:raw"]
    hits = json.loads(run("search", "page", "--tag", "tier-1", "--format", "json").output)
    assert [h["id"] for h in hits["hits"]] == ["model:home_ranker@1"]
    hits = json.loads(run("search", "home", "--domain", "web", "--limit", "1", "--format", "json").output)
    assert [h["id"] for h in hits["hits"]] == ["dataset:home"]


def test_search_errors(run):
    nothing = run("search")
    assert nothing.exit_code == 2 and "give TEXT" in nothing.output
    owner = run("search", "x", "--owner", "home")
    assert owner.exit_code == 1 and "team-home" in owner.output
    none = run("search", "zzz")
    assert none.exit_code == 0 and "no asset matches 'zzz'" in none.output


def test_search_with_hostile_text_changes_nothing(run, db_path):
    import mlg

    for text in ("'); MATCH (n) DETACH DELETE n; //", '"', "\\", "OR 1=1", "[bold]x[/]"):
        result = run("search", text)
        assert result.exit_code == 0, result.output
    with mlg.open(db_path, read_only=True) as g:
        assert len(graph_content(g)["assets"]) == 4


def test_uses(run):
    table = run("uses", "home")
    assert table.exit_code == 0, table.output
    assert "1 direct, 2 downstream in all" in table.output
    assert "model:home_ranker@1" in table.output and "team-home" in table.output
    data = json.loads(run("uses", "dataset:raw", "--format", "json").output)
    assert [d["id"] for d in data["direct"]] == ["dataset:home"]
    assert data["downstream_by_kind"] == {"dataset": 1, "model": 1, "service": 1}
    rows = list(csv.DictReader(io.StringIO(run("uses", "raw", "--format", "csv").output)))
    assert rows == [
        {
            "id": "dataset:home",
            "kind": "dataset",
            "name": "home",
            "relation": "derived_from",
            "owners": '["team-home"]',
        }
    ]
    missing = run("uses", "nope")
    assert missing.exit_code == 1 and "no asset" in missing.output


def test_report(run):
    table = run("report")
    assert table.exit_code == 0, table.output
    assert "most reused datasets" in table.output
    assert "assets without an owner: 1" in table.output and "service:homepage-api" in table.output
    assert "DEPRECATED" in table.output and "dataset:raw" in table.output
    data = json.loads(run("report", "--format", "json", "--top", "1").output)
    assert [d["id"] for d in data["datasets"]] == ["dataset:home"]
    # --limit is the one name for "how many"; --top, its older name, means the same
    assert json.loads(run("report", "--format", "json", "--limit", "1").output) == data
    [dep] = data["deprecated_in_use"]
    assert dep["id"] == "dataset:raw" and dep["services"] == 1 and dep["tier1_models"] == 1
    assert {r["id"] for r in dep["reaches"]} == {"model:home_ranker@1", "service:homepage-api"}


def test_query_read(run):
    result = run(
        "query", "MATCH (a:Asset) WHERE a.kind = $k RETURN a.id AS id, a.tags AS tags", "--param", "k=model"
    )
    assert result.exit_code == 0, result.output
    assert "model:home_ranker@1" in result.output and "1 row" in result.output
    data = json.loads(
        run(
            "query",
            "RETURN $n AS n, $l AS l, $s AS s, $t AS t",
            "--param",
            "n=3",
            "--param",
            "l=[1, 2]",
            "--param",
            "s=hello world",
            "--param",
            "t=true",
            "--format",
            "json",
        ).output
    )
    assert data == [{"n": 3, "l": [1, 2], "s": "hello world", "t": True}]
    out = run(
        "query", "MATCH (a:Asset) RETURN a.id AS id, a.created_at AS c ORDER BY id LIMIT 1", "--format", "csv"
    ).output
    assert out.splitlines()[0] == "id,c" and out.splitlines()[1].startswith("dataset:home,")
    node = json.loads(
        run(
            "query", "MATCH (a:Asset {id: $i}) RETURN a", "--param", "i=dataset:raw", "--format", "json"
        ).output
    )
    assert node[0]["a"]["tags"] == ["deprecated"]


def test_query_is_read_only_unless_write(run, db_path):
    refused = run("query", "MATCH (a:Asset) DETACH DELETE a")
    assert refused.exit_code == 1 and "--write" in refused.output
    assert "Traceback" not in refused.output
    bad = run("query", "MATCH (a:Asset RETURN a")
    assert bad.exit_code == 1 and "Parser exception" in bad.output
    assert "Traceback" not in bad.output
    wrong = run("query", "RETURN 1", "--param", "novalue")
    assert wrong.exit_code == 2 and "NAME=VALUE" in wrong.output
    wrote = run(
        "query",
        "MATCH (a:Asset {id: $i}) SET a.description = $d RETURN a.id AS id",
        "--param",
        "i=dataset:raw",
        "--param",
        "d=Kayak rentals",
        "--write",
    )
    assert wrote.exit_code == 0, wrote.output
    found = json.loads(run("search", "kayaks", "--format", "json").output)
    assert [h["id"] for h in found["hits"]] == ["dataset:raw"]


@pytest.mark.parametrize("name", ["search", "uses", "report", "query"])
def test_help(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0 and main.commands[name].help
