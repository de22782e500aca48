"""`mlg mcp` as an assistant starts it: a subprocess spoken to over stdio by the SDK's client."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from click.testing import CliRunner
from mcp import Client, StdioServerParameters

from mlg.cli.main import main
from tests.mcp.conftest import HUB, MODEL, payload

pytestmark = pytest.mark.anyio


def mlg_mcp(db, *args: str) -> StdioServerParameters:
    env = {**os.environ, "MLG_DB": str(db)}
    return StdioServerParameters(command=sys.executable, args=["-m", "mlg", "mcp", *args], env=env)


async def test_lineage_and_impact_over_stdio_match_the_api(sample_db, sample_graph):
    async with Client(mlg_mcp(sample_db), read_timeout_seconds=120) as client:
        assert client.server_info.name == "mlg"
        lineage = payload(await client.call_tool("lineage", {"asset": MODEL, "direction": "up", "depth": 2}))
        impact = payload(await client.call_tool("impact", {"asset": HUB}))
        missing = await client.call_tool("impact", {"asset": "nope"})
    sub = sample_graph.lineage(MODEL, "up", depth=2)
    assert {a["id"] for a in lineage["assets"]} == set(sub.ids)
    assert lineage["truncated"] is sub.truncated
    full = sample_graph.impact(HUB)
    assert [s["id"] for s in impact["services"]] == [s.asset.id for s in full.services]
    assert [t["id"] for t in impact["notify"]["teams"]] == [t.owner.id for t in full.teams]
    assert missing.is_error and missing.content[0].text == "no asset with id or name 'nope'"


def test_a_missing_graph_is_refused_at_start(tmp_path):
    result = CliRunner().invoke(main, ["--db", str(tmp_path / "none.kuzu"), "mcp"])
    assert result.exit_code == 1
    assert "no graph at" in result.output and "mlg sample" in result.output


def test_without_the_extra_the_command_names_it(sample_db):
    """The SDK made unimportable in a real subprocess: the message names the extra."""
    code = (
        "import sys\nsys.modules['mcp'] = None\nfrom mlg.cli.main import main\n"
        f"main(['--db', {str(sample_db)!r}, 'mcp'])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 1
    assert out.stderr.strip() == "error: the MCP server needs the mcp extra: pip install 'mlg[mcp]'"


def test_import_mlg_and_help_load_no_mcp_sdk():
    code = (
        "import sys, mlg\nfrom mlg.cli.main import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in sys.modules if m == 'mcp' or m.startswith(('mcp.', 'mcp_types'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert "mcp " in out.stdout  # the command is listed
    assert out.stdout.strip().splitlines()[-1] == "[]"
