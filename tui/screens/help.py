"""HelpScreen: every key of the explorer, by where it works."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

# (section title, bindings) — the app hands them over, read from the classes themselves
# so that this list cannot drift from what the keys do.
Sections = Sequence[tuple[str, Sequence[Binding]]]
# Keys are shown by name ("enter", "backspace"), except those typed as a character.
KEY_NAMES = {"slash": "/", "colon": ":", "question_mark": "?"}


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "dismiss(None)", "Close")]

    def __init__(self, sections: Sections) -> None:
        super().__init__(id="help-screen")
        self.sections = sections

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = "Keys · Esc closes"
            yield Static(self._render_sections(), id="help-keys")

    def _render_sections(self) -> Group:
        parts: list = []
        for title, bindings in self.sections:
            table = Table.grid(padding=(0, 2))
            table.add_column(style="bold", width=22)
            table.add_column()
            for binding in bindings:
                keys = " / ".join(KEY_NAMES.get(key, key) for key in binding.key.split(","))
                table.add_row(keys, binding.description)
            parts += [Text(title, style="bold underline"), table, Text()]
        return Group(*parts)
