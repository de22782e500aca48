"""The lifecycle tests run on every backend (tests/store/conftest.py's BACKENDS): `graph`
and `db_path` are a new graph of each, a Kuzu file in tmp_path or a graph of its own on
the test run's real FalkorDB server. Tests that reach into one backend's files name a
Kuzu path themselves."""

from __future__ import annotations

from pathlib import Path

import pytest

import mlg
from tests.store.conftest import BACKENDS


@pytest.fixture(params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
def db_path(backend: str, request: pytest.FixtureRequest, tmp_path: Path):
    """Where the test's graph lives: a path (Kuzu) or a falkordb:// URL, as `--db` takes it."""
    return BACKENDS[backend](request, tmp_path)


@pytest.fixture
def graph(db_path):
    with mlg.open(db_path) as g:
        yield g
