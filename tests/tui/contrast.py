"""Contrast of every piece of text in an SVG screenshot, against the cell behind it.

Textual's SVG export draws each run of cells as a `<rect fill=...>` (the background)
and a `<text class=...>` (the characters, coloured by a CSS class) at the same x on
the same line. WCAG's contrast ratio of the two is computed for every run that holds
a letter, a digit or a symbol; box-drawing characters (borders, scrollbars) are
decoration, not text, and are left out.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

_CLASS = re.compile(r"\.(terminal-r\d+) \{ fill: (#[0-9a-fA-F]{6})")
_RECT = re.compile(r'<rect fill="(#[0-9a-fA-F]{6})" x="([\d.]+)" y="([\d.]+)" width="([\d.]+)"')
_TEXT = re.compile(
    r'<text class="(terminal-r\d+)" x="([\d.]+)" y="([\d.]+)" textLength="[\d.]+" '
    r'clip-path="url\(#terminal-line-(\d+)\)">([^<]*)</text>'
)
LINE_HEIGHT = 24.4
TOP = 1.5
# Box drawing, block elements and the tree's guide glyphs: decoration.
_DECORATION = re.compile(r"[\s\u2500-\u259f\u2800-\u28ff]")


@dataclass(frozen=True)
class Run:
    line: int
    text: str
    fg: str
    bg: str

    @property
    def ratio(self) -> float:
        return contrast(self.fg, self.bg)


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def text_runs(svg: str) -> list[Run]:
    """Every run of text with a readable character, its colour and its background."""
    fills = dict(_CLASS.findall(svg))
    backgrounds: dict[tuple[int, float], str] = {}
    for fill, x, y, _ in _RECT.findall(svg):
        line = round((float(y) - TOP) / LINE_HEIGHT)
        backgrounds[(line, round(float(x), 1))] = fill
    runs = []
    for cls, x, _, line, raw in _TEXT.findall(svg):
        text = html.unescape(raw).replace("\xa0", " ")
        if not _DECORATION.sub("", text):
            continue
        bg = backgrounds.get((int(line), round(float(x), 1)))
        if bg is None or cls not in fills:
            continue
        runs.append(Run(int(line), text, fills[cls], bg))
    return runs


def unreadable(svg: str, minimum: float = 4.5) -> list[str]:
    """The runs under `minimum`, described for an assertion message."""
    return [
        f"line {r.line}: {r.text.strip()!r} {r.fg} on {r.bg} = {r.ratio:.2f}:1"
        for r in text_runs(svg)
        if r.ratio < minimum
    ]
