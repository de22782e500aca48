"""VersionList: the other versions of the asset in view (same kind and family).

Finding them scans every asset (Kuzu has no index on `family`: ~0.5 s on 1M assets),
so the list waits until an asset has stayed in view for a moment: walking the graph
quickly starts no scan, and no scan holds up the workers that load the trees. What a
scan found is kept for the session (the graph is open read-only): coming back to an
asset lists its versions at once.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.message import Message
from textual.timer import Timer
from textual.widgets import OptionList
from textual.widgets.option_list import Option
from textual.worker import get_current_worker

from mlg import Asset, MlgError
from mlg.tui.labels import error

if TYPE_CHECKING:
    from mlg import Graph

SETTLE_SECONDS = 0.3


class VersionList(OptionList):
    class Chosen(Message):
        """Enter on another version: the screen re-centres on it."""

        def __init__(self, asset: Asset) -> None:
            self.asset = asset
            super().__init__()

    class Loaded(Message):
        def __init__(self, asset_id: str, siblings: list[Asset] | None, error: str | None = None) -> None:
            self.asset_id = asset_id
            self.siblings = siblings
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.graph = graph
        self.asset_id: str | None = None
        self.versions: dict[str, Asset] = {}
        self.loaded = False
        self._timer: Timer | None = None
        self._found: dict[str, list[Asset]] = {}  # the other versions, by asset

    def forget(self) -> None:
        """Drop the versions found so far (the graph was written to since)."""
        self._found.clear()

    def show(self, asset_id: str) -> None:
        self.asset_id = asset_id
        self.loaded = False
        self.versions = {}
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        known = self._found.get(asset_id)
        if known is not None:
            self._list(known)
            return
        self.clear_options()
        self.display = False
        self._timer = self.set_timer(SETTLE_SECONDS, lambda: self._start(asset_id))

    @property
    def pending(self) -> bool:
        """Waiting for the asset to stay in view before looking its versions up."""
        return self._timer is not None

    def _start(self, asset_id: str) -> None:
        self._timer = None
        self._load(asset_id)

    @work(thread=True, exclusive=True, group="versions")
    def _load(self, asset_id: str) -> None:
        try:
            siblings = self.graph.siblings(asset_id)
        except MlgError as exc:
            self.post_message(self.Loaded(asset_id, None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.Loaded(asset_id, siblings))

    def on_version_list_loaded(self, message: VersionList.Loaded) -> None:
        message.stop()
        if message.asset_id != self.asset_id or self.loaded:
            return  # the user has moved on, or came back and this is an older answer
        if message.siblings is not None:
            self._found[message.asset_id] = message.siblings
        self._list(message.siblings or [], message.error)

    def _list(self, siblings: list[Asset], error_text: str | None = None) -> None:
        self.loaded = True
        self.versions = {s.id: s for s in siblings}
        self.clear_options()
        self.add_options(Option(_label(s), id=s.id) for s in siblings)
        if error_text is not None:
            self.add_option(Option(Text(error_text, style=error()), disabled=True))
        self.display = bool(self.option_count)
        if siblings:
            self.highlighted = 0  # so that Enter opens one as soon as Tab gets here

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        if event.option.id in self.versions:
            self.post_message(self.Chosen(self.versions[event.option.id]))


def _label(sibling: Asset) -> Text:
    label = Text(f"@{sibling.version}" if sibling.version else sibling.id, style="bold")
    if sibling.deprecated:
        label.append("  deprecated", style=error())
    return label
