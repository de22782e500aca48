"""Keeping your place: Back restores the view, the breadcrumb, the panel following the
cursor, expanding everything below, maximising a panel, the picker of an ambiguous name."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import OptionList, Static

import mlg
from mlg.tui.labels import asset_title
from mlg.tui.screens.asset_view import PREFETCH_AFTER
from mlg.tui.screens.picker import PickerScreen
from mlg.tui.widgets.lineage_tree import EXPAND_ALL_CAP, LineageTree
from tests.tui.conftest import RANKER, SIZE, press, settle, shown

pytestmark = pytest.mark.anyio


def expanded_paths(tree: LineageTree) -> set[tuple[str, ...]]:
    out = set()

    def walk(node, path):
        if node.data is None:
            return
        if node.is_expanded:
            out.add(path)
        for child in node.children:
            if child.data is not None:
                walk(child, (*path, child.data.asset.id))

    walk(tree.root, ())
    return out


async def test_back_restores_the_expanded_nodes_and_the_cursor(make_app):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.asset_screen
        tree = screen.upstream
        await press(pilot, "j", "space")  # open the first child
        await press(pilot, "j", "j", "space")  # and the second child of it
        before = expanded_paths(tree)
        cursor = tree.cursor_node.data.asset.id
        line = tree.cursor_line
        assert len(before) >= 3

        await press(pilot, "enter")  # re-centre on the highlighted asset
        assert screen.current.id == cursor
        await press(pilot, "backspace")
        assert screen.current.id == RANKER
        assert expanded_paths(tree) == before
        assert tree.cursor_node.data.asset.id == cursor and tree.cursor_line == line
        assert app.focused is tree


async def test_the_view_under_a_resting_cursor_is_fetched_ahead_and_enter_draws_it_at_once(make_app):
    """The cursor stays on a node: its view is fetched meanwhile, so Enter re-centres in
    the same moment (no worker to wait for, no "loading…"), with its first level."""
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.asset_screen
        tree = screen.upstream
        await press(pilot, "j")
        child = tree.cursor_node.data.asset
        await pilot.pause(PREFETCH_AFTER * 2)
        await settle(pilot)
        app.simulate_key("enter")
        for _ in range(200):  # until the key has been handled: a few turns of the loop
            await asyncio.sleep(0)
            if screen.current.id == child.id:
                break
        assert screen.current.id == child.id
        assert tree.root_asset.id == child.id and tree.root.data.loaded
        assert {c.asset.id for c in tree.root.data.level.children} == {
            n.asset.id for n in app.graph.neighbours(child.id, "up")
        }
        await settle(pilot)


async def test_the_breadcrumb_says_where_you_came_from(make_app):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.asset_screen
        crumb = screen.query_one("#breadcrumb", Static)
        assert asset_title(screen.current) in shown(crumb)
        walked = [screen.current]
        for _ in range(2):
            await press(pilot, "j", "enter")
            walked.append(screen.current)
        text = shown(crumb)
        assert "back 2" in text
        positions = [text.index(asset_title(a)) for a in walked]
        assert positions == sorted(positions)  # from the first visited to the one in view
        await press(pilot, "backspace")
        assert asset_title(walked[-1]) not in shown(crumb) and "back 1" in shown(crumb)


async def test_the_breadcrumb_is_cut_on_the_left_to_fit(make_app):
    app = make_app(RANKER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.asset_screen
        for _ in range(6):
            await press(pilot, "j", "enter")
        text = screen.breadcrumb(78).plain
        assert len(text) <= 78 and "… ›" in text
        assert text.endswith(asset_title(screen.current))


async def test_the_panel_follows_the_tree_cursor(make_app, sample_graph):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.asset_screen
        panel = screen.query_one("#panel")
        await press(pilot, "j", "j")
        highlighted = screen.upstream.cursor_node.data.asset.id
        assert panel.asset.id == highlighted and panel.border_title == "Highlighted"
        props = shown(screen.query_one("#asset-properties", Static))
        assert highlighted in props
        owners = sample_graph.owners(highlighted)
        assert all(o.name in props for o in owners)
        assert screen.current.id == RANKER  # the centre has not moved
        await press(pilot, "k", "k")  # back on the root: the asset in the centre
        assert panel.asset.id == RANKER and panel.border_title == "Asset"


async def test_star_expands_everything_below_up_to_the_cap(make_app, sample_graph):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.asset_screen.upstream
        await press(pilot, "j", "j", "j", "j")  # a feature: a chain down to raw sources
        node = tree.cursor_node
        start = node.data.asset.id
        await press(pilot, "asterisk")
        below: set[str] = set()

        def walk(n):
            for c in n.children:
                if c.data is not None:
                    below.add(c.data.asset.id)
                    walk(c)

        walk(node)
        expected = set(sample_graph.upstream(start).ids) - {start}
        assert below == expected  # everything upstream of it, opened at once
        rows = sum(1 for _ in tree._tree_lines)
        assert rows <= EXPAND_ALL_CAP + 60


async def test_star_on_a_big_closure_stops_at_the_cap_and_says_so(make_app):
    app = make_app("dataset:raw.playback_events")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.asset_screen.downstream
        tree.focus()
        await press(pilot, "asterisk")
        labels = [str(c.label) for c in tree.root.children]
        assert any(f"cut at {EXPAND_ALL_CAP} rows" in label for label in labels)


async def test_z_maximises_the_focused_panel_and_puts_it_back(make_app):
    app = make_app(RANKER)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.asset_screen
        await press(pilot, "tab")  # the downstream tree
        await press(pilot, "z")
        assert screen.maximized is screen.downstream
        assert screen.downstream.outer_size.width == 80
        await press(pilot, "z")
        assert screen.maximized is None


async def test_an_ambiguous_name_opens_a_picker_of_the_candidates(make_app):
    app = make_app("recs.home_ranker")  # the name of several versions
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        options = app.screen.query_one("#picker-list", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        with pytest.raises(mlg.AmbiguousAsset) as raised:
            app.graph.resolve("recs.home_ranker")
        assert ids == raised.value.candidates and RANKER in ids
        await press(pilot, *["j"] * ids.index(RANKER), "enter")
        assert app.screen is app.asset_screen and app.asset_screen.current.id == RANKER
