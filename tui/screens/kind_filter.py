"""KindFilterScreen: choose which kinds of asset the trees and the search show."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import SelectionList, Static
from textual.widgets.selection_list import Selection

from mlg.schema import KINDS
from mlg.tui.labels import kind_badge

# The screen returns the kinds to keep, None for every kind.
Kinds = tuple[str, ...] | None


class KindFilterScreen(ModalScreen[Kinds]):
    BINDINGS = [
        Binding("escape,f", "apply", "Apply"),
        Binding("a", "every_kind", "All kinds"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, kinds: Kinds) -> None:
        super().__init__(id="kind-filter-screen")
        self.kinds = kinds

    def compose(self) -> ComposeResult:
        with Vertical(id="kind-filter-box") as box:
            box.border_title = "Kinds to show"
            yield SelectionList[str](
                *(Selection(kind_badge(k), k, self.kinds is None or k in self.kinds) for k in KINDS),
                id="kind-list",
            )
            yield Static(Text("space toggles · a: every kind · Esc or f applies", style="dim italic"))

    def on_mount(self) -> None:
        kinds = self.query_one("#kind-list", SelectionList)
        kinds.highlighted = 0
        kinds.focus()

    def action_apply(self) -> None:
        chosen = tuple(self.query_one("#kind-list", SelectionList).selected)
        if not chosen:
            self.notify("Keep at least one kind.", severity="warning")
            return
        self.dismiss(None if set(chosen) == set(KINDS) else tuple(k for k in KINDS if k in chosen))

    def action_every_kind(self) -> None:
        self.query_one("#kind-list", SelectionList).select_all()

    def action_cursor_down(self) -> None:
        self.query_one("#kind-list", SelectionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#kind-list", SelectionList).action_cursor_up()
