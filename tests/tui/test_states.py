"""Starting states: the welcome page, an empty graph, a locked or missing graph, --demo."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import Static

import mlg
from mlg.cli.main import main
from mlg.tui.app import ExploreApp
from tests.graph_holder import GraphHolder
from tests.tui.conftest import SIZE, press, settle, shown


@pytest.mark.anyio
async def test_welcome_counts_the_graph_and_says_how_to_start(make_app, sample_graph):
    stats = sample_graph.stats()
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        text = shown(app.asset_screen.query_one("#welcome", Static))
        assert f"{stats.assets} assets · {stats.relations:,} relations" in text
        assert "Press / to find an asset" in text
        assert app.asset_screen.current is None


@pytest.mark.anyio
async def test_empty_graph_tells_how_to_load_assets(make_app, tmp_path):
    path = tmp_path / "empty.kuzu"
    mlg.open(path).close()
    app = make_app(path=path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        welcome = app.asset_screen.query_one("#welcome", Static)
        text = shown(welcome)
        assert "This graph has no assets yet" in text
        assert "mlg sample" in text and "mlg ingest PATH" in text and "--demo" in text
        assert welcome.has_class("empty")
        # keys that need an asset say so instead of failing
        await press(pilot, "i")
        assert app.screen is app.asset_screen
        await press(pilot, "q")
    assert app.return_code == 0


def run_cli(*args: str):
    return CliRunner().invoke(main, list(args))


def test_missing_graph_is_a_clear_message(tmp_path):
    result = run_cli("--db", str(tmp_path / "none.kuzu"), "explore")
    assert result.exit_code == 1
    assert "no graph at" in result.output and "mlg explore --demo" in result.output
    assert "Traceback" not in result.output


def test_locked_graph_is_a_clear_message(tmp_path):
    path = tmp_path / "busy.kuzu"
    mlg.open(path).close()
    with GraphHolder(path):
        result = run_cli("--db", str(path), "explore")
    assert result.exit_code == 1
    assert f"graph at {path} is in use" in result.output
    assert "Traceback" not in result.output


def test_demo_explores_a_cached_sample_graph_read_only(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    seen: dict = {}

    def run(app: ExploreApp) -> None:  # instead of taking over the terminal
        seen.update(
            path=Path(app.graph.path),
            read_only=app.graph.read_only,
            assets=app.graph.stats().assets,
            start=app.start_asset,
        )

    monkeypatch.setattr(ExploreApp, "run", run)
    result = run_cli("explore", "--demo", "model:recs.home_ranker@4")
    assert result.exit_code == 0, result.output
    assert seen["read_only"] and seen["assets"] > 400
    assert seen["start"] == "model:recs.home_ranker@4"
    # kept in the user cache dir for the next start, which reuses it as it is
    assert seen["path"].is_relative_to(tmp_path / "cache") and seen["path"].exists()
    built = seen["path"].stat().st_mtime_ns
    assert "building the sample estate" in result.output
    again = run_cli("explore", "--demo")
    assert again.exit_code == 0 and "building" not in again.output
    assert seen["path"].stat().st_mtime_ns == built


def test_db_after_explore_names_the_graph(monkeypatch, sample_db):
    seen: dict = {}
    monkeypatch.setattr(ExploreApp, "run", lambda app: seen.update(path=Path(app.graph.path)))
    result = run_cli("explore", "--db", str(sample_db))
    assert result.exit_code == 0, result.output
    assert seen["path"] == sample_db.absolute()


def test_explore_opens_the_graph_read_only(monkeypatch, sample_db):
    seen: dict = {}
    monkeypatch.setattr(ExploreApp, "run", lambda app: seen.update(read_only=app.graph.read_only))
    result = run_cli("--db", str(sample_db), "explore")
    assert result.exit_code == 0, result.output
    assert seen == {"read_only": True}
