"""PickerScreen: a name on the command line matched several assets; pick one."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from mlg import Asset
from mlg.tui.labels import asset_name, muted, note


class PickerScreen(ModalScreen[Asset | None]):
    """The candidates of an ambiguous name, by id; Enter opens one, Esc none."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Close"),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
    ]

    def __init__(self, ref: str, candidates: list[Asset]) -> None:
        super().__init__(id="picker-screen")
        self.ref = ref
        self.candidates = {a.id: a for a in candidates}

    def compose(self) -> ComposeResult:
        with Vertical(id="picker-box") as box:
            box.border_title = f"{self.ref!r} names {len(self.candidates)} assets"
            yield OptionList(
                *(
                    Option(asset_name(a) + Text(f"  {a.id}", style=muted()), id=a.id)
                    for a in self.candidates.values()
                ),
                id="picker-list",
            )
            yield Static(Text("Enter opens · Esc closes", style=note()))

    def on_mount(self) -> None:
        options = self.query_one("#picker-list", OptionList)
        options.highlighted = 0
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.candidates.get(event.option.id or ""))

    def action_cursor_down(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_down()

    def action_cursor_up(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_up()
