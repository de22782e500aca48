"""KindFilterScreen: choose which kinds of asset the trees and the search show.

Each kind reads `[x]` when shown and `[ ]` when hidden (not a colour: the mark). Enter
or f applies the choice, Esc leaves the filter as it was. Hidden kinds are folded, not
cut: the trees join what is shown through them, as `Graph.lineage(..., kinds=...)` does.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mlg import KINDS
from mlg.tui.labels import kind_badge, note

# The screen returns the kinds to keep, None for every kind.
Kinds = tuple[str, ...] | None
# Enter waits at most this long for `prepare` (the view as filtered, fetched) to be done.
PREPARE_AT_MOST = 0.3
Prepare = Callable[[Kinds, Callable[[], None]], None]


class KindFilterScreen(ModalScreen[Kinds]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("enter,f", "apply", "Apply"),
        Binding("space,x", "toggle", "Show or hide the kind", show=False),
        Binding("a", "every_kind", "All kinds"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, kinds: Kinds, prepare: Prepare | None = None) -> None:
        """`prepare(kinds, done)`: called on Enter with the new kinds; the screen closes
        when it calls `done` (or after PREPARE_AT_MOST), so that the view under it is
        redrawn once, already filtered, as the screen goes."""
        super().__init__(id="kind-filter-screen")
        self.kinds = kinds
        self.chosen = set(KINDS if kinds is None else kinds)
        self._prepare = prepare
        self._applying: Kinds | tuple[()] = ()  # the kinds being applied (Enter pressed)

    def compose(self) -> ComposeResult:
        with Vertical(id="kind-filter-box") as box:
            box.border_title = "Kinds to show"
            yield OptionList(*(Option(self._prompt(k), id=k) for k in KINDS), id="kind-list")
            yield Static(
                Text("space toggles · a: every kind · Enter or f applies · Esc cancels", style=note()),
                id="kind-hint",
            )

    def _prompt(self, kind: str) -> Text:
        text = Text("[x] " if kind in self.chosen else "[ ] ", style="bold")
        text.append_text(kind_badge(kind))
        if kind not in self.chosen:
            text.append("  hidden", style=note())
        return text

    def on_mount(self) -> None:
        kinds = self.query_one("#kind-list", OptionList)
        kinds.highlighted = 0
        kinds.focus()

    @property
    def options(self) -> OptionList:
        return self.query_one("#kind-list", OptionList)

    def _redraw(self) -> None:
        for kind in KINDS:
            self.options.replace_option_prompt(kind, self._prompt(kind))

    def action_toggle(self) -> None:
        index = self.options.highlighted
        if index is None:
            return
        kind = KINDS[index]
        self.chosen.symmetric_difference_update({kind})
        self._redraw()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # Enter on the list (the list's own key) applies, as the hint says
        self.action_apply()

    def action_apply(self) -> None:
        if not self.chosen:
            self.notify("Keep at least one kind.", severity="warning")
            return
        kinds = None if self.chosen == set(KINDS) else tuple(k for k in KINDS if k in self.chosen)
        if self._applying != ():
            return  # applied already: waiting for the view
        if self._prepare is None or kinds == self.kinds:
            self.dismiss(kinds)
            return
        self._applying = kinds
        self.set_timer(PREPARE_AT_MOST, self._prepared)
        self._prepare(kinds, self._prepared)

    @property
    def holds_keys(self) -> bool:
        """The keys after Enter wait until the screen has closed (ExploreApp's HoldsKeys)."""
        return self._applying != ()

    def _prepared(self) -> None:
        if self._applying == () or not self.is_attached or self.app.screen is not self:
            return
        kinds = self._applying
        self.dismiss(kinds)
        released = getattr(self.app, "keys_released", None)  # other apps hold no keys
        if released is not None:
            released()

    def action_cancel(self) -> None:
        self.dismiss(self.kinds)

    def action_every_kind(self) -> None:
        self.chosen = set(KINDS)
        self._redraw()

    def action_cursor_down(self) -> None:
        self.options.action_cursor_down()

    def action_cursor_up(self) -> None:
        self.options.action_cursor_up()

    @property
    def selected(self) -> list[str]:
        """The kinds ticked now, in the schema's order."""
        return [k for k in KINDS if k in self.chosen]
