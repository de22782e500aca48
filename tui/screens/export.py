"""ExportScreen: write the subgraph in view to CSV or Parquet files, and say where."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, RadioButton, RadioSet, Static

from mlg import MlgError
from mlg.export import write_subgraph
from mlg.subgraph import Subgraph

FORMATS = ("csv", "parquet")


def default_folder(slug_of: str) -> str:
    """`mlg-export/model-recs.home_ranker-4`: a folder name made from an asset id."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", slug_of).strip("-") or "subgraph"
    return f"mlg-export/{slug}"


class ExportScreen(ModalScreen[list[Path] | None]):
    """Asks for a folder and a format; the subgraph is computed and written in a worker."""

    BINDINGS = [Binding("escape", "close", "Close")]

    class Written(Message):
        def __init__(
            self, files: list[Path] | None, subgraph: Subgraph | None = None, error: str | None = None
        ) -> None:
            self.files = files
            self.subgraph = subgraph
            self.error = error
            super().__init__()

    def __init__(self, subgraph: Callable[[], Subgraph], what: str, slug_of: str) -> None:
        super().__init__(id="export-screen")
        self.subgraph = subgraph
        self.what = what
        self.slug_of = slug_of
        self.written: list[Path] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box") as box:
            box.border_title = "Export"
            yield Static(
                Text.assemble("Export the ", (self.what, "bold"), " as nodes and edges files."),
                id="export-what",
            )
            yield Static("Format", classes="field-label")
            with RadioSet(id="export-format"):
                yield RadioButton("CSV", value=True)
                yield RadioButton("Parquet")
            yield Static("Folder (created if missing)", classes="field-label")
            yield Input(default_folder(self.slug_of), placeholder="folder to write into", id="export-path")
            yield Static(
                Text("Enter writes · ↑↓ on the format, Tab to the folder · Esc closes", style="dim italic"),
                id="export-status",
            )

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @property
    def fmt(self) -> str:
        index = self.query_one("#export-format", RadioSet).pressed_index
        return FORMATS[max(index, 0)]

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        folder = event.value.strip()
        if not folder:
            self._status(Text("Give a folder to write into.", style="yellow"))
            return
        self._status(Text(f"writing {self.fmt}…", style="dim italic"))
        self._write(Path(folder).expanduser(), self.fmt)

    @work(thread=True, exclusive=True, group="export")
    def _write(self, folder: Path, fmt: str) -> None:
        try:
            sub = self.subgraph()
            files = write_subgraph(sub, folder, fmt)
        except MlgError as exc:
            self.post_message(self.Written(None, error=str(exc)))
            return
        self.post_message(self.Written(files, sub))

    def on_export_screen_written(self, message: ExportScreen.Written) -> None:
        if message.files is None or message.subgraph is None:
            self._status(Text(message.error or "the export failed", style="red"))
            return
        self.written = message.files
        sub = message.subgraph
        folder = message.files[0].parent.resolve()
        names = ", ".join(f.name for f in message.files)
        status = Text.assemble(
            ("wrote ", "green"),
            (names, "bold"),
            " to ",
            (str(folder), "bold"),
            f" ({len(sub.assets):,} assets, {len(sub.relations):,} relations) · Esc closes",
        )
        if sub.truncated:
            status.append(f"\ncut: {sub.truncated_reason}", style="yellow")
        self._status(status)
        self.notify(f"Exported to {folder}", timeout=4)

    def _status(self, text: Text) -> None:
        self.query_one("#export-status", Static).update(text)

    def action_close(self) -> None:
        self.dismiss(self.written)
