"""Opening graphs: creation, schema version, bad files, locks, read-only."""

from __future__ import annotations

import subprocess
import sys

import kuzu
import pytest

import mlg
from mlg.schema import SCHEMA_VERSION
from tests.graph_holder import GraphHolder


def test_creates_schema_and_records_version(db_path):
    with mlg.open(db_path) as g:
        tables = {r["name"] for r in g.store.rows("CALL show_tables() RETURN name")}
        assert {"Asset", "Owner", "DEPENDS_ON", "OWNED_BY", "MlgMeta"} <= tables
        version = g.store.rows("MATCH (m:MlgMeta {key: 'schema_version'}) RETURN m.value AS v")
        assert version == [{"v": str(SCHEMA_VERSION)}]
    # reopening an existing graph keeps it
    with mlg.open(db_path) as g:
        assert g.stats().assets == 0


def test_newer_schema_version_is_refused(db_path):
    with mlg.open(db_path) as g:
        g.store.rows("MATCH (m:MlgMeta {key: 'schema_version'}) SET m.value = '99' RETURN m.value")
    with pytest.raises(mlg.GraphError, match=r"schema version 99, newer than this mlg"):
        mlg.open(db_path)


def test_kuzu_database_that_is_not_mlg_is_refused(db_path):
    db = kuzu.Database(str(db_path))
    kuzu.Connection(db).execute("CREATE NODE TABLE Person(name STRING PRIMARY KEY)")
    db.close()
    with pytest.raises(mlg.GraphError, match="is a Kuzu database but not an mlg graph"):
        mlg.open(db_path)


def test_file_that_is_not_a_graph_is_refused(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("just some text\n")
    with pytest.raises(mlg.GraphError, match=r"notes.txt is not an mlg graph"):
        mlg.open(path)
    assert path.read_text() == "just some text\n"


def test_missing_graph_read_only_says_how_to_create_one(tmp_path):
    with pytest.raises(mlg.GraphError, match=r"no graph at .*missing.kuzu; create one with `mlg init`"):
        mlg.open(tmp_path / "missing.kuzu", read_only=True)


def test_read_only_refuses_writes(db_path, tmp_path):
    mlg.open(db_path).close()
    manifest = tmp_path / "m.yaml"
    manifest.write_text("assets: [{id: d1, kind: dataset}]\n")
    with mlg.open(db_path, read_only=True) as g:
        with pytest.raises(mlg.ReadOnlyGraph, match="open read-only; writes are refused"):
            g.ingest(manifest)
        assert g.stats().assets == 0


def test_one_database_per_path_per_process(db_path):
    with mlg.open(db_path) as a, mlg.open(db_path) as b:
        assert a.store.handle is b.store.handle
    with mlg.open(db_path, read_only=True):
        with pytest.raises(mlg.GraphError, match="already open read-only in this process"):
            mlg.open(db_path)


@pytest.fixture
def held(db_path):
    """The graph at db_path, held open for writing by another process."""
    mlg.open(db_path).close()
    with GraphHolder(db_path):
        yield db_path


def test_graph_held_by_another_process_gives_a_clear_message(held):
    with pytest.raises(mlg.GraphLocked) as caught:
        mlg.open(held)
    message = str(caught.value)
    assert str(held) in message and "in use" in message
    assert "Could not set lock" not in message
    with pytest.raises(mlg.GraphLocked, match="open for writing by another process"):
        mlg.open(held, read_only=True)


def test_cli_reports_lock_without_traceback(held):
    done = subprocess.run(
        [sys.executable, "-m", "mlg", "--db", str(held), "stats"], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert done.stderr.startswith(f"error: graph at {held} is in use")
    assert "Traceback" not in done.stderr
