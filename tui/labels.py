"""How assets, relations and counts read on screen.

A kind has an icon (its shape says the kind, so that nothing rests on colour alone) and
a colour taken from the Textual theme: every colour of the explorer's text comes from
the theme's variables, lightened or darkened just enough to read at 4.5:1 against the
backgrounds it is drawn on (the screen, the status bar, the cursor line). The app
recomputes the palette when the theme changes (`use_theme`).

Relation arrows point from the dependent to its dependency, as in `mlg path`'s text:
`a -trained_on-> b`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from rich.text import Text
from textual.color import Color
from textual.theme import BUILTIN_THEMES

if TYPE_CHECKING:
    from mlg import DependencyPath


class AssetRef(Protocol):
    """What the screens need to show and open an asset: an `mlg.Asset`, or the lighter
    `mlg.neighbours.CountedNeighbour` a tree level is made of."""

    @property
    def id(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def version(self) -> str | None: ...


ICONS = {
    "dataset": "■",
    "feature": "◆",
    "model": "●",
    "evaluation": "✓",
    "workflow": "↻",
    "service": "▲",
    "experiment": "★",
}

# The theme colour each kind is drawn in (two kinds may share one: the icon tells them apart).
KIND_VARIABLES = {
    "dataset": "primary",
    "feature": "success",
    "model": "accent",
    "evaluation": "warning",
    "workflow": "secondary",
    "service": "error",
    "experiment": "foreground",
}
MIN_CONTRAST = 4.5
# The cursor line and highlighted rows: the foreground at 15% over the surface
# (explore.tcss: `background: $foreground 15%`); widgets that draw on a lighter base
# end up a little lighter, hence the margin.
HIGHLIGHT_OPACITY = 0.22


def contrast(a: Color, b: Color) -> float:
    """WCAG 2 contrast ratio of two opaque colours."""

    def luminance(c: Color) -> float:
        def channel(v: int) -> float:
            s = v / 255
            return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

        return 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b)

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@dataclass(frozen=True)
class Palette:
    """Rich styles (hex colours) for every role text plays in the explorer."""

    kinds: Mapping[str, str]
    text: str
    muted: str
    warning: str
    error: str
    success: str

    def kind(self, kind: str) -> str:
        return self.kinds.get(kind, self.text)


def palette_for(variables: Mapping[str, str]) -> Palette:
    """The palette of a theme, from its CSS variables (`App.theme_variables`)."""
    foreground = Color.parse(variables["foreground"])
    surface = Color.parse(variables["surface"])
    backgrounds = [
        surface,
        Color.parse(variables["panel"]),
        Color.parse(variables["background"]),
        surface.blend(foreground, HIGHLIGHT_OPACITY),
    ]

    # Beyond the theme's foreground (some themes' own text reads under 4.5:1): black
    # on light surfaces, white on dark ones.
    extreme = (
        Color(0, 0, 0)
        if contrast(surface, Color(0, 0, 0)) > contrast(surface, Color(255, 255, 255))
        else Color(255, 255, 255)
    )

    def readable(name: str) -> str:
        colour = Color.parse(variables[name])
        if colour.a < 1:
            colour = surface.blend(colour.with_alpha(1), colour.a)
        # Towards the foreground (light on dark themes, dark on light ones) in small
        # steps, then on towards black or white, until it reads on every background
        # with a margin for rounding.
        steps = [colour.blend(foreground, i / 20) for i in range(21)]
        steps += [foreground.blend(extreme, i / 20) for i in range(1, 21)]
        for mixed in steps:
            if min(contrast(mixed, bg) for bg in backgrounds) >= MIN_CONTRAST + 0.2:
                return mixed.hex[:7]
        return extreme.hex[:7]

    return Palette(
        kinds={kind: readable(var) for kind, var in KIND_VARIABLES.items()},
        text=readable("foreground"),
        muted=readable("foreground-muted"),
        warning=readable("warning"),
        error=readable("error"),
        success=readable("success"),
    )


def _theme_variables(name: str) -> dict[str, str]:
    return BUILTIN_THEMES[name].to_color_system().generate()


PALETTE = palette_for(_theme_variables("textual-dark"))


def use_theme(variables: Mapping[str, str]) -> None:
    """Draw from now on in the colours of this theme (the app calls it on a theme change)."""
    global PALETTE
    PALETTE = palette_for(variables)


def muted() -> str:
    return PALETTE.muted


def warning() -> str:
    return PALETTE.warning


def error() -> str:
    return PALETTE.error


def success() -> str:
    return PALETTE.success


def kind_style(kind: str) -> str:
    return PALETTE.kind(kind)


def kind_badge(kind: str) -> Text:
    """`● model` in the kind's colour."""
    return Text(f"{ICONS.get(kind, '•')} {kind}", style=kind_style(kind))


def asset_title(asset: AssetRef) -> str:
    """The name a person knows an asset by: its name, and its version when it has one."""
    return f"{asset.name}@{asset.version}" if asset.version else asset.name


def asset_label(asset: AssetRef, *, bold: bool = False) -> Text:
    """`● model  recs.home_ranker@4`: icon and kind in colour, then the name."""
    label = kind_badge(asset.kind)
    label.append("  ")
    label.append(asset_title(asset), style="bold" if bold else "")
    return label


def asset_name(asset: AssetRef, *, bold: bool = False) -> Text:
    """`● recs.home_ranker@4`: the icon (the kind's marker) then the full name, the
    shortest form that still says the kind, for rows that must fit 80 columns."""
    # Spans, not the Text's own style: what a caller appends keeps its own colour.
    style = kind_style(asset.kind)
    label = Text()
    label.append(ICONS.get(asset.kind, "•") + " ", style=style)
    label.append(asset_title(asset), style=f"bold {style}" if bold else style)
    return label


def relation_arrow(relation: str, forward: bool) -> str:
    """`-trained_on->` when the asset before it depends on the one after, else `<-trained_on-`."""
    return f"-{relation}->" if forward else f"<-{relation}-"


def counted(n: int, noun: str, plural: str | None = None) -> str:
    """`1 hop`, `3 hops`, `1,204 assets`."""
    return f"{n:,} {noun if n == 1 else plural or noun + 's'}"


def path_steps(path: DependencyPath, assets: dict) -> list[tuple[Text, object]]:
    """One line per asset of a path, each after the arrow that leads to it, with the
    asset (from `assets`, by id; None when unknown) to open from that line."""
    steps = []
    for i, asset_id in enumerate(path.assets):
        text = Text()
        if i:
            text.append(relation_arrow(path.relations[i - 1], path.forward[i - 1]) + " ", style=muted())
        asset = assets.get(asset_id)
        text.append_text(asset_label(asset) if asset else Text(asset_id))
        steps.append((text, asset))
    return steps


def note() -> str:
    """Asides: "loading…", hints, empty states."""
    return f"{PALETTE.muted} italic"
