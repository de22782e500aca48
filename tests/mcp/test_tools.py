"""Every tool, called through the SDK's in-process client on the sample estate, answers
what the Python API answers — bounded, and saying when it was cut."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from mcp import Client

import mlg
from mlg.cli.main import main
from mlg.mcp.server import build_server
from tests.mcp.conftest import HUB, MODEL, SERVICE, WORKFLOW, payload

pytestmark = pytest.mark.anyio

READ_TOOLS = {"search", "show", "lineage", "impact", "path", "uses", "report", "runs", "query", "stats"}


async def test_lists_the_read_tools_with_descriptions_and_read_only_hints(sample_db):
    async with Client(build_server(sample_db)) as client:
        tools = (await client.list_tools()).tools
    assert {t.name for t in tools} == READ_TOOLS
    for tool in tools:
        assert tool.description and len(tool.description) > 40, tool.name
        assert tool.annotations is not None and tool.annotations.read_only_hint is True, tool.name
    lineage = next(t for t in tools if t.name == "lineage")
    props = lineage.input_schema["properties"]
    assert set(props) == {"asset", "direction", "depth", "kinds", "types", "limit"}
    assert lineage.input_schema["required"] == ["asset"]


async def test_the_done_when_question_is_one_impact_call_matching_mlg_impact(sample_db):
    """ "Which production services and teams are affected if dataset:raw.playback_events
    changes?" — one impact call; the same services and teams, in the same order, as
    `mlg impact --format json`."""
    cli = CliRunner().invoke(main, ["--db", str(sample_db), "impact", HUB, "--format", "json"])
    assert cli.exit_code == 0, cli.output
    expected = json.loads(cli.output)
    async with Client(build_server(sample_db)) as client:
        answer = payload(await client.call_tool("impact", {"asset": HUB}))
    # services, experiments and teams come whole; only the long tail of other assets is cut
    assert (
        answer["truncated_reason"] == "other affected assets (nearest first): showing 50 of 290 (raise limit)"
    )
    assert answer["affected_count"] == expected["affected_count"] == 343
    assert [s["id"] for s in answer["services"]] == [s["id"] for s in expected["services"]]
    assert len(answer["services"]) == 32
    assert [t["id"] for t in answer["notify"]["teams"]] == [t["id"] for t in expected["notify"]["teams"]]
    assert [t["affected"] for t in answer["notify"]["teams"]] == [
        t["affected"] for t in expected["notify"]["teams"]
    ]
    assert {k: len(v) for k, v in expected["affected"].items()} == answer["affected_by_kind"]
    # each service says how it is reached: the last hop of the CLI's path
    for ours, theirs in zip(answer["services"], expected["services"]):
        assert ours["via"] == {
            "id": theirs["path"]["assets"][-2],
            "relation": theirs["path"]["relations"][-1],
        }
        assert (
            ours["owners"] == [o["id"] for o in theirs["owners"]] and ours["distance"] == theirs["distance"]
        )


async def test_impact_cut_by_limit_says_what_was_cut(sample_db, sample_graph):
    async with Client(build_server(sample_db)) as client:
        answer = payload(await client.call_tool("impact", {"asset": HUB, "limit": 5, "with_paths": True}))
    full = sample_graph.impact(HUB)
    assert answer["truncated"] is True
    assert "services: showing 5 of 32" in answer["truncated_reason"]
    assert "teams: showing 5 of 12" in answer["truncated_reason"]
    assert [s["id"] for s in answer["services"]] == [s.asset.id for s in full.services[:5]]
    assert answer["services"][0]["path"] == full.services[0].path.text()
    assert len(answer["other_affected"]) == 5
    assert answer["affected_count"] == len(full.affected)  # counts stay whole


async def test_search_matches_the_api_and_says_when_there_are_more(sample_db, sample_graph):
    async with Client(build_server(sample_db)) as client:
        answer = payload(await client.call_tool("search", {"text": "ranker", "limit": 3}))
        filtered = payload(
            await client.call_tool("search", {"text": "ranker", "kind": "model", "limit": 200})
        )
        listed = payload(await client.call_tool("search", {"kind": "service", "limit": 200}))
    assert [h["id"] for h in answer["hits"]] == [h.asset.id for h in sample_graph.search("ranker", limit=3)]
    assert answer["truncated"] is True and "more than 3 hits" in answer["truncated_reason"]
    assert [h["id"] for h in filtered["hits"]] == [
        h.asset.id for h in sample_graph.search("ranker", kind="model", limit=200)
    ]
    assert filtered["truncated"] is False and all(h["kind"] == "model" for h in filtered["hits"])
    assert listed["count"] == 33 and listed["truncated"] is False


async def test_show_matches_detail(sample_db, sample_graph):
    async with Client(build_server(sample_db)) as client:
        answer = payload(await client.call_tool("show", {"asset": MODEL}))
        cut = payload(await client.call_tool("show", {"asset": HUB, "limit": 2}))
    detail = sample_graph.detail(MODEL)
    assert answer["id"] == MODEL and answer["tags"] == list(detail.asset.tags)
    assert [o["id"] for o in answer["owners"]] == [o.id for o in detail.owners]
    assert [(n["id"], n["relation"]) for n in answer["upstream"]] == [
        (n.asset.id, n.type) for n in detail.upstream
    ]
    assert [n["id"] for n in answer["downstream"]] == [n.asset.id for n in detail.downstream]
    assert [s["id"] for s in answer["other_versions"]] == [s.id for s in detail.siblings]
    assert answer["truncated"] is False
    hub = sample_graph.detail(HUB)
    assert cut["downstream_count"] == len(hub.downstream) > 2 and len(cut["downstream"]) == 2
    assert (
        cut["truncated"] is True
        and f"downstream: showing 2 of {len(hub.downstream)}" in cut["truncated_reason"]
    )


async def test_lineage_passes_direction_depth_kinds_and_types_through(sample_db, sample_graph):
    async with Client(build_server(sample_db)) as client:
        up = payload(await client.call_tool("lineage", {"asset": MODEL, "direction": "up"}))
        shallow = payload(await client.call_tool("lineage", {"asset": MODEL, "direction": "up", "depth": 1}))
        kinds = payload(
            await client.call_tool(
                "lineage", {"asset": SERVICE, "direction": "up", "kinds": ["model", "dataset"]}
            )
        )
        types = payload(
            await client.call_tool("lineage", {"asset": HUB, "direction": "down", "types": ["derived_from"]})
        )
        capped = payload(await client.call_tool("lineage", {"asset": HUB, "direction": "down", "limit": 10}))
    sub = sample_graph.lineage(MODEL, "up")
    assert {a["id"] for a in up["assets"]} == set(sub.ids) and up["truncated"] is False
    assert {(e["source"], e["type"], e["target"]) for e in up["edges"]} == {
        (e.source, e.type, e.target) for e in sub.relations
    }
    one = sample_graph.lineage(MODEL, "up", depth=1)
    assert {a["id"] for a in shallow["assets"]} == set(one.ids)
    assert shallow["truncated"] is True and shallow["truncated_reason"] == one.truncated_reason
    assert {a["id"] for a in kinds["assets"]} == set(
        sample_graph.lineage(SERVICE, "up", kinds=["model", "dataset"], max_nodes=100).ids
    )
    assert {a["kind"] for a in kinds["assets"]} <= {"model", "dataset", "service"}
    assert any(e["type"] == "indirect" and e["hops"] > 1 for e in kinds["edges"])
    assert {a["id"] for a in types["assets"]} == set(
        sample_graph.lineage(HUB, "down", types=["derived_from"]).ids
    )
    assert {e["type"] for e in types["edges"]} == {"derived_from"}
    ten = sample_graph.lineage(HUB, "down", max_nodes=10)
    assert [a["id"] for a in capped["assets"]][:1] == [HUB] and len(capped["assets"]) == 10
    assert capped["truncated"] is True and capped["truncated_reason"] == ten.truncated_reason


async def test_path_uses_and_report_match_the_api(sample_db, sample_graph):
    async with Client(build_server(sample_db)) as client:
        path = payload(await client.call_tool("path", {"source": SERVICE, "target": HUB, "max_paths": 2}))
        uses = payload(await client.call_tool("uses", {"asset": HUB}))
        report = payload(await client.call_tool("report", {"top": 3}))
    found = sample_graph.path_between(SERVICE, HUB, 2)
    assert path["found"] is True and path["direction"] == "up" == found.direction
    assert path["paths"] == [p.text() for p in found.paths] and path["hops"] == found.hops
    assert path["truncated"] is found.capped
    consumers = sample_graph.consumers(HUB)
    assert [(c["id"], c["relation"]) for c in uses["direct"]] == [
        (c.asset.id, c.relation) for c in consumers.direct
    ]
    assert uses["downstream_by_kind"] == consumers.downstream_by_kind
    assert uses["downstream_total"] == 343
    reuse = sample_graph.reuse_report(top=3)
    assert [d["id"] for d in report["datasets"]] == [d.asset.id for d in reuse.datasets]
    assert [f["id"] for f in report["features"]] == [f.asset.id for f in reuse.features]
    assert report["unowned_total"] == reuse.unowned_total
    assert [d["id"] for d in report["deprecated_in_use"]] == [d.asset.id for d in reuse.deprecated_in_use]


async def test_runs_of_a_workflow(runs_db):
    async with Client(build_server(runs_db)) as client:
        answer = payload(await client.call_tool("runs", {"workflow": WORKFLOW}))
        one = payload(await client.call_tool("runs", {"workflow": "airflow.core_playback_daily", "limit": 1}))
    with mlg.open(runs_db, read_only=True) as graph:
        runs = graph.runs(WORKFLOW)
    assert [r["id"] for r in answer["runs"]] == [r.id for r in runs] and len(runs) == 3
    assert answer["runs"][0]["read"] == [a.id for a in runs[0].inputs]
    assert answer["truncated"] is False
    assert [r["id"] for r in one["runs"]] == [runs[0].id]
    assert one["truncated"] is True and "newest 1" in one["truncated_reason"]


async def test_query_and_stats_match_the_api(sample_db, sample_graph):
    cypher = "MATCH (a:Asset) WHERE a.kind = $kind RETURN a.id AS id, a.tags AS tags ORDER BY id"
    async with Client(build_server(sample_db)) as client:
        rows = payload(await client.call_tool("query", {"cypher": cypher, "params": {"kind": "service"}}))
        cut = payload(
            await client.call_tool("query", {"cypher": cypher, "params": {"kind": "model"}, "limit": 7})
        )
        stats = payload(await client.call_tool("stats", {}))
    frame = sample_graph.query(cypher, {"kind": "service"})
    assert rows["columns"] == ["id", "tags"] and rows["row_count"] == 33
    assert rows["rows"] == [[i, list(t)] for i, t in zip(frame["id"], frame["tags"])]
    assert cut["row_count"] == 75 and len(cut["rows"]) == 7
    assert cut["truncated"] is True and "returned 75 rows; showing the first 7" in cut["truncated_reason"]
    assert stats == sample_graph.stats().to_dict()


async def test_the_graph_is_not_held_between_calls(tmp_path):
    """A writer can open the graph while the server runs: it is opened per call."""
    path = tmp_path / "g.kuzu"
    with mlg.open(path) as g:
        g.load_sample()
    async with Client(build_server(path)) as client:
        payload(await client.call_tool("stats", {}))
        with mlg.open(path) as writer:  # read-write: refused if the server still held it
            writer.query("MATCH (a:Asset {id: $id}) SET a.description = 'changed'", {"id": HUB}, write=True)
        answer = payload(await client.call_tool("show", {"asset": HUB}))
    assert answer["description"] == "changed"
