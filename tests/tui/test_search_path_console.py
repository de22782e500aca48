"""`/` search as you type, `p` the path to an asset picked by search, `:` Cypher console."""

from __future__ import annotations

import pytest
from textual import events
from textual.widgets import DataTable, Input, OptionList, Static, Tree

from mlg.tui.screens.console import ConsoleScreen
from mlg.tui.screens.impact import ImpactScreen
from mlg.tui.screens.path import PathScreen
from mlg.tui.screens.search import SearchScreen
from tests.tui.conftest import GATEWAY, RANKER, RAW_IMPRESSIONS, SIZE, press, settle, shown

pytestmark = pytest.mark.anyio


def results(screen) -> list[str]:
    options = screen.query_one("#search-results", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


async def test_search_finds_a_model_by_part_of_its_name_and_enter_opens_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash")
        screen = app.screen
        assert isinstance(screen, SearchScreen)
        await press(pilot, *"home_rank")
        found = results(screen)
        expected = [hit.asset.id for hit in app.graph.search("home_rank", limit=51)]
        assert found == expected and RANKER in found
        assert f"{len(found)} matches" in shown(screen.query_one("#search-status", Static))
        options = screen.query_one("#search-results", OptionList)
        label = str(options.get_option_at_index(found.index(RANKER)).prompt)
        assert (
            label.startswith("● recs.home_ranker@4")
            and "Recs Ranking" in label
            and "recommendations" in label
        )

        await press(pilot, "down", *["j"] * found.index(RANKER))  # to the results, then @4
        await press(pilot, "enter")
        assert app.screen is app.asset_screen
        assert app.asset_screen.current.id == RANKER
        assert app.asset_screen.upstream.root_asset.id == RANKER


def burst(app, *keys: tuple[str, str | None]) -> None:
    """Keys as a terminal sends a burst: every one queued at once, nothing waited for."""
    for key, char in keys:
        app.post_message(events.Key(key, char))


def typed(text: str) -> list[tuple[str, str]]:
    return [(c, c) for c in text]


@pytest.mark.parametrize("size", [(80, 24), SIZE, (160, 48)])
async def test_keys_typed_in_one_burst_are_not_lost(make_app, size):
    """`/`, the text, ↓ ↓ and Enter arriving together open the second result; keys
    after the Enter go to the asset view it opened (`i`: that asset's impact), and keys
    after an Esc to the screen under it (`h`: Back)."""
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        expected = [hit.asset.id for hit in app.graph.search("home_rank", limit=51)]
        burst(app, ("slash", "/"), *typed("home_rank"), ("down", None), ("down", None), ("enter", "\r"))
        await settle(pilot)
        assert app.screen is app.asset_screen
        assert app.asset_screen.current.id == expected[1]

        # on to another asset and its impact, then out and back, in one burst
        burst(app, ("slash", "/"), *typed("ranker_distilled"), ("enter", "\r"), ("i", "i"))
        await settle(pilot)
        assert isinstance(app.screen, ImpactScreen)
        assert app.screen.asset.id == "model:recs.home_ranker_distilled@1"
        burst(app, ("escape", None), ("h", "h"))
        await settle(pilot)
        assert app.screen is app.asset_screen
        assert app.asset_screen.current.id == expected[1]


async def test_search_results_follow_typing_and_say_when_nothing_matches(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"ranker")
        wide = results(app.screen)
        await press(pilot, *"_distilled")
        narrow = results(app.screen)
        assert "model:recs.home_ranker_distilled@1" in narrow
        assert narrow != wide
        await press(pilot, "ctrl+u", *"zzqxw")
        assert results(app.screen) == []
        assert "no asset matches" in shown(app.screen.query_one("#search-status", Static))
        await press(pilot, "escape")
        assert app.screen is app.asset_screen and app.asset_screen.current is None


async def test_search_keeps_to_the_kind_filter(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.kinds = ("evaluation", "experiment")
        await press(pilot, "slash", *"ranker")
        found = results(app.screen)
        assert found and all(i.split(":")[0] in app.kinds for i in found)
        assert {i.split(":")[0] for i in found} == set(app.kinds)


async def test_cut_search_results_say_so(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "slash", *"recs")
        assert len(results(app.screen)) == 50
        assert "cut: showing the best 50" in shown(app.screen.query_one("#search-status"))


async def test_path_to_an_asset_picked_by_search(make_app, sample_graph):
    expected = sample_graph.path_between(GATEWAY, RAW_IMPRESSIONS)
    app = make_app(GATEWAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "p")
        assert isinstance(app.screen, SearchScreen)
        await press(pilot, *"raw.ui_impressions")
        assert results(app.screen)[0] == RAW_IMPRESSIONS
        await press(pilot, "enter")
        screen = app.screen
        assert isinstance(screen, PathScreen)
        summary = shown(screen.query_one("#path-summary", Static))
        assert "depends on" in summary and "12 hops" in summary
        tree = screen.query_one("#path-tree", Tree)
        first = tree.root.children[0]
        assert [c.data.id for c in first.children] == list(expected.paths[0].assets)
        assert "-calls->" in str(first.children[1].label)
        paths = [n for n in tree.root.children if n.children]
        assert len(paths) == len(expected.paths)
        if expected.capped:
            assert "cut: only the first" in str(tree.root.children[-1].label)
        # Enter on a step of the path re-centres there
        await press(pilot, "j", "j")
        await press(pilot, "enter")
        assert app.asset_screen.current.id == expected.paths[0].assets[1]


async def test_path_between_unconnected_assets_says_so(make_app):
    app = make_app("dataset:scratch.ctr_backfill_tmp_2023q3")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "p", *"service:web-edge-gateway")
        await press(pilot, "enter")
        summary = shown(app.screen.query_one("#path-summary", Static))
        assert "loosely connected" in summary or "not connected" in summary


async def test_console_runs_a_read_only_query_into_a_table(make_app, sample_graph):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "colon")
        screen = app.screen
        assert isinstance(screen, ConsoleScreen)
        await press(pilot, *"MATCH (a:Asset) RETURN a.kind AS kind, count(*) AS n ORDER BY kind")
        await press(pilot, "enter")
        table = screen.query_one("#console-results", DataTable)
        assert [str(c.label) for c in table.columns.values()] == ["kind", "n"]
        rows = {table.get_row_at(i)[0]: int(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert rows == sample_graph.stats().assets_by_kind
        assert "7 rows" in shown(screen.query_one("#console-status", Static))


async def test_console_errors_show_in_place_and_writes_are_refused(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "colon", *"MATCH (a:Asset) RETURN a.kind")
        await press(pilot, "enter")
        screen = app.screen
        table = screen.query_one("#console-results", DataTable)
        good = table.row_count
        box = screen.query_one("#console-input", Input)

        box.value = "MATCH (a:Nope) RETURN a"
        await press(pilot, "enter")
        status = shown(screen.query_one("#console-status", Static))
        # the old result goes: under a new error it would read as this query's answer
        assert good and "Nope" in status and table.row_count == 0 and not table.display

        box.value = "MATCH (a:Asset) SET a.name = 'x'"
        await press(pilot, "enter")
        assert "read-only" in shown(screen.query_one("#console-status", Static)).lower()
        assert app.is_running

        await press(pilot, "up", "up")  # earlier queries come back, latest first
        assert box.value == "MATCH (a:Nope) RETURN a"
        await press(pilot, "down", "down")
        assert box.value == ""
        await press(pilot, "escape")
        assert app.screen is app.asset_screen


async def test_console_cuts_long_results_and_says_so(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "colon")
        app.screen.query_one("#console-input", Input).value = "UNWIND range(1, 600) AS i RETURN i"
        await press(pilot, "enter")
        assert app.screen.query_one("#console-results", DataTable).row_count == 500
        assert "cut: showing the first 500 of 600 rows" in shown(
            app.screen.query_one("#console-status", Static)
        )


async def test_console_offers_the_schema_and_examples_and_runs_one(make_app, sample_graph):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "colon")
        screen = app.screen
        schema = shown(screen.query_one("#console-schema", Static))
        assert "(:Asset)" in schema and "DEPENDS_ON" in schema and "trained_on" in schema
        examples = screen.query_one("#console-examples", OptionList)
        assert examples.option_count == len(app.graph.cypher_examples()) > 0
        await press(pilot, "tab", "down", "enter")  # the second example: assets by kind
        table = screen.query_one("#console-results", DataTable)
        kinds = {str(table.get_row_at(i)[0]) for i in range(table.row_count)}
        assert kinds == set(sample_graph.stats().assets_by_kind)
        assert not screen.query_one("#console-help").display


async def test_console_shows_nodes_and_relationships_readably(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "colon")
        screen = app.screen
        screen.query_one("#console-input", Input).value = (
            "MATCH (m:Asset {id: 'model:recs.home_ranker@4'})-[e:DEPENDS_ON {type: 'trained_on'}]->(d:Asset) "
            "RETURN m, e, d.description AS description"
        )
        await press(pilot, "enter")
        table = screen.query_one("#console-results", DataTable)
        node, rel, description = (str(c) for c in table.get_row_at(0))
        assert node == f"● {RANKER}"
        assert rel == f"{RANKER} -trained_on-> ?"  # the dataset node was not returned
        assert "_ID" not in node + rel and "{" not in node + rel
        # a cut cell is there in full under the table when the cursor is on it
        full = screen.cells[0][2]
        assert len(full) > len(description) and description.endswith("…")
        await press(pilot, "tab", "right", "right")
        assert full in shown(screen.query_one("#console-cell", Static))


async def test_enter_on_a_row_opens_its_asset_and_e_exports(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "colon")
        screen = app.screen
        screen.query_one(
            "#console-input", Input
        ).value = "MATCH (a:Asset {id: 'model:recs.home_ranker@4'}) RETURN a.kind AS kind, a.id AS id"
        await press(pilot, "enter", "tab", "e")
        written = list(tmp_path.glob("mlg-export/query-*/result.csv"))
        assert len(written) == 1 and RANKER in written[0].read_text()
        assert str(written[0]) in shown(screen.query_one("#console-status", Static))
        await press(pilot, "enter")  # on the row: the kind cell, then the id
        assert app.screen is app.asset_screen and app.asset_screen.current.id == RANKER
