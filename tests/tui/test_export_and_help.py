"""`e` exports what is in view to CSV or Parquet and says where; `?` lists every key."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Static

from mlg.export import read_frames
from mlg.tui.screens.export import ExportScreen
from mlg.tui.screens.help import HelpScreen
from tests.tui.conftest import HUB, RANKER, SIZE, press, settle, shown

pytestmark = pytest.mark.anyio


async def type_folder(pilot, folder) -> None:
    await pilot.press("ctrl+u")  # clear the suggested folder
    await pilot.press(*str(folder))


async def test_export_of_the_lineage_to_csv_says_where_it_wrote(make_app, sample_graph, tmp_path):
    expected = sample_graph.lineage(RANKER, "both")
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#export-path", Input).value == "mlg-export/model-recs.home_ranker-4"
        assert "lineage of model:recs.home_ranker@4" in shown(screen.query_one("#export-what"))
        await type_folder(pilot, tmp_path / "out")
        await press(pilot, "enter")
        status = shown(screen.query_one("#export-status", Static))
        assert f"wrote nodes.csv, edges.csv to {tmp_path / 'out'}" in status
        assert f"{len(expected.assets)} assets" in status
        nodes, edges = read_frames(tmp_path / "out")
        assert set(nodes["id"]) == set(expected.ids)
        assert len(edges) == len(expected.relations)
        await press(pilot, "escape")
        assert app.screen is app.asset_screen


async def test_export_of_the_impact_to_parquet(make_app, sample_graph, tmp_path):
    expected = sample_graph.impact(HUB).subgraph
    app = make_app(HUB)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "i")
        await press(pilot, "e")
        await press(pilot, "shift+tab", "down", "enter")  # the format: Parquet
        await press(pilot, "tab")
        await type_folder(pilot, tmp_path / "impact")
        await press(pilot, "enter")
        assert "wrote nodes.parquet, edges.parquet" in shown(app.screen.query_one("#export-status", Static))
        nodes, _ = read_frames(tmp_path / "impact")
        assert set(nodes["id"]) == set(expected.ids)


async def test_export_to_a_file_is_an_error_in_place(make_app, tmp_path):
    (tmp_path / "taken").write_text("not a folder")
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        await type_folder(pilot, tmp_path / "taken")
        await press(pilot, "enter")
        assert "it is a file" in shown(app.screen.query_one("#export-status", Static))
        assert isinstance(app.screen, ExportScreen)


async def test_help_lists_every_binding(make_app):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = shown(app.screen.query_one("#help-keys", Static))
        for title, bindings in app.screen.sections:
            assert title in text
            for binding in bindings:
                assert binding.description in text
        for key in ("/", ":", "?", "enter / l", "backspace / h", "down / j", "tab", "space"):
            assert key in text
        await press(pilot, "escape")
        assert app.screen is app.asset_screen


async def test_footer_shows_the_main_keys(make_app):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        shown_keys = {b.binding.description for b in app.active_bindings.values() if b.binding.show}
        assert {
            "Search",
            "Impact",
            "Path to…",
            "Export",
            "Cypher",
            "Help",
            "Back",
            "Quit",
            "Kinds",
        } <= shown_keys
