"""Rendered: a Rich renderable drawn once per set of console options, then replayed.

Textual renders a Static's content to measure its height and again to paint it, and
again after every layout that touches it (a Static is laid out whenever its text
changes): four or more renders of the same text per key. The asset panel's properties
are a Rich table grid, ~4 ms a render on a quiet machine; replayed, ~0.1 ms.
"""

from __future__ import annotations

from rich.console import Console, ConsoleOptions, RenderableType, RenderResult
from rich.measure import Measurement
from rich.segment import Segment


class Rendered:
    """`renderable`, rendered at most once per width (and the options that change
    its segments); the segments kept are replayed. The renderable must not change."""

    def __init__(self, renderable: RenderableType) -> None:
        self.renderable = renderable
        self._segments: dict[tuple, list[Segment]] = {}

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        key = (
            options.max_width,
            options.min_width,
            options.height,
            options.justify,
            options.overflow,
            options.no_wrap,
            options.highlight,
            options.markup,
            console.color_system,
        )
        segments = self._segments.get(key)
        if segments is None:
            segments = self._segments[key] = list(console.render(self.renderable, options))
        yield from segments

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self.renderable)
