"""Bad arguments, hostile strings and write attempts come back as tool errors carrying
mlg's clear message — never a traceback — and leave the graph as it was."""

from __future__ import annotations

import shutil

import pytest
from mcp import Client

from mlg.mcp.server import build_server
from tests.conftest import graph_content
from tests.graph_holder import GraphHolder
from tests.mcp.conftest import HUB, error_text, payload

pytestmark = pytest.mark.anyio

HOSTILE = [
    "x' OR 1=1 //",
    "'}) MATCH (a) DETACH DELETE a //",
    "$id",
    "a\x00b",
    "\u202edataset:raw\u202c",
    "😀" * 50,
    "x" * 20_000,
    "../../etc/passwd",
    "",
]


def assert_clean(text: str) -> None:
    assert "Traceback" not in text and 'File "' not in text, text


async def test_unknown_and_ambiguous_assets_name_what_to_use(sample_db):
    async with Client(build_server(sample_db)) as client:
        unknown = error_text(await client.call_tool("impact", {"asset": "dataset:raw.playback_event"}))
        ambiguous = error_text(await client.call_tool("show", {"asset": "recs.home_ranker"}))
        no_path = error_text(await client.call_tool("path", {"source": HUB, "target": "nope"}))
    assert unknown == (
        "no asset with id or name 'dataset:raw.playback_event'; did you mean: dataset:raw.playback_events"
    )
    assert ambiguous == (
        "'recs.home_ranker' names 4 assets; use one of these ids: model:recs.home_ranker@1, "
        "model:recs.home_ranker@2, model:recs.home_ranker@3, model:recs.home_ranker@4"
    )
    assert no_path == "no asset with id or name 'nope'"


async def test_arguments_outside_the_schema_are_tool_errors(sample_db):
    async with Client(build_server(sample_db)) as client:
        kind = error_text(await client.call_tool("lineage", {"asset": HUB, "kinds": ["table"]}))
        direction = error_text(await client.call_tool("lineage", {"asset": HUB, "direction": "sideways"}))
        limit = error_text(await client.call_tool("search", {"text": "x", "limit": 0}))
        depth = error_text(await client.call_tool("lineage", {"asset": HUB, "depth": -1}))
        missing = error_text(await client.call_tool("impact", {}))
        empty = error_text(await client.call_tool("search", {"text": "  "}))
        runs = error_text(await client.call_tool("runs", {"workflow": HUB}))
    assert "kinds.0" in kind and "'dataset'" in kind
    assert "direction" in direction and "'up'" in direction
    assert "limit" in limit and "greater than or equal to 1" in limit
    assert "depth" in depth
    assert "asset" in missing and "required" in missing.lower()
    assert empty == "give text to search for, or a filter (kind, owner, tag, domain) to list assets"
    assert runs == "dataset:raw.playback_events is a dataset; runs belong to workflows"
    for text in (kind, direction, limit, depth, missing, runs):
        assert_clean(text)


@pytest.mark.parametrize("hostile", HOSTILE, ids=lambda s: repr(s[:12]))
async def test_hostile_strings_give_answers_or_tool_errors_and_change_nothing(tmp_path, sample_db, hostile):
    path = tmp_path / "copy.kuzu"
    shutil.copyfile(sample_db, path)
    import mlg

    with mlg.open(path, read_only=True) as g:
        before = graph_content(g)
    async with Client(build_server(path)) as client:
        results = [
            await client.call_tool("show", {"asset": hostile}),
            await client.call_tool("impact", {"asset": hostile}),
            await client.call_tool("lineage", {"asset": hostile, "direction": "up"}),
            await client.call_tool("path", {"source": hostile, "target": HUB}),
            await client.call_tool("uses", {"asset": hostile}),
            await client.call_tool("runs", {"workflow": hostile}),
            await client.call_tool("search", {"text": hostile or "x", "owner": hostile or None}),
            await client.call_tool(
                "query", {"cypher": "MATCH (a:Asset {id: $id}) RETURN a.id", "params": {"id": hostile}}
            ),
        ]
    for result in results[:6]:  # no asset has such an id or name
        text = error_text(result)
        assert_clean(text)
        assert text.startswith(("no asset with id or name", "'")) or "names" in text, text
    assert not results[6].is_error or "no owner" in results[6].content[0].text
    assert payload(results[7])["rows"] == []
    with mlg.open(path, read_only=True) as g:
        assert graph_content(g) == before


WRITES = [
    "MATCH (a:Asset) DETACH DELETE a",
    "CREATE (:Asset {id: 'x', kind: 'dataset', name: 'x'})",
    "MATCH (a:Asset {id: $id}) SET a.name = 'pwned' RETURN a.id",
    "MERGE (o:Owner {id: 'mallory'})",
    "COPY Asset TO '/tmp/issue18-leak.csv'",
    "MATCH (a:Asset) RETURN a.id; MATCH (a:Asset) DETACH DELETE a",
    "CHECKPOINT",
    "DROP TABLE Asset",
    "   /* comment */ create (:Asset {id: 'y'})",
]


@pytest.mark.parametrize("cypher", WRITES)
async def test_writes_through_cypher_are_refused(tmp_path, sample_db, cypher):
    import mlg

    path = tmp_path / "copy.kuzu"
    shutil.copyfile(sample_db, path)
    with mlg.open(path, read_only=True) as g:
        before = graph_content(g)
    async with Client(build_server(path, write=True)) as client:  # even a --write server
        params = {"id": HUB} if "$id" in cypher else {}
        result = await client.call_tool("query", {"cypher": cypher, "params": params})
    text = error_text(result)
    assert_clean(text)
    with mlg.open(path, read_only=True) as g:
        assert graph_content(g) == before


async def test_bad_cypher_gives_kuzus_message(sample_db):
    async with Client(build_server(sample_db)) as client:
        text = error_text(await client.call_tool("query", {"cypher": "MATCH (a:Nope) RETURN a"}))
    assert "Nope" in text
    assert_clean(text)


async def test_a_read_only_server_has_no_ingest_tool(sample_db):
    async with Client(build_server(sample_db)) as client:
        result = await client.call_tool("ingest", {"paths": ["/etc"]})
    assert "ingest" in error_text(result)


async def test_a_missing_graph_is_a_tool_error(tmp_path):
    async with Client(build_server(tmp_path / "none.kuzu")) as client:
        text = error_text(await client.call_tool("stats", {}))
    assert text.startswith("no graph at ") and "mlg sample" in text


async def test_a_graph_held_by_a_writer_is_a_tool_error_until_it_is_released(tmp_path, sample_db):

    path = tmp_path / "held.kuzu"
    shutil.copyfile(sample_db, path)
    with GraphHolder(path) as holder:
        async with Client(build_server(path)) as client:
            held = error_text(await client.call_tool("stats", {}))
            holder.release()  # the writer closes the graph and exits
            after = payload(await client.call_tool("stats", {}))
    assert (
        held
        == f"graph at {path} is in use: it is open for writing by another process; close that process first."
    )
    assert after["assets"] == 476
