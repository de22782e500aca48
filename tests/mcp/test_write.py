"""`mlg mcp --write`: the ingest tool, all or nothing and idempotent, as `Graph.ingest`."""

from __future__ import annotations

import pytest
from mcp import Client

import mlg
from mlg.mcp.server import build_server
from mlg.sample import sample_paths
from tests.conftest import REPO
from tests.mcp.conftest import WORKFLOW, error_text, payload

pytestmark = pytest.mark.anyio


async def test_ingest_manifests_then_openlineage_events(tmp_path):
    path = tmp_path / "new.kuzu"
    async with Client(build_server(path, write=True)) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        first = payload(
            await client.call_tool(
                "ingest", {"paths": [str(p) for p in sample_paths()], "format": "manifest"}
            )
        )
        again = payload(await client.call_tool("ingest", {"paths": [str(p) for p in sample_paths()]}))
        events = payload(
            await client.call_tool("ingest", {"paths": [str(REPO / "sample_data" / "openlineage")]})
        )
        runs = payload(await client.call_tool("runs", {"workflow": WORKFLOW}))
    assert tools["ingest"].annotations.read_only_hint is False
    assert tools["ingest"].annotations.idempotent_hint is True
    assert first["assets_added"] == 476 and first["relations_added"] == 1552 and first["changed"] is True
    assert again["changed"] is False and again["assets_unchanged"] == 476
    assert events["events"] == 33 and events["runs_added"] == 14 and events["skipped"] == []
    assert runs["count"] == 3
    with mlg.open(path, read_only=True) as g:
        assert g.stats().assets == 480


async def test_a_bad_manifest_is_refused_whole_with_the_file_and_field(tmp_path):
    path = tmp_path / "g.kuzu"
    good = tmp_path / "good.yaml"
    good.write_text("assets:\n  - {id: 'dataset:a', kind: dataset, name: a}\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text("assets:\n  - {id: 'model:m', kind: modle, name: m}\n")
    async with Client(build_server(path, write=True)) as client:
        text = error_text(await client.call_tool("ingest", {"paths": [str(good), str(bad)]}))
        missing = error_text(await client.call_tool("ingest", {"paths": [str(tmp_path / "nope.yaml")]}))
        stats = payload(await client.call_tool("stats", {}))
    assert text.startswith("ingest rejected, nothing was written (1 problem)")
    assert "bad.yaml" in text and "'kind'" in text
    assert "nope.yaml" in missing
    assert stats["assets"] == 0
