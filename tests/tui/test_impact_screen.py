"""`i`: the blast radius of a hub dataset, by kind, who to tell, paths to services."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable, Static, Tree

from mlg.tui.screens.impact import ImpactScreen
from tests.tui.conftest import HUB, RANKER, SIZE, press, settle, shown

pytestmark = pytest.mark.anyio


async def test_impact_groups_by_kind_names_teams_and_paths(make_app, sample_graph):
    expected = sample_graph.impact(HUB)
    app = make_app(HUB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        screen = app.screen
        assert isinstance(screen, ImpactScreen)

        summary = shown(screen.query_one("#impact-summary", Static))
        assert f"affects {len(expected.affected)} assets" in summary
        for kind, items in expected.by_kind().items():
            assert f"{len(items)} {kind}" in summary

        kinds = screen.query_one("#impact-kinds", Tree)
        groups = {str(n.label).split()[1]: n for n in kinds.root.children}
        assert set(groups) == set(expected.by_kind())
        services = groups["service"]
        assert services.is_expanded  # production first, open
        assert [c.data.id for c in services.children] == [a.asset.id for a in expected.services]

        teams = screen.query_one("#impact-teams", DataTable)
        names = [teams.get_row_at(i)[0] for i in range(teams.row_count)]
        assert names[: len(expected.teams)] == [t.owner.name for t in expected.teams]

        paths = screen.query_one("#impact-paths", Tree)
        reached = expected.services + expected.experiments
        assert [n.data.id for n in paths.root.children] == [a.asset.id for a in reached]
        first = paths.root.children[0]
        assert [c.data.id for c in first.children] == list(reached[0].path.assets)
        assert first.children[0].data.id == HUB


async def test_enter_on_an_affected_asset_recentres_the_asset_view(make_app, sample_graph):
    expected = sample_graph.impact(HUB)
    app = make_app(HUB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        await press(pilot, "j")  # the first service, under the open "service" group
        await press(pilot, "enter")
        assert not isinstance(app.screen, ImpactScreen)
        assert app.asset_screen.current.id == expected.services[0].asset.id
        assert app.asset_screen.history[-1].asset.id == HUB


async def test_escape_goes_back_and_nothing_downstream_is_said(make_app):
    app = make_app("service:web-edge-gateway")  # nothing depends on the edge gateway
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        summary = shown(app.screen.query_one("#impact-summary", Static))
        assert "affects nothing" in summary
        await press(pilot, "escape")
        assert app.asset_screen.current.id == "service:web-edge-gateway"


async def test_impact_waits_for_an_asset(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        offered = {b.binding.action for b in app.active_bindings.values()}
        # left out of the footer (not dimmed: that would be colour alone) until they apply
        assert not {"impact", "path", "export", "back"} & offered
        await press(pilot, "i")
        assert app.screen is app.asset_screen


async def test_the_next_impact_replaces_the_last_one_in_full(make_app, sample_graph):
    """The impact screen is kept and refilled: nothing of the last asset's stays."""
    first, second = sample_graph.impact(HUB), sample_graph.impact(RANKER)
    app = make_app(HUB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "i", "j", "j")  # the cursor moved down the first one
        assert str(len(first.affected)) in shown(app.screen.query_one("#impact-summary", Static))
        await press(pilot, "escape")
        app.open_asset(sample_graph.get(RANKER))
        await settle(pilot)
        await press(pilot, "i")
        screen = app.screen
        assert isinstance(screen, ImpactScreen)
        assert screen.asset.id == RANKER and screen.impact is not None
        assert screen.sub_title == f"impact of {RANKER}"
        summary = shown(screen.query_one("#impact-summary", Static))
        assert f"affects {len(second.affected)} assets" in summary
        kinds = screen.query_one("#impact-kinds", Tree)
        assert screen.focused is kinds and kinds.cursor_line == 0
        for group in kinds.root.children:
            group.expand()  # a closed group's rows are added when it is opened
        await settle(pilot)
        shown_ids = {c.data.id for n in kinds.root.children for c in n.children if c.data}
        assert shown_ids == {a.asset.id for a in second.affected}
        teams = screen.query_one("#impact-teams", DataTable)
        names = [teams.get_row_at(i)[0] for i in range(teams.row_count)]
        assert names[: len(second.teams)] == [t.owner.name for t in second.teams]
        assert len(names) == len(second.teams) + len(second.people) + (
            1 if any(not a.owners for a in second.affected) else 0
        )
        paths = screen.query_one("#impact-paths", Tree)
        reached = second.services + second.experiments
        assert [n.data.id for n in paths.root.children if n.data] == [a.asset.id for a in reached]


async def test_a_closed_group_and_path_list_their_rows_when_opened(make_app, sample_graph):
    expected = sample_graph.impact(HUB)
    app = make_app(HUB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        kinds = app.screen.query_one("#impact-kinds", Tree)
        groups = {str(n.label).split()[1]: n for n in kinds.root.children}
        closed = next(kind for kind, node in groups.items() if not node.is_expanded)
        assert groups[closed].allow_expand  # drawn openable before its rows are added
        kinds.move_cursor(groups[closed])
        await press(pilot, "space")
        items = expected.by_kind()[closed]
        assert [c.data.id for c in groups[closed].children if c.data] == [a.asset.id for a in items][:100]
        paths = app.screen.query_one("#impact-paths", Tree)
        reached = expected.services + expected.experiments
        last = paths.root.children[len(reached) - 1]
        assert not last.is_expanded and not last.children
        last.expand()
        await settle(pilot)
        assert [c.data.id for c in last.children] == list(reached[-1].path.assets)


async def test_a_slow_impact_opens_its_screen_first_and_fills_it_in(make_app, sample_graph, monkeypatch):
    """With IMPACT_SCREEN_AFTER at 0 the screen opens before the answer, as a slow
    impact's does ("computing…"), and is filled in when the answer comes."""
    import mlg.tui.screens.asset_view as asset_view

    monkeypatch.setattr(asset_view, "IMPACT_SCREEN_AFTER", 0.0)
    expected = sample_graph.impact(HUB)
    app = make_app(HUB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        for _ in range(200):
            if isinstance(app.screen, ImpactScreen):
                break
            await pilot.pause(0.005)
        screen = app.screen
        assert isinstance(screen, ImpactScreen)
        await settle(pilot)
        assert screen.impact is not None
        summary = shown(screen.query_one("#impact-summary", Static))
        assert f"affects {len(expected.affected)} assets" in summary
        await press(pilot, "escape")
        assert app.screen is app.asset_screen and app.asset_screen.current.id == HUB
