"""SVG snapshots of the explorer's screens (pytest-textual-snapshot), at 120x40 and at
the two sizes people use: 80x24 and 160x48. tests/tui/test_contrast.py reads them back
and checks that every piece of text reads at 4.5:1 against what is behind it.

Update them after a deliberate change of the look: `pytest tests/tui --snapshot-update`,
then look at them. Nothing time- or machine-dependent may reach these screens: the
header names the graph file only, and the assets shown carry dates from the sample
manifests.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

import mlg
from tests.tui.conftest import HUB, RANKER, settle

SIZES = {"80x24": (80, 24), "120x40": (120, 40), "160x48": (160, 48)}
size = pytest.mark.parametrize("size", list(SIZES))


def keys(*steps):
    """A run_before that settles, then presses each group of keys and settles again."""

    async def ready(pilot):
        await settle(pilot)
        for step in steps:
            if callable(step):
                await step(pilot)
            else:
                await pilot.press(*step)
            await settle(pilot)
        for box in pilot.app.screen.query(Input):
            box.cursor_blink = False
        await settle(pilot)

    return ready


@size
def test_asset_view(snap_compare, make_app, size):
    ready = keys(("j", "j", "j", "space"))  # open the training data; the panel follows
    assert snap_compare(make_app(RANKER), terminal_size=SIZES[size], run_before=ready)


@size
def test_impact_of_a_hub_dataset(snap_compare, make_app, size):
    assert snap_compare(make_app(HUB), terminal_size=SIZES[size], run_before=keys(("i",)))


@size
def test_help(snap_compare, make_app, size):
    assert snap_compare(make_app(RANKER), terminal_size=SIZES[size], run_before=keys(("question_mark",)))


@size
def test_empty_graph(snap_compare, make_app, tmp_path, size):
    path = tmp_path / "graph.kuzu"
    mlg.open(path).close()
    assert snap_compare(make_app(path=path), terminal_size=SIZES[size], run_before=settle)


@size
def test_search_as_you_type(snap_compare, make_app, size):
    assert snap_compare(
        make_app(), terminal_size=SIZES[size], run_before=keys(("slash",), tuple("home_rank"))
    )


@size
def test_back_with_the_breadcrumb(snap_compare, make_app, size):
    """Two steps away and one back: the breadcrumb, and the view as it was left."""
    ready = keys(("j", "space", "j"), ("enter",), ("j", "enter"), ("backspace",))
    assert snap_compare(make_app(RANKER), terminal_size=SIZES[size], run_before=ready)


@size
def test_kind_filter(snap_compare, make_app, size):
    ready = keys(("f",), ("down", "space", "down", "space"))  # feature and model hidden
    assert snap_compare(make_app(RANKER), terminal_size=SIZES[size], run_before=ready)


@size
def test_kind_filter_folded(snap_compare, make_app, size):
    """Only datasets: what the model reaches through hidden kinds, folded."""
    ready = keys(("f",), ("down", *["space", "down"] * 6), ("enter",))
    assert snap_compare(make_app(RANKER), terminal_size=SIZES[size], run_before=ready)


@size
def test_expand_all_below(snap_compare, make_app, size):
    ready = keys(("j", "j", "j", "j", "asterisk"))
    assert snap_compare(make_app(RANKER), terminal_size=SIZES[size], run_before=ready)


@size
def test_maximised_tree(snap_compare, make_app, size):
    assert snap_compare(make_app(RANKER), terminal_size=SIZES[size], run_before=keys(("tab", "z")))


@size
def test_console_schema_and_examples(snap_compare, make_app, size):
    assert snap_compare(make_app(), terminal_size=SIZES[size], run_before=keys(("colon",)))


@size
def test_console_result(snap_compare, make_app, size):
    async def query(pilot):
        pilot.app.screen.query_one("#console-input", Input).value = (
            "MATCH (s:Asset {kind: 'service'})-[e:DEPENDS_ON]->(m:Asset) "
            "RETURN s, e, m, m.description AS description ORDER BY s.id LIMIT 12"
        )

    async def fixed_time(pilot):
        # the status says how long the query took: a fixed figure for the snapshot
        screen = pilot.app.screen
        screen.on_console_screen_ran(screen.Ran("", screen.frame, 0.012))

    ready = keys(("colon",), query, ("enter",), fixed_time, ("tab", "right", "right", "right"))
    assert snap_compare(make_app(), terminal_size=SIZES[size], run_before=ready)


@size
def test_export(snap_compare, make_app, size):
    async def fixed_folder(pilot):
        pilot.app.screen.query_one("#export-path", Input).value = "mlg-export/model-recs.home_ranker-4"

    ready = keys(("e",), fixed_folder)
    assert snap_compare(make_app(RANKER), terminal_size=SIZES[size], run_before=ready)


@size
def test_picker_of_an_ambiguous_name(snap_compare, make_app, size):
    assert snap_compare(make_app("recs.home_ranker"), terminal_size=SIZES[size], run_before=settle)
