"""SVG snapshots of the main screens at 120x40 (pytest-textual-snapshot).

Update them after a deliberate change of the look: `pytest tests/tui --snapshot-update`.
Nothing time- or machine-dependent may reach these screens: the header names the graph
file only, and the assets shown carry dates from the sample manifests.
"""

from __future__ import annotations

import mlg
from tests.tui.conftest import HUB, RANKER, SIZE, settle


def test_asset_view(snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("j", "j", "j", "space")  # open the training data
        await settle(pilot)

    assert snap_compare(make_app(RANKER), terminal_size=SIZE, run_before=ready)


def test_impact_of_a_hub_dataset(snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("i")
        await settle(pilot)

    assert snap_compare(make_app(HUB), terminal_size=SIZE, run_before=ready)


def test_help(snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)

    assert snap_compare(make_app(RANKER), terminal_size=SIZE, run_before=ready)


def test_empty_graph(snap_compare, make_app, tmp_path):
    path = tmp_path / "graph.kuzu"
    mlg.open(path).close()
    assert snap_compare(make_app(path=path), terminal_size=SIZE, run_before=settle)


def test_search_as_you_type(snap_compare, make_app):
    async def ready(pilot):
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        pilot.app.screen.query_one("#search-input").cursor_blink = False
        await pilot.press(*"home_rank")
        await settle(pilot)

    assert snap_compare(make_app(), terminal_size=SIZE, run_before=ready)
