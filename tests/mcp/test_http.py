"""`mlg mcp --http`: a real server process on 127.0.0.1, the SDK's HTTP client with the key;
no key, a wrong key, a browser Origin or a foreign Host header are refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.error
import urllib.request

import httpx2
import pytest
from click.testing import CliRunner
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from mlg.cli.main import main
from mlg.mcp.http import is_loopback
from tests.mcp.conftest import HUB, payload

KEY = "s3cret-key-for-tests"
ALLOWED = "http://localhost:6274"
INITIALIZE = json.dumps(
    {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "t", "version": "1"},
        },
    }
).encode()


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def http_server(sample_db):
    """`mlg mcp --http --port 0` with a key; yields its URL once it listens."""
    env = {**os.environ, "MLG_DB": str(sample_db), "MLG_API_KEY": KEY}
    proc = subprocess.Popen(
        [sys.executable, "-m", "mlg", "mcp", "--http", "--port", "0", "--allow-origin", ALLOWED],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stderr.readline()  # printed once the socket listens, or EOF if it died
        assert "listening on http://127.0.0.1:" in line and "(API key required)" in line, line
        yield line.split("listening on ")[1].split()[0]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def post(url: str, headers: dict[str, str]) -> int:
    request = urllib.request.Request(
        url,
        data=INITIALIZE,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "Accept": "application/json, text/event-stream",
            **headers,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


@pytest.mark.anyio
async def test_impact_over_http_with_the_key(http_server, sample_graph):
    async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {KEY}"}) as http:
        async with Client(streamable_http_client(http_server, http_client=http)) as client:
            answer = payload(await client.call_tool("impact", {"asset": HUB}))
            tools = {t.name for t in (await client.list_tools()).tools}
    assert [s["id"] for s in answer["services"]] == [s.asset.id for s in sample_graph.impact(HUB).services]
    assert "ingest" not in tools


def test_no_key_wrong_key_origin_and_foreign_host_are_refused(http_server):
    good = {"Authorization": f"Bearer {KEY}"}
    assert post(http_server, good) == 200
    assert post(http_server, {}) == 401
    assert post(http_server, {"Authorization": "Bearer wrong"}) == 401
    assert post(http_server, {"Authorization": KEY}) == 401  # not a Bearer token
    assert post(http_server, {**good, "Origin": "https://evil.example"}) == 403
    assert post(http_server, {**good, "Origin": "http://127.0.0.1:1234"}) == 403  # a page on localhost too
    assert post(http_server, {**good, "Origin": ALLOWED}) == 200
    assert post(http_server, {**good, "Host": "evil.example"}) == 421  # DNS rebinding


def test_listening_beyond_loopback_needs_a_key(sample_db):
    result = CliRunner(env={"MLG_API_KEY": None}).invoke(
        main, ["--db", str(sample_db), "mcp", "--http", "--host", "0.0.0.0"]
    )
    assert result.exit_code == 1
    assert "refusing to listen on 0.0.0.0 without an API key" in result.output


def test_loopback_addresses():
    assert all(is_loopback(h) for h in ("127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost", "LOCALHOST"))
    assert not any(is_loopback(h) for h in ("0.0.0.0", "::", "10.0.0.1", "example.com", "127.0.0.1.nip.io"))


def test_the_key_never_comes_from_the_command_line(sample_db, tmp_path):
    result = CliRunner(env={"MLG_API_KEY": None}).invoke(
        main, ["--db", str(sample_db), "mcp", "--http", "--api-key", "s3cret"]
    )
    assert result.exit_code == 1
    assert "would show the key to every user" in result.output and "--api-key-file" in result.output
    empty = tmp_path / "key"
    empty.write_text("\n")
    result = CliRunner(env={"MLG_API_KEY": None}).invoke(
        main, ["--db", str(sample_db), "mcp", "--http", "--api-key-file", str(empty)]
    )
    assert result.exit_code == 1 and "is empty" in result.output
