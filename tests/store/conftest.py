"""The backends the storage-port contract suite runs against.

Each backend is a name in BACKENDS and a function giving the `--db` target of a new,
empty graph for one test (a path for Kuzu; a URL on a server the test run started for
a server backend). A backend whose target cannot be made here is skipped, saying why.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mlg.store import open_store


def kuzu_target(request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    return tmp_path / "graph.kuzu"


def falkordb_target(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A graph of its own on the session's real FalkorDB server (tests/conftest.py), deleted
    after the test."""
    server = request.getfixturevalue("falkordb_server")
    name = f"mlg_contract_{abs(hash((request.node.nodeid, str(tmp_path)))):x}"
    request.addfinalizer(lambda: _delete_graph(server, name))
    return f"falkordb://{server.address}/{name}"


def _delete_graph(server, name: str) -> None:
    import redis

    client = redis.Redis(host=server.host, port=server.port)
    try:
        if client.exists(name):
            client.execute_command("GRAPH.DELETE", name)
    finally:
        client.close()


# backend name -> (request, tmp_path) -> target of a new empty graph
BACKENDS: dict[str, Callable[[pytest.FixtureRequest, Path], str | Path]] = {
    "kuzu": kuzu_target,
    "falkordb": falkordb_target,
}


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def target(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> str | Path:
    return BACKENDS[backend](request, tmp_path)


@pytest.fixture
def store(target):
    s = open_store(target)
    yield s
    s.close()
