"""The schema resource covers the whole vocabulary; the asset resource is `show`."""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest
from mcp import Client, MCPError

from mlg.mcp.resources import ASSET_URI, SCHEMA_URI
from mlg.mcp.server import build_server
from mlg.schema import KINDS, RELATION_RULES
from tests.mcp.conftest import MODEL, payload

pytestmark = pytest.mark.anyio


async def test_schema_lists_every_kind_and_relation_type_with_its_meaning(sample_db):
    async with Client(build_server(sample_db)) as client:
        listed = (await client.list_resources()).resources
        templates = (await client.list_resource_templates()).resource_templates
        contents = (await client.read_resource(SCHEMA_URI)).contents
    assert [str(r.uri) for r in listed] == [SCHEMA_URI]
    assert [t.uri_template for t in templates] == [ASSET_URI]
    schema = json.loads(contents[0].text)
    assert [k["kind"] for k in schema["kinds"]] == list(KINDS)
    assert all(k["meaning"] for k in schema["kinds"])
    relations = {r["type"]: r for r in schema["relation_types"]}
    assert set(relations) == set(RELATION_RULES)
    assert all(r["meaning"] for r in relations.values())
    assert relations["serves"]["from_to"] == ["service->model"]
    assert "from the dependent asset to what it depends on" in schema["edges"]


async def test_the_asset_resource_is_the_show_answer(runs_db):
    odd = "workflow:airflow://prod-airflow/airflow.qoe_regression_alerts"  # '://' and '/' in an id
    async with Client(build_server(runs_db)) as client:
        shown = payload(await client.call_tool("show", {"asset": MODEL}))
        read = (await client.read_resource(f"mlg://asset/{MODEL}")).contents[0]
        odd_read = (await client.read_resource(f"mlg://asset/{quote(odd, safe='')}")).contents[0]
        with pytest.raises(MCPError) as missing:
            await client.read_resource("mlg://asset/dataset:nope")
    assert read.mime_type == "application/json"
    assert json.loads(read.text) == shown
    assert json.loads(odd_read.text)["id"] == odd
    assert "no asset with id or name 'dataset:nope'" in str(missing.value)
