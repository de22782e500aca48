"""Fixtures for the explorer: the real app on a real graph, driven by Pilot."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import Static
from textual.worker import WorkerCancelled

import mlg
from mlg.tui.app import ExploreApp
from mlg.tui.widgets.dataset_runs import DatasetRunList
from mlg.tui.widgets.versions import SETTLE_SECONDS as VERSIONS_DELAY
from mlg.tui.widgets.versions import VersionList

SIZE = (120, 40)
# Landmarks of the sample estate (see sample_data/build_estate.py).
RANKER = "model:recs.home_ranker@4"
HUB = "dataset:raw.playback_events"
GATEWAY = "service:web-edge-gateway"
RAW_IMPRESSIONS = "dataset:raw.ui_impressions"


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def make_app(sample_db: Path) -> Iterator[Callable[..., ExploreApp]]:
    """`make_app(start_asset=None)`: the explorer on the sample estate, opened read-only."""
    graphs: list[mlg.Graph] = []

    def make(start_asset: str | None = None, path: Path = sample_db) -> ExploreApp:
        graph = mlg.open(path, read_only=True)
        graphs.append(graph)
        return ExploreApp(graph, start_asset)

    yield make
    for graph in graphs:
        graph.close()


async def settle(pilot: Pilot) -> None:
    """Wait until every worker has finished and what they posted has been handled
    (a handled message may start more workers: the start asset's look-up does)."""
    app = pilot.app
    for _ in range(50):
        await pilot.pause()
        try:
            await app.workers.wait_for_complete()
        except WorkerCancelled:
            continue  # replaced by a newer one (an exclusive worker): wait for that one
        await pilot.pause()
        for _ in range(50):  # keys held behind the one before them (ExploreApp.on_event)
            if not app.keys_pending:
                break
            await pilot.pause(0.01)
        waiting = any(v.pending for v in app.asset_screen.query(VersionList)) or any(
            r.pending for r in app.asset_screen.query(DatasetRunList)
        )
        if waiting:
            await pilot.pause(VERSIONS_DELAY)
        elif not any(w.is_running for w in app.workers) and not app.keys_pending:
            return
    raise AssertionError("workers kept running")


async def press(pilot: Pilot, *keys: str) -> None:
    """Press keys, then settle."""
    await pilot.press(*keys)
    await settle(pilot)


def shown(widget: Static) -> str:
    """The text a Static shows (rendered wide, so that nothing wraps)."""
    console = Console(width=300, file=io.StringIO(), record=True, color_system=None)
    console.print(widget.content)
    return console.export_text()
