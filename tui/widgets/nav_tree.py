"""NavTree: a Tree that also moves with j and k, for every tree of the explorer."""

from __future__ import annotations

from typing import TypeVar

from textual.binding import Binding
from textual.widgets import Tree

T = TypeVar("T")


class NavTree(Tree[T]):
    BINDINGS = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]
