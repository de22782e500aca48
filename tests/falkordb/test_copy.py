"""`mlg copy` between backends is lossless, history included: Kuzu -> FalkorDB -> Kuzu
(and FalkorDB -> Kuzu -> FalkorDB) gives back an identical full dump (every table,
every column: retired assets and edges, kept versions, sources, placeholders, runs,
aliases), and as-of and diff answer the same on the copy."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
from click.testing import CliRunner

import mlg
from mlg.batch import Batch
from mlg.cli.main import main
from mlg.copy import copy_graph, dump, full_dump
from mlg.errors import MlgError
from mlg.lifecycle.history import state_at
from mlg.store import open_store
from mlg.store.image import GraphImage
from tests.conftest import REPO


def _read(target, how) -> dict:
    store = open_store(target, read_only=True, create=False)
    try:
        return how(store)
    finally:
        store.close()


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _build_with_history(target) -> list[datetime]:
    """A graph with every kind of record and of history: the sample and OpenLineage
    events (runs, aliases, owners), syncs that change content (earlier versions), an
    edge to an undescribed asset (a placeholder), a sync that drops an asset (retired
    by sync), a retirement by hand with a reason, a restore. The moments between steps."""
    moments = []
    with mlg.open(target) as g:
        g.load_sample()
        g.ingest(REPO / "sample_data" / "openlineage" / "streamly_events.ndjson", skip_invalid=True)
        steps = [
            (
                "team-a",
                [
                    {"id": "d0", "kind": "dataset"},
                    {"id": "d1", "kind": "dataset", "description": "x", "owners": ["team-x"]},
                ],
                [
                    {"from": "d1", "to": "d0", "type": "derived_from"},
                    {"from": "d1", "to": "d9", "type": "derived_from"},
                ],
            ),
            ("team-b", [{"id": "m0", "kind": "model"}], [{"from": "m0", "to": "d1", "type": "trained_on"}]),
            # d0 retired by sync; d1's owner link to team-x goes (an owner link's history)
            ("team-a", [{"id": "d1", "kind": "dataset", "description": "y", "owners": ["team-y"]}], []),
        ]
        teams = [{"id": f"team-{x}", "kind": "team", "name": f"Team {x}"} for x in "xy"]
        for source, assets, relations in steps:
            batch = Batch.from_records(owners=teams, assets=assets, relations=relations, source=source)
            g.ingest_batch(batch, sync=True)
            time.sleep(0.002)
            moments.append(_now())
        g.ingest_batch(
            Batch.from_records(assets=[{"id": "m5", "kind": "model", "trained_on": ["d7"]}], source="team-c")
        )
        g.retire("m0", reason="replaced by m1")
        time.sleep(0.002)
        moments.append(_now())
        g.retire("d1")
        time.sleep(0.002)
        g.restore("d1")
        time.sleep(0.002)
        moments.append(_now())
        counts = g.store.history_counts()
        assert all(counts.values()), counts  # retired assets and edges, kept versions
        assert g.store.placeholders(10)
    return moments


def _answers(target, moments):
    """What as-of and diff answer on the graph at `target`."""
    with mlg.open(target, read_only=True) as g:
        # blank text as None: Kuzu's as-of reads give "" where FalkorDB's give None (the
        # same absent value, BLANK_FOR_NULL), a difference of the backends, not of the copy
        states = [
            (
                {k: {f: (v if v != "" else None) for f, v in row.items()} for k, row in assets.items()},
                edges,
            )
            for assets, edges in (state_at(g, m) for m in moments)
        ]
        diffs = [
            (
                sorted((x.id, x.change) for x in d.assets),
                sorted((e.source, e.target, e.type, e.change) for e in d.edges),
            )
            for d in (g.diff(moments[0], m) for m in moments[1:])
        ]
    return states, diffs


def _check_equal(first, *others) -> None:
    for other in others:
        for table in first:
            assert other[table] == first[table], table


def test_kuzu_falkordb_kuzu_round_trip_keeps_the_history(tmp_path, falkordb_url):
    original = tmp_path / "original.kuzu"
    moments = _build_with_history(original)
    runner = CliRunner()
    there = runner.invoke(main, ["copy", str(original), falkordb_url, "--format", "json"])
    assert there.exit_code == 0, there.output
    assert json.loads(there.output)["assets_added"] > 400
    back = tmp_path / "back.kuzu"
    again = runner.invoke(main, ["copy", falkordb_url, str(back)])
    assert again.exit_code == 0, again.output
    first, middle, last = (_read(t, full_dump) for t in (original, falkordb_url, back))
    for table in (
        "Asset",
        "AssetHistory",
        "RETIRED_DEPENDS_ON",
        "Run",
        "RUN_IO",
        "RUN_OF",
        "AssetAlias",
        "OWNED_BY",
        "OwnerLinkHistory",
    ):
        assert first[table], table  # every kind of record travels
    assert any(r.get("retired_reason") == "replaced by m1" for r in first["Asset"])
    assert any(r.get("placeholder") for r in first["Asset"])
    _check_equal(first, middle, last)
    assert _read(back, dump) == _read(original, dump)
    # absent optional text lands in Kuzu as "", never NULL (Kuzu 0.11.3's NULL defects)
    nulls = "MATCH (a:Asset) WHERE a.version IS NULL OR a.namespace IS NULL RETURN count(*) AS n"
    assert _read(back, lambda s: s.rows(nulls))[0]["n"] == 0
    assert _answers(falkordb_url, moments) == _answers(original, moments)
    assert _answers(back, moments) == _answers(original, moments)


def test_falkordb_kuzu_falkordb_round_trip_keeps_the_history(tmp_path, falkordb_url, falkordb_server):
    moments = _build_with_history(falkordb_url)
    middle_path = tmp_path / "middle.kuzu"
    copy_graph(falkordb_url, middle_path)
    name = f"copy_back_{os.getpid()}"
    back = f"falkordb://{falkordb_server.address}/{name}"
    try:
        copy_graph(middle_path, back)
        first, middle, last = (_read(t, full_dump) for t in (falkordb_url, middle_path, back))
        _check_equal(first, middle, last)
        assert _answers(back, moments) == _answers(falkordb_url, moments)
        assert _answers(middle_path, moments) == _answers(falkordb_url, moments)
    finally:
        import redis

        redis.Redis(host=falkordb_server.host, port=falkordb_server.port).execute_command(
            "GRAPH.DELETE", name
        )


def test_drop_history_copies_today_only(tmp_path, falkordb_url):
    original = tmp_path / "original.kuzu"
    _build_with_history(original)
    result = CliRunner().invoke(main, ["copy", str(original), falkordb_url, "--drop-history"])
    assert result.exit_code == 0, result.output
    copied = _read(falkordb_url, full_dump)
    assert not copied["AssetHistory"] and not copied["RETIRED_DEPENDS_ON"]
    assert _read(falkordb_url, dump) == _read(original, dump)


def test_copy_refuses_a_destination_that_holds_a_graph(tmp_path, falkordb_url):
    source = tmp_path / "a.kuzu"
    with mlg.open(source) as graph:
        graph.load_sample()
    copy_graph(source, falkordb_url)
    with pytest.raises(MlgError, match="already holds a graph"):
        copy_graph(source, falkordb_url)
    other = tmp_path / "b.kuzu"
    with mlg.open(other) as graph:
        graph.ingest_batch(Batch.from_records(assets=[{"id": "x", "kind": "dataset"}]))
    result = CliRunner().invoke(main, ["copy", falkordb_url, str(other)])
    assert result.exit_code == 1 and "already holds a graph" in result.output
    assert _read(other, lambda s: s.index_assets(None).num_rows) == 1  # left as it was


def test_an_image_with_a_dangling_edge_writes_nothing(tmp_path, falkordb_url):
    """A failure found before writing leaves both kinds of destination empty."""
    source = tmp_path / "a.kuzu"
    with mlg.open(source) as graph:
        graph.load_sample()
    image = _read(source, lambda s: s.image())
    image.tables["DEPENDS_ON"].append(
        {"_from": image.rows("Asset")[0]["id"], "_to": "nowhere", "type": "reads"}
    )
    for target in (tmp_path / "dst.kuzu", falkordb_url):
        store = open_store(target)
        try:
            with pytest.raises(MlgError, match="nowhere"):
                store.write_image(image)
            assert store.is_empty()
        finally:
            store.close()
    assert isinstance(image, GraphImage)


# The copy in a process of its own, stopped (and then killed) in the middle of writing:
# Kuzu, after the first table was written inside the transaction; FalkorDB, after MULTI
# and the first queued statements reached the server, before EXEC.
_COPIER = """
import sys, time
from mlg.copy import copy_graph

def stall():
    print("WRITING", flush=True)
    time.sleep(60)

if sys.argv[3] == "kuzu":
    import mlg.store.kuzu.write as kw
    real = kw._run_transaction
    def run(store, steps, progress):
        return real(store, steps, lambda what, done, total: done and stall())
    kw._run_transaction = run
else:
    import redis.client
    def execute(self, *args, **kwargs):
        if self.watching and len(self.command_stack) > 2:  # the copy's statements, queued
            connection = self.connection
            connection.send_command("MULTI")
            connection.read_response()
            for command, _ in self.command_stack[:2]:
                connection.send_command(*command)
                connection.read_response()  # QUEUED
            stall()
        return real_execute(self, *args, **kwargs)
    real_execute = redis.client.Pipeline.execute
    redis.client.Pipeline.execute = execute
copy_graph(sys.argv[1], sys.argv[2])
"""


@pytest.mark.parametrize("kind", ["kuzu", "falkordb"])
def test_a_copier_killed_mid_copy_leaves_the_destination_empty(tmp_path, falkordb_url, kind):
    source = tmp_path / "a.kuzu"
    _build_with_history(source)
    destination = str(tmp_path / "dst.kuzu") if kind == "kuzu" else falkordb_url
    process = subprocess.Popen(
        [sys.executable, "-c", _COPIER, str(source), destination, kind],
        stdout=subprocess.PIPE,
        cwd=REPO,
    )
    try:
        assert process.stdout.readline().strip() == b"WRITING"
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
    store = open_store(destination)
    try:
        assert store.is_empty()
        assert not any(store.image().counts().values())
    finally:
        store.close()
    copy_graph(source, destination)  # and the copy can be made again, whole
    _check_equal(_read(source, full_dump), _read(destination, full_dump))


def test_a_table_the_copy_does_not_know_is_refused_not_dropped(tmp_path, falkordb_url):
    with mlg.open(falkordb_url) as graph:
        graph.load_sample()
        graph.store.cypher("CREATE (:Stray {id: 'x'})", write=True)
    with pytest.raises(MlgError, match="does not know \\(Stray\\)"):
        copy_graph(falkordb_url, tmp_path / "dst.kuzu")
