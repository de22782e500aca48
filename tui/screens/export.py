"""ExportScreen: write what is on screen to CSV or Parquet files, and say where.

Three files: the assets (`nodes`), the relations between them (`edges`) and who to
tell (`notify`: every owner of an exported asset other than the one in view, with the
assets they own). The suggested folder is new for each export (`mlg-export/<asset>-
<time>`); a folder that already holds an export is replaced only after a second Enter.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Input, RadioSet, Static

from mlg import MlgError, Owner, Subgraph, frame_to_csv, write_subgraph
from mlg.tui.labels import error, note, success, warning
from mlg.tui.widgets.choice import Choice

FORMATS = ("csv", "parquet")
EXPORT_NAMES = ("nodes", "edges", "notify", "subgraph")


def default_folder(slug_of: str, now: datetime | None = None, root: Path | None = None) -> str:
    """`mlg-export/model-recs.home_ranker-4-20261201-101500`: a folder named after an
    asset id and the time, that does not exist yet (`-2`, `-3`… when it does)."""
    slug = re.sub(r"[^A-Za-z0-9._-]+", "-", slug_of).strip("-") or "subgraph"
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = f"mlg-export/{slug}-{stamp}"
    where = root or Path.cwd()
    folder, n = base, 1
    while (where / folder).exists():
        n += 1
        folder = f"{base}-{n}"
    return folder


def notify_rows(sub: Subgraph) -> list[dict[str, object]]:
    """Who to tell: one row per owner of an exported asset (the roots left out), teams
    first, with how many of the assets they own and which."""
    owned: dict[str, tuple[Owner, list[str]]] = {}
    for asset in sub.assets:
        if asset.id in sub.roots:
            continue
        for owner in sub.owners.get(asset.id, ()):
            owned.setdefault(owner.id, (owner, []))[1].append(asset.id)
    rows = []
    for owner, assets in owned.values():
        rows.append(
            {
                "owner": owner.id,
                "name": owner.name,
                "kind": owner.kind,
                "email": owner.email or "",
                "assets": len(assets),
                "asset_ids": " ".join(sorted(assets)),
            }
        )
    rows.sort(key=lambda r: (r["kind"] != "team", -len(str(r["asset_ids"]).split()), str(r["name"])))
    return rows


def write_notify(rows: list[dict[str, object]], folder: Path, fmt: str) -> Path:
    import pandas

    columns = ["owner", "name", "kind", "email", "assets", "asset_ids"]
    frame = pandas.DataFrame(rows, columns=columns)
    target = folder / f"notify.{fmt}"
    try:
        if fmt == "parquet":
            frame.to_parquet(target, index=False)
        else:
            frame_to_csv(frame, target)
    except OSError as exc:
        raise MlgError(f"cannot write the export to {folder}: {exc.strerror or exc}") from exc
    return target


def existing_export(folder: Path) -> list[Path]:
    """The files of an earlier export in `folder` (what writing there would replace)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.stem in EXPORT_NAMES)


class ExportScreen(ModalScreen[list[Path] | None]):
    """Asks for a folder and a format; the subgraph is computed and written in a worker."""

    BINDINGS = [Binding("escape", "close", "Close")]

    class Written(Message):
        def __init__(
            self,
            files: list[Path] | None,
            subgraph: Subgraph | None = None,
            notify: int = 0,
            error: str | None = None,
        ) -> None:
            self.files = files
            self.subgraph = subgraph
            self.notify = notify
            self.error = error
            super().__init__()

    def __init__(self, subgraph: Callable[[], Subgraph], what: str, slug_of: str) -> None:
        super().__init__(id="export-screen")
        self.subgraph = subgraph
        self.what = what
        self.slug_of = slug_of
        self.written: list[Path] | None = None
        self._confirmed: Path | None = None  # a folder the user agreed to write over
        self._writing = False  # a write is under way: the keys after Enter wait for it

    def compose(self) -> ComposeResult:
        with Vertical(id="export-box") as box:
            box.border_title = "Export"
            yield Static(
                Text.assemble(
                    "Export ",
                    (self.what, "bold"),
                    " as nodes, edges and notify (who to tell) files.",
                ),
                id="export-what",
            )
            yield Static("Format", classes="field-label")
            with RadioSet(id="export-format"):
                yield Choice("CSV", value=True)
                yield Choice("Parquet")
            yield Static("Folder (a new one; created)", classes="field-label")
            yield Input(default_folder(self.slug_of), placeholder="folder to write into", id="export-path")
            yield Static(
                Text("Enter writes · ↑↓ format, Tab to the folder · Esc closes", style=note()),
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
        text = event.value.strip()
        if not text:
            self._status(Text("Give a folder to write into.", style=warning()))
            return
        folder = Path(text).expanduser()
        earlier = existing_export(folder)
        if earlier and self._confirmed != folder.absolute():
            self._confirmed = folder.absolute()
            names = ", ".join(p.name for p in earlier)
            self._status(
                Text(
                    f"{folder} already holds an export ({names}): Enter again replaces it, "
                    "or change the folder.",
                    style=warning(),
                )
            )
            return
        self._status(Text(f"writing {self.fmt}…", style=note()))
        self._writing = True
        self._write(folder, self.fmt)

    @property
    def holds_keys(self) -> bool:
        """Writing: the keys typed after Enter (Esc, say) wait until it is written and
        said so (ExploreApp's HoldsKeys), so that Esc never closes the screen on a
        half-written export whose outcome nobody would see."""
        return self._writing

    @work(thread=True, exclusive=True, group="export")
    def _write(self, folder: Path, fmt: str) -> None:
        try:
            sub = self.subgraph()
            files = write_subgraph(sub, folder, fmt)
            rows = notify_rows(sub)
            files.append(write_notify(rows, folder, fmt))
        except MlgError as exc:
            self.post_message(self.Written(None, error=str(exc)))
            return
        self.post_message(self.Written(files, sub, len(rows)))

    def on_export_screen_written(self, message: ExportScreen.Written) -> None:
        try:
            self._show_written(message)
        finally:
            self._writing = False
            released = getattr(self.app, "keys_released", None)  # other apps hold no keys
            if released is not None:
                released()

    def _show_written(self, message: ExportScreen.Written) -> None:
        if message.files is None or message.subgraph is None:
            self._status(Text(message.error or "the export failed", style=error()))
            return
        self.written = message.files
        sub = message.subgraph
        folder = message.files[0].parent.resolve()
        names = ", ".join(f.name for f in message.files)
        status = Text.assemble(
            ("wrote ", success()),
            (names, "bold"),
            " to ",
            (str(folder), "bold"),
            f" ({len(sub.assets):,} assets, {len(sub.relations):,} relations, "
            f"{message.notify:,} owners to tell) · Esc closes",
        )
        if sub.truncated:
            status.append(f"\ncut: {sub.truncated_reason}", style=warning())
        self._status(status)
        self.notify(f"Exported to {folder}", timeout=4)

    def _status(self, text: Text) -> None:
        self.query_one("#export-status", Static).update(text)

    def action_close(self) -> None:
        self.dismiss(self.written)
