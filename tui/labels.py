"""How an asset kind looks on screen: one colour (shared with the CLI's tables) and an icon."""

from __future__ import annotations

from typing import Protocol

from rich.text import Text

from mlg.cli.output import kind_style


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
    "dataset": "■", "feature": "◆", "model": "●", "evaluation": "✓",
    "workflow": "↻", "service": "▲", "experiment": "★",
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
