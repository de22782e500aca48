"""`e` exports what is in view to CSV or Parquet and says where; `?` lists every key."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, Static

from mlg.export import read_csv, read_frames
from mlg.lineage import owners_of
from mlg.tui.screens.export import ExportScreen, default_folder
from mlg.tui.screens.help import HelpScreen
from mlg.tui.widgets.key_bar import KeyBar
from tests.tui.conftest import HUB, RANKER, SIZE, press, settle, shown

pytestmark = pytest.mark.anyio


async def type_folder(pilot, folder) -> None:
    await pilot.press("ctrl+u")  # clear the suggested folder
    await pilot.press(*str(folder))


async def test_export_writes_what_is_on_screen_and_who_to_tell(make_app, sample_graph, tmp_path):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.asset_screen
        await press(pilot, "j", "j", "j", "space")  # open the training data one level
        on_screen = {RANKER}
        for tree in (screen.upstream, screen.downstream):
            on_screen |= {node.asset.id for node, _ in tree.shown()}
        opened = screen.upstream.cursor_node
        assert {a.id for a in screen.upstream.child_assets(opened)} <= on_screen
        await press(pilot, "e")
        export = app.screen
        assert isinstance(export, ExportScreen)
        suggested = export.query_one("#export-path", Input).value
        assert suggested.startswith("mlg-export/model-recs.home_ranker-4-")
        assert f"the {len(on_screen)} assets on screen" in shown(export.query_one("#export-what"))
        await type_folder(pilot, tmp_path / "out")
        await press(pilot, "enter")
        status = shown(export.query_one("#export-status", Static))
        assert f"wrote nodes.csv, edges.csv, notify.csv to {tmp_path / 'out'}" in status
        assert f"{len(on_screen)} assets" in status
        nodes, edges = read_frames(tmp_path / "out")
        assert set(nodes["id"]) == on_screen
        # every edge is one drawn: a parent and its child in a tree
        assert set(edges["source"]) | set(edges["target"]) <= on_screen
        assert ("model:recs.home_ranker@4", opened.data.asset.id) in set(
            zip(edges["source"], edges["target"])
        )
        notify = read_csv(tmp_path / "out" / "notify.csv")
        owners = owners_of(sample_graph, sorted(on_screen - {RANKER}))
        expected = {o.id for group in owners.values() for o in group}
        assert set(notify["owner"]) == expected and expected
        await press(pilot, "escape")
        assert app.screen is app.asset_screen


async def test_export_never_silently_overwrites(make_app, tmp_path):
    app = make_app(RANKER)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "e")
        await type_folder(pilot, tmp_path / "out")
        # Esc right behind Enter waits for the write (the screen holds the keys), so the
        # export is complete, and was said to be, before the screen closes
        await press(pilot, "enter", "escape")
        assert app.screen is app.asset_screen
        written_files = sorted(p.name for p in (tmp_path / "out").iterdir())
        assert written_files == ["edges.csv", "nodes.csv", "notify.csv"]
        written = (tmp_path / "out" / "nodes.csv").stat().st_mtime_ns
        await press(pilot, "e")
        suggested = app.screen.query_one("#export-path", Input).value
        assert not (Path.cwd() / suggested).exists()  # a new folder is suggested each time
        await type_folder(pilot, tmp_path / "out")
        await press(pilot, "enter")
        status = shown(app.screen.query_one("#export-status", Static))
        assert "already holds an export" in status and "Enter again replaces it" in status
        assert (tmp_path / "out" / "nodes.csv").stat().st_mtime_ns == written
        await press(pilot, "enter")  # the second Enter: replace
        assert "wrote nodes.csv" in shown(app.screen.query_one("#export-status", Static))


def test_suggested_folders_are_new(tmp_path):
    from datetime import datetime

    now = datetime(2026, 12, 1, 10, 15, 0)
    first = default_folder("model:a@1", now, tmp_path)
    assert first == "mlg-export/model-a-1-20261201-101500"
    (tmp_path / first).mkdir(parents=True)
    assert default_folder("model:a@1", now, tmp_path) == first + "-2"


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
        shown_at_start = [key[:3] for key in app.screen.query_one(KeyBar).keys]
        await press(pilot, "j", "enter")  # somewhere to go back from
        shown_keys = {b.binding.description for b in app.active_bindings.values() if b.binding.show}
        assert {
            "Search",
            "Impact",
            "Path to…",
            "Export",
            "Cypher",
            "Help",
            "Quit",
            "Kinds",
            "Maximise",
        } <= shown_keys
        # the bar at the bottom shows them, in the same order as before the step: Back is
        # offered by the breadcrumb (so the keys never move about as one walks)
        bar = [key[:3] for key in app.screen.query_one(KeyBar).keys]
        assert bar == shown_at_start and {d for _, _, d in bar} == shown_keys
        assert "Back" not in shown_keys
        assert shown(app.screen.query_one("#breadcrumb", Static)).startswith("⌫ back 1 · ")
