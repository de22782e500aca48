"""A fresh FalkorDB graph per test on the session's real server (tests/conftest.py)."""

from __future__ import annotations

import itertools
import os

import pytest

_numbers = itertools.count()


@pytest.fixture
def falkordb_url(falkordb_server):
    """`falkordb://HOST:PORT/GRAPH` of a graph name no other test uses; deleted afterwards."""
    import redis

    name = f"mlg_test_{os.getpid()}_{next(_numbers)}"
    yield f"falkordb://{falkordb_server.address}/{name}"
    client = redis.Redis(host=falkordb_server.host, port=falkordb_server.port)
    try:
        if client.exists(name):
            client.execute_command("GRAPH.DELETE", name)
    finally:
        client.close()
