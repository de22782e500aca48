"""The issue's "done when", in one session, with the keyboard only: find a model by part of
its name, walk to its raw sources and back, see what a hub dataset would break and who
to tell, run a Cypher query, export what is in view."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, OptionList, Static

from mlg.export import read_frames
from mlg.tui.labels import ICONS, asset_title
from mlg.tui.screens.impact import ImpactScreen
from tests.tui.conftest import HUB, RANKER, SIZE, press, settle, shown

pytestmark = pytest.mark.anyio


async def test_a_new_user_walks_from_a_search_to_raw_sources_and_back_at_80x24(make_app, sample_graph):
    """Keyboard only, at 80x24: search, open, walk upstream to a raw source re-centring
    each step, then Back all the way — each step back shows the view as it was left:
    the same asset, the same nodes opened, the cursor on the asset walked into."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.asset_screen
        await press(pilot, "slash", *"home_ranker")
        options = app.screen.query_one("#search-results", OptionList)
        found = [options.get_option_at_index(i).id for i in range(options.option_count)]
        await press(pilot, "down", *["j"] * found.index(RANKER), "enter")
        assert screen.current.id == RANKER
        tree = screen.upstream
        # at 80 columns a row starts with the kind's marker and the full name
        child = tree.root.children[0]
        assert str(child.label).startswith(f"{ICONS[child.data.asset.kind]} {asset_title(child.data.asset)}")

        left: list[tuple[str, str, int]] = []  # (asset, the child walked into, its line)
        while tree.root.data.children:
            target = next((c for c in tree.root.children if c.data and c.data.children), None)
            target = target or tree.root.children[0]
            if not left:  # open a node on the way, to find it open when back
                await press(pilot, "j", "space")
            while tree.cursor_node is not target:
                await press(pilot, "j")
            left.append((screen.current.id, target.data.asset.id, tree.cursor_line))
            assert screen.query_one("#panel").asset.id == target.data.asset.id  # the panel follows
            await press(pilot, "enter")
            assert screen.current.id == target.data.asset.id
            assert len(left) < 40
        source = screen.current.id
        assert sample_graph.neighbours(source, "up") == []
        assert source in sample_graph.upstream(RANKER).ids
        crumb = shown(screen.query_one("#breadcrumb", Static))
        assert f"back {len(left)}" in crumb and crumb.rstrip().endswith(asset_title(screen.current))

        opened = None
        for asset_id, walked_into, line in reversed(left):
            await press(pilot, "backspace")
            assert screen.current.id == asset_id
            assert tree.cursor_node.data.asset.id == walked_into and tree.cursor_line == line
            if asset_id == RANKER:
                opened = tree.root.children[0]
        assert screen.history == [] and opened is not None and opened.is_expanded
        await press(pilot, "q")
    assert app.return_code == 0


async def test_a_new_users_session(make_app, sample_graph, tmp_path):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.asset_screen

        # find a model by typing part of its name; Enter opens it
        await press(pilot, "slash", *"home_ranker")
        options = app.screen.query_one("#search-results", OptionList)
        found = [options.get_option_at_index(i).id for i in range(options.option_count)]
        await press(pilot, "down", *["j"] * found.index(RANKER), "enter")
        assert screen.current.id == RANKER

        # walk upstream to a raw source: always the first child that has children,
        # re-centring each time, until the asset depends on nothing
        walked = [RANKER]
        while screen.upstream.root.data.children:
            node = next((c for c in screen.upstream.root.children if c.data and c.data.children), None)
            if node is None:  # only leaves left: step onto one, it is a source
                node = screen.upstream.root.children[0]
            screen.upstream.move_cursor(node)
            await press(pilot, "enter")
            walked.append(screen.current.id)
            assert len(walked) < 40
        source = screen.current.id
        assert sample_graph.neighbours(source, "up") == []
        assert source in sample_graph.upstream(RANKER).ids

        # and back, one Backspace per step
        await press(pilot, *["backspace"] * (len(walked) - 1))
        assert screen.current.id == RANKER and screen.history == []

        # what a hub dataset would break, and who to tell
        await press(pilot, "slash", *HUB, "enter")
        assert screen.current.id == HUB
        await press(pilot, "i")
        assert isinstance(app.screen, ImpactScreen)
        teams = app.screen.query_one("#impact-teams", DataTable)
        assert teams.row_count >= len(sample_graph.impact(HUB).teams) > 0
        await press(pilot, "escape")

        # a Cypher query
        await press(pilot, "colon", *"MATCH (a:Asset {kind: 'service'}) RETURN count(*) AS n")
        await press(pilot, "enter")
        table = app.screen.query_one("#console-results", DataTable)
        assert int(table.get_row_at(0)[0]) == sample_graph.stats().assets_by_kind["service"]
        await press(pilot, "escape")

        # export what is in view (the hub and its neighbours)
        await press(pilot, "e", "ctrl+u", *str(tmp_path / "hub"), "enter")
        assert f"to {tmp_path / 'hub'}" in shown(app.screen.query_one("#export-status", Static))
        nodes, _ = read_frames(tmp_path / "hub")
        assert HUB in set(nodes["id"])
        await press(pilot, "escape", "q")
    assert app.return_code == 0
