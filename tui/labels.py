"""How assets, relations and counts read on screen.

A kind has one colour (shared with the CLI's tables) and an icon. Relation arrows point
from the dependent to its dependency, as in `mlg path`'s text: `a -trained_on-> b`.
"""

from __future__ import annotations

from typing import Protocol

from rich.text import Text

from mlg.cli.output import kind_style
from mlg.paths import DependencyPath


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
            text.append(relation_arrow(path.relations[i - 1], path.forward[i - 1]) + " ", style="dim")
        asset = assets.get(asset_id)
        text.append_text(asset_label(asset) if asset else Text(asset_id))
        steps.append((text, asset))
    return steps
