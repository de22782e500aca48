"""Rendered replays a renderable's segments: the same as rendering it, at every width."""

from __future__ import annotations

import io

from rich.console import Console, Group
from rich.table import Table
from rich.text import Text

from mlg.tui.rendered import Rendered


def table() -> Group:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="dim", no_wrap=True, min_width=9)
    grid.add_column(overflow="fold")
    grid.add_row("id", "model:recs.home_ranker_with_a_long_name@4")
    grid.add_row("owners", Text("recs-team (team, owner)\nana (person, steward)"))
    return Group(Text("home ranker", style="bold"), Text(), grid)


def test_replayed_segments_are_the_rendered_ones_at_each_width() -> None:
    console = Console(width=120, file=io.StringIO(), color_system="truecolor")
    kept = Rendered(table())
    for width in (80, 30, 80, 12, 30):
        options = console.options.update_width(width)
        assert list(console.render(kept, options)) == list(console.render(table(), options))
    assert len(kept._segments) == 3  # each width rendered once
