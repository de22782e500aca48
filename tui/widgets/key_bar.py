"""KeyBar: the keys a screen offers, in one line at the bottom of the screen.

Textual's Footer draws each key as a widget of its own and re-composes them whenever
the screen's bindings change (a screen opens, the focus moves, a key starts to apply):
on a busy machine that remounting and restyling was the dearest part of opening any
screen. KeyBar shows the same keys (in the same order, with the same theme variables)
as one line of text that is redrawn, never re-composed. A key that does not fit is left
out whole; a click on a key presses it.
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

# (key, how it is shown, description, enabled)
Key = tuple[str, str, str, bool]


class KeyBar(Widget):
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        color: $footer-foreground;
        background: $footer-background;
        .key-bar--key {
            color: $footer-key-foreground;
            background: $footer-key-background;
            text-style: bold;
        }
        .key-bar--description {
            color: $footer-description-foreground;
            background: $footer-description-background;
        }
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.keys: list[Key] = []
        self._spans: list[tuple[int, int, str]] = []  # cells each key takes, for clicks

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._collect()

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self._collect()

    def _collect(self) -> None:
        keys: list[Key] = []
        actions: set[str] = set()
        for _, binding, enabled, _tooltip in self.screen.active_bindings.values():
            if not binding.show or binding.action in actions:
                continue  # one key per action, as Textual's Footer shows them
            actions.add(binding.action)
            keys.append((binding.key, self.app.get_key_display(binding), binding.description, enabled))
        if keys != self.keys:
            self.keys = keys
            self.refresh()

    def render(self) -> Text:
        key_style = self.get_component_rich_style("key-bar--key")
        description_style = self.get_component_rich_style("key-bar--description")
        width = self.size.width
        text = Text(no_wrap=True, overflow="crop", end="")
        self._spans = []
        for key, display, description, enabled in self.keys:
            size = cell_len(display) + 2 + cell_len(description)  # and a space after it
            if text.cell_len + size > width:
                break  # the space after the last key may fall off the edge, not the key
            start = text.cell_len
            dim = Style() if enabled else Style(dim=True)
            text.append(f" {display} ", key_style + dim)
            if description:
                text.append(f"{description} ", description_style + dim)
            self._spans.append((start, text.cell_len, key))
        return text

    def on_click(self, event: events.Click) -> None:
        for start, end, key in self._spans:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
