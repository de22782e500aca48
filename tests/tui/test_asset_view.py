"""The asset view: properties, the two lineage trees, moving, expanding, re-centring, back."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import OptionList, Static

from mlg.schema import KINDS
from mlg.tui.labels import ICONS, asset_title
from mlg.tui.widgets import lineage_tree
from tests.tui.conftest import RANKER, SIZE, press, settle, shown

pytestmark = pytest.mark.anyio


def ids(assets) -> list[str]:
    return [a.id for a in assets]


async def test_start_asset_fills_panel_and_both_trees(make_app, sample_graph):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.asset_screen
        panel = shown(screen.query_one("#asset-properties", Static))
        assert RANKER in panel and "recommendations" in panel and "tier-1" in panel
        assert "Recs Ranking (team, owner)" in panel  # owners, from the panel's worker
        versions = screen.query_one("#versions", OptionList)
        assert [versions.get_option_at_index(i).id for i in range(versions.option_count)] == ids(
            sample_graph.siblings(RANKER)
        )

        for tree, direction in ((screen.upstream, "up"), (screen.downstream, "down")):
            assert tree.root_asset.id == RANKER
            assert ids(tree.child_assets()) == ids(
                n.asset for n in sample_graph.neighbours(RANKER, direction)
            )


async def test_each_child_shows_relation_kind_and_count_before_opening(make_app, sample_graph):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        for child in app.asset_screen.upstream.root.children:
            data = child.data
            n = len(sample_graph.neighbours(data.asset.id, "up"))
            label = str(child.label)
            # the kind's marker and the full name first (what survives 80 columns)
            assert label.startswith(f"{ICONS[data.asset.kind]} {asset_title(data.asset)}")
            assert label.endswith(f"-{data.relation}->")
            assert data.children == n
            assert (f"({n})" in label) == (n > 0)
            assert child.allow_expand == (n > 0) and not child.children  # not loaded yet


async def test_move_and_expand_loads_one_level(make_app, sample_graph, monkeypatch):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.asset_screen.upstream
        await press(pilot, "j")  # first child: model:recs.home_ranker@3 (based_on)
        node = tree.cursor_node
        first = sample_graph.neighbours(RANKER, "up")[0].asset
        assert node.data.asset.id == first.id
        status = shown(app.asset_screen.query_one("#status", Static))
        assert first.id in status and "-based_on->" in status

        # hold the worker's query until the placeholder has been seen
        release = threading.Event()
        real = lineage_tree.neighbours_with_counts

        def held(*args, **kwargs):
            release.wait(10)
            return real(*args, **kwargs)

        monkeypatch.setattr(lineage_tree, "neighbours_with_counts", held)
        await pilot.press("space")
        assert [str(c.label) for c in node.children] == ["loading…"]
        release.set()
        await settle(pilot)
        assert ids(tree.child_assets(node)) == ids(n.asset for n in sample_graph.neighbours(first.id, "up"))
        # down, k back up, right expands the next sibling
        await press(pilot, "down", "k")
        assert tree.cursor_node is node
        await press(pilot, "left")  # collapses
        assert not node.is_expanded
        await press(pilot, "right")
        assert node.is_expanded and ids(tree.child_assets(node))


async def test_enter_and_l_recentre_and_backspace_and_h_go_back(make_app, sample_graph):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.asset_screen
        dataset = next(n.asset for n in sample_graph.neighbours(RANKER, "up") if n.type == "trained_on")
        # walk to the trained_on child, then Enter
        while screen.upstream.cursor_node.data.asset.id != dataset.id:
            await pilot.press("j")
        await press(pilot, "enter")
        assert screen.current.id == dataset.id
        assert screen.upstream.root_asset.id == dataset.id
        assert ids(screen.upstream.child_assets()) == ids(
            n.asset for n in sample_graph.neighbours(dataset.id, "up")
        )
        assert RANKER in ids(screen.downstream.child_assets())
        assert dataset.id in shown(screen.query_one("#asset-properties", Static))

        # l re-centres from the downstream tree: back to the model by the other side
        screen.downstream.focus()
        await pilot.pause()
        while screen.downstream.cursor_node.data.asset.id != RANKER:
            await pilot.press("j")
        await press(pilot, "l")
        assert screen.current.id == RANKER
        assert [v.asset.id for v in screen.history] == [RANKER, dataset.id]

        await press(pilot, "backspace")
        assert screen.current.id == dataset.id
        await press(pilot, "h")
        assert screen.current.id == RANKER and screen.history == []
        assert screen.upstream.root_asset.id == RANKER


async def test_tab_cycles_through_the_trees_and_panel(make_app):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(4):
            seen.append(app.focused.id)
            await press(pilot, "tab")
        assert seen[0] == "upstream"
        assert {"upstream", "downstream", "panel", "versions"} <= set(seen) | {app.focused.id}


async def test_choosing_another_version_recentres(make_app, sample_graph):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.asset_screen.query_one("#versions", OptionList).focus()
        await press(pilot, "enter")  # the first other version
        assert app.asset_screen.current.id == sample_graph.siblings(RANKER)[0].id


async def untick_all_but_dataset(pilot) -> None:
    """Every kind is ticked: untick all but "dataset" (the 1st)."""
    await pilot.press("down")
    for _ in range(6):  # feature, model, evaluation, workflow, service, experiment off
        await pilot.press("space", "down")


async def test_kind_filter_folds_hidden_kinds_as_the_api_does(make_app, sample_graph):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        await untick_all_but_dataset(pilot)
        prompts = [str(app.screen.options.get_option_at_index(i).prompt) for i in range(7)]
        assert prompts[0].startswith("[x] ■ dataset")
        assert all(p.startswith("[ ] ") and p.endswith("hidden") for p in prompts[1:])
        await press(pilot, "enter")
        assert app.kinds == ("dataset",)
        tree = app.asset_screen.upstream
        # the children are the datasets the API reaches from the model, directly or
        # through hidden kinds (folded into indirect edges), not only its direct ones
        folded = sample_graph.upstream(RANKER, kinds=["dataset"])
        expected = {e.target for e in folded.relations if e.source == RANKER}
        assert {a.id for a in tree.child_assets()} == expected
        direct = {n.asset.id for n in sample_graph.neighbours(RANKER, "up") if n.asset.kind == "dataset"}
        assert direct < expected  # some datasets are reached only through hidden hops
        indirect = [c for c in tree.root.children if c.data and c.data.relation == "indirect"]
        assert indirect and "via " in str(indirect[0].label) and "hidden hop" in str(indirect[0].label)
        assert "kinds: dataset" in shown(app.asset_screen.query_one("#status", Static))


async def test_the_keys_after_applying_the_kind_filter_go_to_the_filtered_view(make_app, sample_graph):
    """Enter waits for the view as filtered before the filter closes: the keys sent
    with it (j) wait too, and move the filtered tree's cursor, not the filter's."""
    from textual import events

    from mlg.tui.screens.kind_filter import KindFilterScreen

    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "f")
        await untick_all_but_dataset(pilot)
        for key, char in (("enter", "\r"), ("j", "j")):  # one burst
            app.post_message(events.Key(key, char))
        await settle(pilot)
        assert not isinstance(app.screen, KindFilterScreen) and app.kinds == ("dataset",)
        tree = app.asset_screen.upstream
        assert tree.kinds == ("dataset",) and tree.cursor_line == 1
        assert tree.cursor_node.data.asset.kind == "dataset"


async def test_models_reached_through_workflows_stay_when_workflows_are_hidden(make_app, sample_graph):
    hidden = ("workflow",)
    kinds = tuple(k for k in KINDS if k not in hidden)
    dataset = "dataset:ads.ctr_training@2024w20"  # models train on it through workflows
    app = make_app(dataset)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.kinds = kinds
        app.asset_screen.reload()
        await settle(pilot)
        folded = sample_graph.downstream(dataset, kinds=kinds)
        expected = {e.source for e in folded.relations if e.target == dataset}
        shown_ids = {a.id for a in app.asset_screen.downstream.child_assets()}
        assert shown_ids == expected
        through = {e.source for e in folded.relations if e.target == dataset and e.indirect}
        assert any(i.startswith("model:") for i in through) and through <= shown_ids
        # before the filter, those models were not children: a workflow stood between
        direct = {n.asset.id for n in sample_graph.neighbours(dataset, "down")}
        assert not through & direct


async def test_escape_leaves_the_kind_filter_as_it_was(make_app):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        before = app.asset_screen.upstream.child_assets()
        await press(pilot, "f")
        await untick_all_but_dataset(pilot)
        await press(pilot, "escape")
        assert app.screen is app.asset_screen and app.kinds is None
        assert ids(app.asset_screen.upstream.child_assets()) == ids(before)


async def test_a_level_cut_by_the_limit_says_so(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        tree = app.asset_screen.upstream
        tree.limit = 5
        app.asset_screen.show(await _asset(app, RANKER))
        await settle(pilot)
        assert len(tree.child_assets()) == 5
        assert "cut: 5 of 30 shown" in str(tree.root.children[-1].label)


async def test_unknown_start_asset_is_a_message_not_a_crash(make_app):
    app = make_app("recs.home_rankr")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        status = shown(app.asset_screen.query_one("#status", Static))
        assert "no asset with id or name 'recs.home_rankr'" in status
        assert app.asset_screen.current is None


async def _asset(app, asset_id):
    return app.graph.get(asset_id)
