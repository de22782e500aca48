"""ConsoleScreen: run a read-only Cypher query and read the result as a table.

Before the first query (and with F2 after) the schema and example queries sit where
the results go: Tab to the examples, Enter runs one. A bad query shows Kuzu's message
and clears the table, so that no old result reads as the answer. Nodes and
relationships read as `● recs.home_ranker@4` and `model:a -trained_on-> dataset:b`,
not as Kuzu's internal dicts; the cell under the cursor is shown in full below the
table; Enter on a row opens the asset it names; `e` writes the result to a new CSV.
Up and Down in the box walk back through the queries run in this session.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from time import perf_counter
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Input, OptionList, Static
from textual.widgets.option_list import Option

from mlg import (
    ASSET_COLUMNS,
    KINDS,
    OWNER_COLUMNS,
    RELATION_PROPERTIES,
    RELATION_TYPES,
    Asset,
    Graph,
    MlgError,
)
from mlg.tui.labels import ICONS, counted, error, muted, note, success, warning

if TYPE_CHECKING:
    import pandas

SHOWN_ROWS = 500
CELL_WIDTH = 40


def schema_text() -> Group:
    """The tables a query can use, from mlg.schema (what the graph was created with)."""

    def cols(columns: tuple[tuple[str, str], ...]) -> str:
        return ", ".join(name for name, _ in columns)

    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column()
    grid.add_row("(:Asset)", cols(ASSET_COLUMNS))
    grid.add_row("", Text("kind: " + ", ".join(KINDS), style=muted()))
    grid.add_row("(:Owner)", cols(OWNER_COLUMNS))
    grid.add_row(
        "-[:DEPENDS_ON]->", cols(RELATION_PROPERTIES) + " — from the dependent to what it depends on"
    )
    grid.add_row("", Text("type: " + ", ".join(RELATION_TYPES), style=muted()))
    grid.add_row("-[:OWNED_BY]->", "role — from an Asset to an Owner")
    return Group(Text("Schema", style="bold underline"), grid, Text())


class ConsoleScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "dismiss(None)", "Back"),
        Binding("up", "history(-1)", "Previous query", show=False),
        Binding("down", "history(1)", "Next query", show=False),
        Binding("f2", "schema", "Schema and examples"),
        Binding("e", "export", "Export the result"),
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

    class Opened(Message):
        """The asset a row names was looked up (None: the row names none)."""

        def __init__(self, asset: Asset | None, tried: list[str]) -> None:
            self.asset = asset
            self.tried = tried
            super().__init__()

    class Exported(Message):
        def __init__(self, path: Path | None, rows: int, error: str | None = None) -> None:
            self.path = path
            self.rows = rows
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph) -> None:
        super().__init__(id="console-screen")
        self.graph = graph
        self.history: list[str] = []
        self._history_at = 0
        self.frame: pandas.DataFrame | None = None
        self.cells: list[list[str]] = []  # every shown cell in full, by row

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
        with Vertical(id="console-help"):
            yield Static(schema_text(), id="console-schema")
            yield Static(Text("Examples · Tab here, Enter runs one", style="bold underline"))
            yield OptionList(
                *(
                    Option(Text.assemble((title, "bold"), "\n", (cypher, muted())), id=str(i))
                    for i, (title, cypher) in enumerate(self.graph.cypher_examples())
                ),
                id="console-examples",
            )
        yield DataTable(id="console-results", zebra_stripes=True, cursor_type="cell")
        yield Static(id="console-cell")
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Cypher console (read-only)"
        self.query_one("#console-results").display = False
        self.query_one("#console-cell").display = False
        self.query_one("#console-input").focus()

    # -- running ------------------------------------------------------------------------

    @on(Input.Submitted, "#console-input")
    def _submitted(self, event: Input.Submitted) -> None:
        self.run_query(event.value)

    def run_query(self, text: str) -> None:
        cypher = text.strip()
        if not cypher:
            return
        if not self.history or self.history[-1] != cypher:
            self.history.append(cypher)
        self._history_at = len(self.history)
        self.query_one("#console-status", Static).update(Text("running…", style=note()))
        self._run(cypher)

    @on(OptionList.OptionSelected, "#console-examples")
    def _example(self, event: OptionList.OptionSelected) -> None:
        cypher = self.graph.cypher_examples()[int(event.option.id or 0)][1]
        box = self.query_one("#console-input", Input)
        box.value = cypher
        box.focus()
        self.run_query(cypher)

    @work(thread=True, exclusive=True, group="cypher")
    def _run(self, cypher: str) -> None:
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
        cell = self.query_one("#console-cell", Static)
        table.clear(columns=True)
        self.cells = []
        self.frame = message.frame
        if message.frame is None:
            # no old result under a new error: it would read as this query's answer
            table.display = cell.display = False
            status.update(Text(message.error or "the query failed", style=error()))
            return
        self.query_one("#console-help").display = False
        table.display = cell.display = True
        frame = message.frame
        table.add_columns(*(str(c) for c in frame.columns))
        rows = [list(r) for r in frame.head(SHOWN_ROWS).itertuples(index=False)]
        names = node_names(rows)
        for row in rows:
            full = [cell_text(v, names) for v in row]
            self.cells.append(full)
            table.add_row(*(_short(t) for t in full))
        n = len(frame)
        text = f"{counted(n, 'row')} in {message.seconds * 1000:.0f} ms · Enter on a row opens it · e exports"
        if n > SHOWN_ROWS:
            status.update(Text(f"cut: showing the first {SHOWN_ROWS} of {text}", style=warning()))
        else:
            status.update(Text(text, style=muted()))
        self._show_cell(0, 0)

    # -- reading the result ---------------------------------------------------------------

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        self._show_cell(event.coordinate.row, event.coordinate.column)

    def _show_cell(self, row: int, column: int) -> None:
        cell = self.query_one("#console-cell", Static)
        if not self.cells or row >= len(self.cells) or column >= len(self.cells[row]):
            cell.update("")
            return
        assert self.frame is not None
        name = str(self.frame.columns[column])
        cell.update(Text.assemble((f"{name}: ", "bold"), self.cells[row][column]))

    def on_data_table_cell_selected(self, event: DataTable.CellSelected) -> None:
        event.stop()
        row = event.coordinate.row
        if self.frame is None or row >= len(self.cells):
            return
        # the highlighted cell first, then the others of its row
        values = list(self.frame.iloc[row])
        order = [values[event.coordinate.column]] + values
        self._open(asset_ids(order))

    @work(thread=True, exclusive=True, group="console-open")
    def _open(self, candidates: list[str]) -> None:
        for asset_id in candidates:
            try:
                asset = self.graph.get(asset_id)
            except MlgError:
                continue
            if asset is not None:
                self.post_message(self.Opened(asset, candidates))
                return
        self.post_message(self.Opened(None, candidates))

    def on_console_screen_opened(self, message: ConsoleScreen.Opened) -> None:
        if message.asset is None:
            self.notify(
                "This row names no asset (return a node or an asset id to open one).", severity="warning"
            )
            return
        self.app.open_asset(message.asset)

    # -- keys ---------------------------------------------------------------------------

    def action_schema(self) -> None:
        help_ = self.query_one("#console-help")
        help_.display = not help_.display
        if help_.display:
            self.query_one("#console-examples").focus()

    def action_history(self, step: int) -> None:
        box = self.query_one("#console-input", Input)
        if not self.history or not box.has_focus:
            return
        self._history_at = max(0, min(len(self.history), self._history_at + step))
        box.value = self.history[self._history_at] if self._history_at < len(self.history) else ""
        box.cursor_position = len(box.value)

    def action_export(self) -> None:
        if self.frame is None:
            self.notify("Run a query first: e writes its result to a CSV file.", severity="warning")
            return
        from mlg.tui.screens.export import default_folder

        folder = Path(default_folder("query")).absolute()
        self._export(self.frame, folder)

    @work(thread=True, group="console-export")
    def _export(self, frame: pandas.DataFrame, folder: Path) -> None:
        from mlg import frame_to_csv

        rows = [list(r) for r in frame.itertuples(index=False)]
        names = node_names(rows)
        readable = frame.copy()
        for i, column in enumerate(frame.columns):
            readable[column] = [cell_text(r[i], names) for r in rows]
        try:
            folder.mkdir(parents=True, exist_ok=False)
            target = folder / "result.csv"
            frame_to_csv(readable, target)
        except OSError as exc:
            self.post_message(self.Exported(None, 0, f"cannot write to {folder}: {exc.strerror or exc}"))
            return
        self.post_message(self.Exported(target, len(frame)))

    def on_console_screen_exported(self, message: ConsoleScreen.Exported) -> None:
        status = self.query_one("#console-status", Static)
        if message.path is None:
            status.update(Text(message.error or "the export failed", style=error()))
            return
        status.update(
            Text.assemble(
                ("wrote ", success()),
                (f"{counted(message.rows, 'row')} to ", ""),
                (str(message.path), "bold"),
            )
        )
        self.notify(f"Wrote the result to {message.path}", timeout=4)


# -- cells ------------------------------------------------------------------------------------


def _is_missing(value: object) -> bool:
    # None, NaN, pandas' NA and NaT all read as an empty cell (NA cannot be compared).
    return (
        value is None
        or type(value).__name__ in ("NAType", "NaTType")
        or (isinstance(value, float) and value != value)
    )


def _key(internal: object) -> tuple | None:
    if isinstance(internal, dict) and "offset" in internal and "table" in internal:
        return (internal["table"], internal["offset"])
    return None


def node_names(rows: list[list[object]]) -> dict[tuple, str]:
    """The id of every node in a result, by Kuzu's internal id: a relationship names
    its ends by internal id only."""
    names: dict[tuple, str] = {}

    def visit(value: object) -> None:
        if isinstance(value, dict):
            key = _key(value.get("_ID"))
            if key is not None and "_SRC" not in value and "id" in value:
                names[key] = str(value["id"])
            for v in value.get("_NODES", ()) or ():
                visit(v)
        elif isinstance(value, list | tuple):
            for v in value:
                visit(v)

    for row in rows:
        for value in row:
            visit(value)
    return names


def cell_text(value: object, names: dict[tuple, str] | None = None) -> str:
    """A result value as a person reads it: nodes by icon and id, relationships as an
    arrow between the ids of their ends, paths as a chain of both."""
    names = names or {}
    if _is_missing(value):
        return ""
    if isinstance(value, dict):
        if "_NODES" in value and "_RELS" in value:
            nodes = value.get("_NODES") or []
            rels = value.get("_RELS") or []
            parts = [cell_text(nodes[0], names)] if nodes else []
            for rel, node in zip(rels, nodes[1:], strict=False):
                parts.append(f"-{rel.get('type') or rel.get('_LABEL', '')}->")
                parts.append(cell_text(node, names))
            return " ".join(parts)
        if "_SRC" in value and "_DST" in value:
            kind = value.get("type") or value.get("role") or ""
            label = value.get("_LABEL", "")
            arrow = f"-{kind}->" if kind else f"-[{label}]->"
            src, dst = names.get(_key(value["_SRC"]) or ()), names.get(_key(value["_DST"]) or ())
            if src or dst:  # an end not returned by the query is not known by id
                return f"{src or '?'} {arrow} {dst or '?'}"
            return f"{label} {arrow}".strip()
        if "_LABEL" in value:
            if value.get("_LABEL") == "Asset" and "id" in value:
                return f"{ICONS.get(str(value.get('kind')), '•')} {value['id']}"
            ident = value.get("id") or value.get("name") or ""
            return f"({value['_LABEL']} {ident})" if ident else f"({value['_LABEL']})"
        return json.dumps({k: v for k, v in value.items()}, default=str, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(cell_text(v, names) for v in value) + "]"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M:%S}"
    return str(value)


def _short(text: str) -> str:
    return text if len(text) <= CELL_WIDTH else text[: CELL_WIDTH - 1] + "…"


def asset_ids(values: list[object]) -> list[str]:
    """Asset ids a row names: its Asset nodes', then strings that look like an id."""
    found: list[str] = []
    for value in values:
        if isinstance(value, dict) and value.get("_LABEL") == "Asset" and "id" in value:
            found.append(str(value["id"]))
        elif isinstance(value, str) and ":" in value and value.split(":", 1)[0] in KINDS:
            found.append(value)
    return list(dict.fromkeys(found))
