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


# The wider suite on FalkorDB (tests/falkordb/test_on_falkordb_*.py import the tests of
# tests/core and tests/openlineage unchanged): in this folder `graph` and `sample_graph`
# are FalkorDB graphs, so every fixture those tests build on is built on FalkorDB.


@pytest.fixture
def graph(falkordb_url):
    """A fresh, empty FalkorDB graph through the public API."""
    import mlg

    with mlg.open(falkordb_url) as g:
        yield g


@pytest.fixture(scope="session")
def sample_db(falkordb_server):
    """The sample estate on FalkorDB, loaded once per session: its URL."""
    import redis

    import mlg

    name = f"mlg_sample_{os.getpid()}"
    url = f"falkordb://{falkordb_server.address}/{name}"
    with mlg.open(url) as g:
        g.load_sample()
    yield url
    client = redis.Redis(host=falkordb_server.host, port=falkordb_server.port)
    try:
        client.execute_command("GRAPH.DELETE", name)
    finally:
        client.close()


@pytest.fixture
def sample_graph(sample_db):
    """The sample estate on FalkorDB, opened read-only."""
    import mlg

    with mlg.open(sample_db, read_only=True) as g:
        yield g
