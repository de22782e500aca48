"""Every piece of text of every snapshot reads at 4.5:1 against what is behind it.

The snapshots (tests/tui/test_snapshots.py) are the screens as drawn, at 80x24, 120x40
and 160x48; the snapshot tests make sure the stored SVGs are what the app draws now.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mlg.tui.labels import KIND_VARIABLES, MIN_CONTRAST, contrast, palette_for
from tests.tui.contrast import text_runs, unreadable

SNAPSHOTS = sorted((Path(__file__).parent / "__snapshots__" / "test_snapshots").glob("*.svg"))


def test_there_are_snapshots_at_both_sizes():
    names = {p.name for p in SNAPSHOTS}
    assert any("80x24" in n for n in names) and any("160x48" in n for n in names)


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda p: p.stem)
def test_every_text_reads_at_4_5_to_1(snapshot):
    svg = snapshot.read_text()
    assert len(text_runs(svg)) > 10  # the parse found the screen's text
    assert unreadable(svg, MIN_CONTRAST) == []


def test_the_checker_sees_bad_contrast():
    """The blue the explorer used to draw workflows in, on its dark surface."""
    bad = (
        "<style>.terminal-r1 { fill: #0000ff }</style>"
        '<rect fill="#1e1e1e" x="0" y="1.5" width="24.4" height="24.65" shape-rendering="crispEdges"/>'
        '<text class="terminal-r1" x="0" y="20" textLength="24.4" clip-path="url(#terminal-line-0)">wf</text>'
    )
    assert len(unreadable(bad)) == 1


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light", "nord", "gruvbox", "solarized-light"])
def test_the_palette_reads_on_every_theme(theme):
    from textual.color import Color
    from textual.theme import BUILTIN_THEMES

    variables = BUILTIN_THEMES[theme].to_color_system().generate()
    palette = palette_for(variables)
    surface = Color.parse(variables["surface"])
    for colour in [*palette.kinds.values(), palette.muted, palette.warning, palette.error, palette.text]:
        assert contrast(Color.parse(colour), surface) >= MIN_CONTRAST
    assert set(palette.kinds) == set(KIND_VARIABLES)
