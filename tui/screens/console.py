"""ConsoleScreen: run a read-only Cypher query and read the result as a table.

A bad query shows Kuzu's message under the box; the explorer goes on. Up and Down in
the box walk back through the queries run in this session.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, Static

from mlg import Graph, MlgError
from mlg.tui.labels import counted, error, muted, note, warning

if TYPE_CHECKING:
    import pandas

SHOWN_ROWS = 500
CELL_WIDTH = 60


class ConsoleScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("up", "history(-1)", "Previous query", show=False),
        Binding("down", "history(1)", "Next query", show=False),
    ]

    class Ran(Message):
        def __init__(
            self, cypher: str, frame: pandas.DataFrame | None, seconds: float, error: str | None = None
        ) -> None:
            self.cypher = cypher
            self.frame = frame
            self.seconds = seconds
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph) -> None:
        super().__init__(id="console-screen")
        self.graph = graph
        self.history: list[str] = []
        self._history_at = 0

    def compose(self) -> ComposeResult:
        yield Header()
        yield Input(
            placeholder="a read-only Cypher query · Enter runs it · ↑ ↓ earlier queries · Esc goes back",
            id="console-input",
        )
        yield Static(
            Text("The graph is open read-only: queries that write are refused.", style=note()),
            id="console-status",
        )
        yield DataTable(id="console-results", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Cypher console (read-only)"
        self.query_one("#console-input").focus()

    @on(Input.Submitted, "#console-input")
    def _submitted(self, event: Input.Submitted) -> None:
        cypher = event.value.strip()
        if not cypher:
            return
        if not self.history or self.history[-1] != cypher:
            self.history.append(cypher)
        self._history_at = len(self.history)
        self.query_one("#console-status", Static).update(Text("running…", style=note()))
        self._run(cypher)

    @work(thread=True, exclusive=True, group="cypher")
    def _run(self, cypher: str) -> None:
        from time import perf_counter

        start = perf_counter()
        try:
            frame = self.graph.query(cypher)
        except MlgError as exc:
            self.post_message(self.Ran(cypher, None, perf_counter() - start, str(exc)))
            return
        self.post_message(self.Ran(cypher, frame, perf_counter() - start))

    def on_console_screen_ran(self, message: ConsoleScreen.Ran) -> None:
        status = self.query_one("#console-status", Static)
        table = self.query_one("#console-results", DataTable)
        if message.frame is None:
            status.update(Text(message.error or "the query failed", style=error()))
            return  # the last good result stays in the table
        frame = message.frame
        table.clear(columns=True)
        table.add_columns(*(str(c) for c in frame.columns))
        for row in frame.head(SHOWN_ROWS).itertuples(index=False):
            table.add_row(*(_cell(v) for v in row))
        n = len(frame)
        text = f"{counted(n, 'row')} in {message.seconds * 1000:.0f} ms"
        if n > SHOWN_ROWS:
            status.update(Text(f"cut: showing the first {SHOWN_ROWS} of {text}", style=warning()))
        else:
            status.update(Text(text, style=muted()))

    def action_history(self, step: int) -> None:
        box = self.query_one("#console-input", Input)
        if not self.history or not box.has_focus:
            return
        self._history_at = max(0, min(len(self.history), self._history_at + step))
        box.value = self.history[self._history_at] if self._history_at < len(self.history) else ""
        box.cursor_position = len(box.value)


def _cell(value: object) -> str:
    # None, NaN, pandas' NA and NaT all read as an empty cell (NA cannot be compared).
    missing = (
        value is None
        or type(value).__name__ in ("NAType", "NaTType")
        or (isinstance(value, float) and value != value)
    )
    if missing:
        text = ""
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(_cell(v) for v in value) + "]"
    else:
        text = str(value)
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"
