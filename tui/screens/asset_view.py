"""AssetScreen: one asset in the middle, its upstream and downstream lineage as trees.

The main screen of `mlg explore`. Re-centring pushes the current asset on a history
that Backspace (or h) walks back. Every database call runs in a worker: re-centring
fetches the panel and both trees' first level in one (so the screen is redrawn once),
a tree fetches each further level itself, the versions list its versions.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Footer, Header, Static
from textual.worker import get_current_worker

from mlg import Asset, Graph, MlgError, Owner
from mlg.neighbours import NeighbourLevel, neighbours_with_counts
from mlg.tui.labels import AssetRef, asset_label
from mlg.tui.widgets.asset_panel import AssetPanel
from mlg.tui.widgets.lineage_tree import LineageTree
from mlg.tui.widgets.versions import VersionList
from mlg.tui.widgets.welcome import Welcome

# Draw "loading…" only when the view has not arrived by then (no flicker when it is fast).
LOADING_AFTER = 0.12


class AssetScreen(Screen[None]):
    """Properties on the left; upstream above downstream on the right."""

    BINDINGS = [
        Binding("backspace,h", "back", "Back"),
        Binding("i", "impact", "Impact"),
        Binding("p", "path", "Path to…"),
        Binding("e", "export", "Export"),
        Binding("tab", "app.focus_next", "Next panel", show=False),
        Binding("shift+tab", "app.focus_previous", "Previous panel", show=False),
    ]

    class ViewLoaded(Message):
        """Everything the view shows of one asset, fetched by one worker."""

        def __init__(
            self,
            asset: AssetRef,
            upstream: NeighbourLevel | None = None,
            downstream: NeighbourLevel | None = None,
            owners: list[Owner] | None = None,
            error: str | None = None,
        ) -> None:
            self.asset = asset
            self.upstream = upstream
            self.downstream = downstream
            self.owners = owners
            self.error = error
            super().__init__()

    class Resolved(Message):
        """The start asset named on the command line was looked up."""

        def __init__(self, asset: Asset | None, error: str | None = None) -> None:
            self.asset = asset
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph, start_asset: str | None = None) -> None:
        super().__init__(id="asset-screen")
        self.graph = graph
        self.start_asset = start_asset
        self.current: AssetRef | None = None
        self.history: list[AssetRef] = []
        self._enabled = (False, False)  # (an asset is shown, there is a history)
        self._loading: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="welcome", id="switcher"):
            yield Welcome(self.graph, id="welcome")
            with Horizontal(id="asset-view"):
                yield AssetPanel(self.graph, id="panel")
                with Vertical(id="trees"):
                    yield LineageTree(self.graph, "up", id="upstream")
                    yield LineageTree(self.graph, "down", id="downstream")
        yield Static(id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._set_status()
        if not self.start_asset:
            self.query_one("#welcome", Welcome).load()
        else:
            self._set_status(Text(f"looking up {self.start_asset}…", style="dim italic"))
            self._resolve(self.start_asset)

    @work(thread=True, group="resolve")
    def _resolve(self, ref: str) -> None:
        try:
            self.post_message(self.Resolved(self.graph.resolve(ref)))
        except MlgError as exc:
            self.post_message(self.Resolved(None, str(exc)))

    def on_asset_screen_resolved(self, message: AssetScreen.Resolved) -> None:
        if message.asset is not None:
            self.show(message.asset)
        else:
            self._set_status(Text(message.error or "", style="red"))
            self.query_one("#welcome", Welcome).load()

    # -- navigation ---------------------------------------------------------------------

    @property
    def upstream(self) -> LineageTree:
        return self.query_one("#upstream", LineageTree)

    @property
    def downstream(self) -> LineageTree:
        return self.query_one("#downstream", LineageTree)

    def show(self, asset: AssetRef, *, remember: bool = True) -> None:
        """Centre the screen on `asset`; the one shown before goes on the history."""
        if remember and self.current is not None and self.current.id != asset.id:
            self.history.append(self.current)
        self.current = asset
        self.sub_title = asset.id
        self.query_one("#switcher", ContentSwitcher).current = "asset-view"
        if not (self.upstream.has_focus or self.downstream.has_focus):
            self.upstream.focus()
        self._set_status()
        # One worker fetches the whole view, so that the screen is redrawn once when it
        # arrives; "loading…" is drawn only when that takes a while (a hub on 1M assets).
        if self._loading is not None:
            self._loading.stop()
        self._loading = self.set_timer(LOADING_AFTER, lambda: self._show_loading(asset))
        self._load_view(asset, self.app.kinds)
        # The footer rebuilds itself on refresh_bindings (a few ms per key): only when
        # a key's state changes, not at every step.
        enabled = (True, bool(self.history))
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()

    @work(thread=True, exclusive=True, group="asset-view")
    def _load_view(self, asset: AssetRef, kinds: Sequence[str] | None) -> None:
        try:
            up = neighbours_with_counts(self.graph, asset.id, "up", kinds, self.upstream.limit)
            down = neighbours_with_counts(self.graph, asset.id, "down", kinds, self.downstream.limit)
            owners = self.graph.owners(asset.id)
        except MlgError as exc:
            self.post_message(self.ViewLoaded(asset, error=str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.ViewLoaded(asset, up, down, owners))

    def on_asset_screen_view_loaded(self, message: AssetScreen.ViewLoaded) -> None:
        if self.current is None or message.asset.id != self.current.id:
            return  # an older answer: the user has moved on
        if self._loading is not None:
            self._loading.stop()
            self._loading = None
        panel = self.query_one("#panel", AssetPanel)
        if message.upstream is None or message.downstream is None:
            panel.show_error(message.asset, message.error or "")
            self._set_status(Text(message.error or "", style="red"))
            return
        with self.app.batch_update():
            self.upstream.show_level(message.upstream)
            self.downstream.show_level(message.downstream)
            panel.show_details(message.upstream.asset, message.owners or [])

    def _show_loading(self, asset: AssetRef) -> None:
        self._loading = None
        with self.app.batch_update():
            self.upstream.show_loading(asset)
            self.downstream.show_loading(asset)
            self.query_one("#panel", AssetPanel).show_loading(asset)

    def reload(self) -> None:
        """Show the current asset again (the kind filter changed)."""
        if self.current is not None:
            self.show(self.current, remember=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that need an asset (or a history) show dimmed until there is one."""
        if action in ("impact", "path", "export"):
            return self.current is not None or None
        if action == "back":
            return bool(self.history) or None
        return True

    def on_welcome_stats_loaded(self, message: Welcome.StatsLoaded) -> None:
        if message.stats is not None and not message.stats.assets:
            self._set_status(Text("the graph is empty: nothing to search yet", style="yellow"))

    def action_back(self) -> None:
        if self.history:
            self.show(self.history.pop(), remember=False)

    def on_lineage_tree_asset_chosen(self, message: LineageTree.AssetChosen) -> None:
        focused = message.control if isinstance(message.control, LineageTree) else None
        self.show(message.asset)
        if focused is not None:
            focused.focus()

    def on_version_list_chosen(self, message: VersionList.Chosen) -> None:
        self.show(message.asset)

    def on_lineage_tree_asset_highlighted(self, message: LineageTree.AssetHighlighted) -> None:
        node = message.node
        if node.relation is None:
            self._set_status()
            return
        text = Text(message.tree.arrow(node.relation) + " ", style="dim")
        text.append_text(asset_label(node.asset))
        text.append(f"  {node.asset.id}", style="dim")
        text.append("  (enter re-centres)", style="dim italic")
        self._set_status(text)

    def _set_status(self, text: Text | None = None) -> None:
        if text is None:
            parts = []
            if self.current is None:
                parts.append("/ search for an asset")
            else:
                parts.append("↑↓ j k move · space → expand · enter l re-centre · tab next panel")
            if self.history:
                parts.append(f"back: {len(self.history)} (backspace)")
            kinds = self.app.kinds
            if kinds is not None:
                parts.append("kinds shown: " + ", ".join(kinds) + " (f)")
            text = Text("   ".join(parts), style="dim")
        self.query_one("#status", Static).update(text)

    # -- the screens that start from the current asset ---------------------------------

    def action_impact(self) -> None:
        if self.current is not None:
            self.app.open_impact(self.current)

    def action_path(self) -> None:
        if self.current is not None:
            self.app.pick_path_target(self.current)

    def action_export(self) -> None:
        if self.current is not None:
            self.app.export_lineage(self.current)
