"""The explorer notices another writer: a view kept from before a write is read again
(the graph's generation, `Graph.generation`), without reopening the explorer."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

import mlg
from mlg.tui.app import ExploreApp
from mlg.tui.screens.asset_view import WATCH_SECONDS
from tests.tui.conftest import SIZE, settle, shown

pytestmark = pytest.mark.anyio

BEFORE = """
owners:
- {id: team-data, kind: team, name: Data, email: data@example.com}
- {id: team-ml, kind: team, name: ML, email: ml@example.com}
assets:
- {id: "dataset:events", kind: dataset, name: events, owners: [team-data]}
- {id: "model:ranker@1", kind: model, name: ranker, version: "1", owners: [team-ml],
   trained_on: ["dataset:events"]}
"""
AFTER = """
owners:
- {id: team-churn, kind: team, name: Churn, email: churn@example.com}
assets:
- {id: "model:churn@1", kind: model, name: churn, version: "1", owners: [team-churn],
   trained_on: ["dataset:events"]}
"""


def children(tree) -> set[str]:
    return {n.data.asset.id for n in tree.root.children if n.data is not None and n.data.asset is not None}


async def wait_for(pilot, done, timeout: float) -> None:
    limit = time.monotonic() + timeout
    while not done():
        assert time.monotonic() < limit, "the explorer never noticed the write"
        await pilot.pause(0.05)


async def watch_second_writer(target: str | Path, write) -> None:
    """The explorer on dataset:events; `write()` adds a second model trained on it."""
    with mlg.open(target, read_only=True) as graph:
        app = ExploreApp(graph, "dataset:events")
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            screen = app.asset_screen
            assert children(screen.downstream) == {"model:ranker@1"}
            write()
            # no key pressed: the idle watch finds the new generation and reads the view again
            await wait_for(
                pilot,
                lambda: children(screen.downstream) == {"model:ranker@1", "model:churn@1"},
                4 * WATCH_SECONDS + 10,
            )
            await settle(pilot)
            assert "the graph changed" in shown(screen.query_one("#status"))
            # what was kept from before is gone: Back and forth shows the write too
            screen.downstream.focus()
            await pilot.press("j", "enter")
            await settle(pilot)
            assert screen.current.id in {"model:ranker@1", "model:churn@1"}
            await pilot.press("backspace")
            await settle(pilot)
            assert screen.current.id == "dataset:events"
            assert children(screen.downstream) == {"model:ranker@1", "model:churn@1"}


def ingest_in_another_process(target: str, manifest: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "mlg", "--db", target, "ingest", str(manifest)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr


async def test_a_write_by_another_process_is_noticed(falkordb_server, tmp_path: Path) -> None:
    """FalkorDB: parallel readers and a writer in another process (`mlg ingest`)."""
    import redis

    target = f"falkordb://{falkordb_server.address}/mlg_tui_writer_{tmp_path.name}"
    (tmp_path / "before.yaml").write_text(BEFORE)
    (tmp_path / "after.yaml").write_text(AFTER)
    with mlg.open(target) as graph:
        graph.ingest([tmp_path / "before.yaml"])
    try:
        await watch_second_writer(target, lambda: ingest_in_another_process(target, tmp_path / "after.yaml"))
    finally:
        client = redis.Redis(host=falkordb_server.host, port=falkordb_server.port)
        client.execute_command("GRAPH.DELETE", target.rsplit("/", 1)[1])
        client.close()


async def test_a_write_in_the_same_process_is_noticed(tmp_path: Path) -> None:
    """A Kuzu file: one writer per file, so the other writer shares the process (a
    notebook beside the explorer); it writes through its own Graph."""
    target = tmp_path / "graph.kuzu"
    (tmp_path / "before.yaml").write_text(BEFORE)
    (tmp_path / "after.yaml").write_text(AFTER)
    with mlg.open(target) as writer:
        writer.ingest([tmp_path / "before.yaml"])
        graph = writer  # the explorer's Graph below is another one, on the same database
        app_graph = mlg.open(target)
        try:
            app = ExploreApp(app_graph, "dataset:events")
            async with app.run_test(size=SIZE) as pilot:
                await settle(pilot)
                screen = app.asset_screen
                assert children(screen.downstream) == {"model:ranker@1"}
                graph.ingest([tmp_path / "after.yaml"])
                await wait_for(
                    pilot,
                    lambda: children(screen.downstream) == {"model:ranker@1", "model:churn@1"},
                    4 * WATCH_SECONDS + 10,
                )
        finally:
            app_graph.close()
