"""`mlg copy` between backends is lossless: Kuzu -> FalkorDB -> Kuzu gives an identical dump."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

import mlg
from mlg.cli.main import main
from mlg.copy import copy_graph, dump
from mlg.errors import MlgError
from mlg.store import open_store
from tests.conftest import REPO


def _dump(target) -> dict:
    store = open_store(target, read_only=True, create=False)
    try:
        return dump(store)
    finally:
        store.close()


def test_a_round_trip_kuzu_falkordb_kuzu_gives_an_identical_dump(tmp_path, falkordb_url):
    original = tmp_path / "original.kuzu"
    with mlg.open(original) as graph:
        graph.load_sample()
        graph.ingest(REPO / "sample_data" / "openlineage" / "streamly_events.ndjson", skip_invalid=True)
    runner = CliRunner()
    refused = runner.invoke(main, ["copy", str(original), falkordb_url])
    assert refused.exit_code == 1 and "kept asset versions" in refused.output  # never silently lost
    there = runner.invoke(main, ["copy", str(original), falkordb_url, "--drop-history", "--format", "json"])
    assert there.exit_code == 0, there.output
    assert json.loads(there.output)["assets_added"] > 400
    back = tmp_path / "back.kuzu"
    again = runner.invoke(main, ["copy", falkordb_url, str(back)])
    assert again.exit_code == 0, again.output
    first, middle, last = _dump(original), _dump(falkordb_url), _dump(back)
    assert first["runs"] and first["aliases"] and first["run_io"]  # every kind of record travels
    assert middle == first
    assert last == first


def test_copy_refuses_a_destination_that_holds_a_graph(tmp_path, falkordb_url):
    source = tmp_path / "a.kuzu"
    with mlg.open(source) as graph:
        graph.load_sample()
    copy_graph(source, falkordb_url)
    with pytest.raises(MlgError, match="already holds a graph"):
        copy_graph(source, falkordb_url)
