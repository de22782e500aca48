"""AssetScreen: one asset in the middle, its upstream and downstream lineage as trees.

The main screen of `mlg explore`. Re-centring pushes the current view on a history —
the asset, what was opened in both trees, where the cursors were — that Backspace (or
h) walks back, redrawing the same view without a query; a breadcrumb above says where
you came from. Every database call runs in a worker: re-centring fetches the panel and
both trees' first level in one (so the screen is redrawn once), a tree fetches each
further level itself, the versions list its versions. The panel follows the cursor:
it shows the asset highlighted in a tree (fetched in a worker, kept for the session).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from time import monotonic
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import ContentSwitcher, Header, Static
from textual.worker import get_current_worker

import mlg
from mlg import AmbiguousAsset, Asset, MlgError, Owner
from mlg.tui.labels import AssetRef, asset_label, asset_name, error, muted, note, warning
from mlg.tui.widgets.asset_panel import AssetPanel
from mlg.tui.widgets.key_bar import KeyBar
from mlg.tui.widgets.lineage_tree import (
    FOLD_CAP,
    Closure,
    Level,
    LineageNode,
    LineageTree,
    TreeState,
    level_of_neighbours,
)
from mlg.tui.widgets.versions import VersionList
from mlg.tui.widgets.welcome import Welcome

if TYPE_CHECKING:
    from mlg import Graph
    from mlg.tui.screens.impact import ImpactScreen

# Draw "loading…" only when the view has not arrived by then (no flicker when it is fast;
# and on a busy machine, where a view takes 0.1-0.2 s, not one more frame to paint).
LOADING_AFTER = 0.25
# The view of the asset under the cursor is fetched ahead once the cursor has stayed on
# it this long, so that Enter draws it at once (and j held down starts no queries).
PREFETCH_AFTER = 0.15
# Another process (or thread) may write to the graph while the explorer shows it (a
# FalkorDB server, or a graph opened read-write): its generation is read (one short
# query) at every re-centre and Back, and this often while the screen sits idle; when it
# has moved, the answers kept from before are dropped and the view is fetched again.
WATCH_SECONDS = 2.0
NAVIGATION_RECHECK = 0.5
# `i` computes the impact first and opens its screen filled in (one frame, not one
# before the answer and more after it); only when the answer takes longer than this
# does the screen open first, saying "computing…" (the keys typed after `i` wait).
IMPACT_SCREEN_AFTER = 0.3


@dataclass
class Visit:
    """One step of the history: an asset and the view of it as it was left."""

    asset: AssetRef
    details: tuple[Asset, list[Owner]] | None
    upstream: TreeState | None
    downstream: TreeState | None
    focused: str | None
    kinds: Sequence[str] | None


class AssetScreen(Screen[None]):
    """Properties on the left; upstream above downstream on the right."""

    BINDINGS = [
        # Not in the footer: the breadcrumb offers it (`⌫ back 2 · …`) when there is
        # somewhere to go back to, so the footer's keys never change as one walks.
        Binding("backspace,h", "back", "Back", show=False),
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
            upstream: Level | None = None,
            downstream: Level | None = None,
            owners: list[Owner] | None = None,
            error: str | None = None,
            closures: tuple[Closure | None, Closure | None] = (None, None),
            kinds: Sequence[str] | None = None,
        ) -> None:
            self.asset = asset
            self.upstream = upstream
            self.downstream = downstream
            self.owners = owners
            self.error = error
            self.closures = closures
            self.kinds = kinds
            super().__init__()

    class Resolved(Message):
        """The start asset named on the command line was looked up."""

        def __init__(
            self, asset: Asset | None, error: str | None = None, candidates: list[Asset] | None = None
        ) -> None:
            self.asset = asset
            self.error = error
            self.candidates = candidates
            super().__init__()

    class GraphChanged(Message):
        """The graph's id and generation, read now (`Graph.generation`)."""

        def __init__(self, generation: tuple[str | None, int]) -> None:
            self.generation = generation
            super().__init__()

    class DetailsLoaded(Message):
        """The asset under a tree's cursor, in full, with its owners."""

        def __init__(self, asset: Asset | None, owners: list[Owner], error: str | None = None) -> None:
            self.asset = asset
            self.owners = owners
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph, start_asset: str | None = None) -> None:
        super().__init__(id="asset-screen")
        self.graph = graph
        self.start_asset = start_asset
        self.current: AssetRef | None = None
        self.history: list[Visit] = []
        self._enabled = False  # an asset is shown (the keys that need one are offered)
        self._loading: Timer | None = None
        # Assets in full with their owners, as the panel showed them (until another
        # writer moves the graph's generation: on_asset_screen_graph_changed).
        self._details: dict[str, tuple[Asset, list[Owner]]] = {}
        self._highlighted: str | None = None
        self._status_text: tuple | None = None  # what the status line says
        # The view being fetched for the kind filter's Enter, and what to call then.
        self._kinds_prepared: tuple[tuple, Callable[[], None]] | None = None
        # Where Back put each tree's cursor, until the tree says so (action_back).
        self._restored: dict[LineageTree, LineageNode] = {}
        # The views fetched, by asset and kind filter: re-centring on an asset seen
        # before draws it at once (dropped when the graph's generation moves).
        self._views: dict[tuple[str, tuple[str, ...] | None], AssetScreen.ViewLoaded] = {}
        self._drawn: tuple[str, tuple[str, ...] | None] | None = None  # the view on screen
        self._prefetch_timer: Timer | None = None
        # The generation the kept answers were read at (None until first read).
        self.generation: tuple[str | None, int] | None = None
        self._generation_read = 0.0  # when it was last read (monotonic)
        # `i` pressed, its impact not computed yet; the screen opened meanwhile (if slow).
        self._impact_of: AssetRef | None = None
        self._impact_timer: Timer | None = None
        self._impact_screen: ImpactScreen | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="breadcrumb")
        with ContentSwitcher(initial="welcome", id="switcher"):
            yield Welcome(self.graph, id="welcome")
            with Horizontal(id="asset-view"):
                yield AssetPanel(self.graph, id="panel")
                with Vertical(id="trees"):
                    yield LineageTree(self.graph, "up", id="upstream")
                    yield LineageTree(self.graph, "down", id="downstream")
        yield Static(id="status")
        yield KeyBar()

    def on_mount(self) -> None:
        self._set_status()
        # The first screen is drawn before the graph is first asked (`mlg explore` opens
        # it then, and imports pyarrow, numpy and Kuzu with it).
        self.call_after_refresh(self._check_generation)
        self.set_interval(WATCH_SECONDS, self._check_generation)
        self.query_one("#breadcrumb").display = False
        if not self.start_asset:
            self.call_after_refresh(self.query_one("#welcome", Welcome).load)
        else:
            self._set_status(Text(f"looking up {self.start_asset}…", style=note()))
            self._resolve(self.start_asset)

    # -- another writer --------------------------------------------------------------

    def _navigated(self) -> None:
        """A re-centre or Back: the generation is read again unless it was just read
        (keys held down would each start a query)."""
        if monotonic() - self._generation_read > NAVIGATION_RECHECK:
            self._check_generation()

    @work(thread=True, exclusive=True, group="generation")
    def _check_generation(self) -> None:
        self._generation_read = monotonic()
        try:
            generation = self.graph.generation()
        except MlgError:
            return  # the next look-up (or the view's own query) says what is wrong
        if generation != self.generation:
            self.post_message(self.GraphChanged(generation))

    def on_asset_screen_graph_changed(self, message: AssetScreen.GraphChanged) -> None:
        first = self.generation is None
        if message.generation == self.generation:
            return
        self.generation = message.generation
        if first:
            return
        # Everything kept was read before the write: forget it, and fetch what is shown.
        self._views.clear()
        self._details.clear()
        self.query_one("#versions", VersionList).forget()
        self.history = [Visit(v.asset, None, None, None, v.focused, v.kinds) for v in self.history]
        if self.current is None:
            self.query_one("#welcome", Welcome).load()
        else:
            self.show(self.current, remember=False)
        self._set_status(Text("the graph changed (another writer): the view was read again", style=note()))

    @work(thread=True, group="resolve")
    def _resolve(self, ref: str) -> None:
        try:
            self.post_message(self.Resolved(self.graph.resolve(ref)))
        except AmbiguousAsset as exc:
            found = [self.graph.get(c) for c in exc.candidates]
            self.post_message(self.Resolved(None, str(exc), [a for a in found if a is not None]))
        except MlgError as exc:
            self.post_message(self.Resolved(None, str(exc)))

    def on_asset_screen_resolved(self, message: AssetScreen.Resolved) -> None:
        if message.asset is not None:
            self.show(message.asset)
            return
        self.query_one("#welcome", Welcome).load()
        if message.candidates:
            from mlg.tui.screens.picker import PickerScreen

            self._set_status(
                Text(
                    f"{self.start_asset!r} names {len(message.candidates)} assets: pick one", style=warning()
                )
            )
            self.app.push_screen(
                PickerScreen(self.start_asset or "", message.candidates), self.app.open_asset
            )
        else:
            self._set_status(Text(message.error or "", style=error()))

    # -- navigation ---------------------------------------------------------------------

    @property
    def upstream(self) -> LineageTree:
        return self.query_one("#upstream", LineageTree)

    @property
    def downstream(self) -> LineageTree:
        return self.query_one("#downstream", LineageTree)

    @property
    def panel(self) -> AssetPanel:
        return self.query_one("#panel", AssetPanel)

    def _visit(self) -> Visit | None:
        """The view as it is now, to come back to."""
        if self.current is None:
            return None
        focused = self.focused.id if self.focused is not None else None
        return Visit(
            self.current,
            self._details.get(self.current.id),
            self.upstream.snapshot(),
            self.downstream.snapshot(),
            focused,
            self.app.kinds,
        )

    def show(self, asset: AssetRef, *, remember: bool = True) -> None:
        """Centre the screen on `asset`; the view shown before goes on the history."""
        if remember and self.current is not None and self.current.id != asset.id:
            visit = self._visit()
            if visit is not None:
                self.history.append(visit)
        self.current = asset
        self._highlighted = None
        self._restored.clear()
        self.query_one("#switcher", ContentSwitcher).current = "asset-view"
        if not (self.upstream.has_focus or self.downstream.has_focus):
            self.upstream.focus()
        self._set_status()
        self._set_breadcrumb()
        # One worker fetches the whole view, so that the screen is redrawn once when it
        # arrives; "loading…" is drawn only when that takes a while (a hub on 1M assets).
        if self._loading is not None:
            self._loading.stop()
            self._loading = None
        kinds = self.app.kinds
        self._drawn = None
        self._navigated()
        seen = self._views.get((asset.id, tuple(kinds) if kinds else None))
        if seen is not None:
            self.workers.cancel_group(self, "asset-view")
            self._draw_view(seen)
        else:
            # The header's title is set when the view (or "loading…") is drawn: a new
            # title costs a layout of the whole screen, once is enough.
            self._loading = self.set_timer(LOADING_AFTER, lambda: self._show_loading(asset))
            self._load_view(asset, kinds)
        self._keys_changed()

    def _keys_changed(self) -> None:
        # The footer rebuilds itself on refresh_bindings (its keys remounted, restyled and
        # laid out: the dearest part of a key on a slow machine), so only when the keys it
        # offers change: once, when the first asset is shown (Back is never in it).
        enabled = self.current is not None
        if enabled != self._enabled:
            self._enabled = enabled
            self.refresh_bindings()

    @work(thread=True, exclusive=True, group="asset-view")
    def _load_view(self, asset: AssetRef, kinds: Sequence[str] | None) -> None:
        message = self._fetch_view(asset, kinds)
        if not get_current_worker().is_cancelled:
            self.post_message(message)

    @work(thread=True, exclusive=True, group="prefetch")
    def _prefetch(self, asset: AssetRef, kinds: Sequence[str] | None) -> None:
        message = self._fetch_view(asset, kinds)
        if not get_current_worker().is_cancelled and message.error is None:
            self.post_message(message)

    def _prefetch_soon(self, asset: AssetRef) -> None:
        """Fetch the view of `asset` ahead, once the cursor has stayed on it a while."""
        if self._prefetch_timer is not None:
            self._prefetch_timer.stop()
            self._prefetch_timer = None
        kinds = self.app.kinds
        key = (asset.id, tuple(kinds) if kinds else None)
        if key in self._views or (self.current is not None and asset.id == self.current.id):
            return

        def start() -> None:
            self._prefetch_timer = None
            if key not in self._views and self.app.kinds == kinds:
                self._prefetch(asset, kinds)

        self._prefetch_timer = self.set_timer(PREFETCH_AFTER, start)

    def _fetch_view(self, asset: AssetRef, kinds: Sequence[str] | None) -> AssetScreen.ViewLoaded:
        """Everything the view of `asset` shows, from the database (in a worker)."""
        try:
            levels: list[Level] = []
            closures: list[Closure | None] = []
            # resolved once for both trees and the owners (each lookup is a query)
            full = self.graph.resolve(asset.id)
            for tree in (self.upstream, self.downstream):
                if kinds is None:
                    level = mlg.neighbours_with_counts(self.graph, full, tree.direction, None, tree.limit)
                    levels.append(level_of_neighbours(level))
                    closures.append(None)
                else:
                    # folded: hidden kinds become indirect edges, as the Python API does
                    closure = Closure(
                        self.graph.lineage(asset.id, tree.direction, kinds=kinds, max_nodes=FOLD_CAP),
                        tree.direction,
                        tree.limit,
                    )
                    levels.append(closure.level(full.id))
                    closures.append(closure)
            owners = list(self.graph.owners_of([full.id]).get(full.id, ()))
        except MlgError as exc:
            return self.ViewLoaded(asset, error=str(exc))
        return self.ViewLoaded(asset, levels[0], levels[1], owners, None, (closures[0], closures[1]), kinds)

    def on_asset_screen_view_loaded(self, message: AssetScreen.ViewLoaded) -> None:
        if message.upstream is not None and message.downstream is not None:
            kinds = tuple(message.kinds) if message.kinds else None
            self._views[(message.asset.id, kinds)] = message
            if self._kinds_prepared is not None and self._kinds_prepared[0] == (message.asset.id, kinds):
                done = self._kinds_prepared[1]
                self._kinds_prepared = None
                done()
        self._draw_view(message)

    def _draw_view(self, message: AssetScreen.ViewLoaded) -> None:
        if self.current is None or message.asset.id != self.current.id:
            return  # an older answer (or one fetched ahead): the user has moved on
        key = (message.asset.id, tuple(message.kinds) if message.kinds else None)
        shown_kinds = tuple(self.app.kinds) if self.app.kinds else None
        if message.error is None and (key[1] != shown_kinds or key == self._drawn):
            return  # for another kind filter, or drawn already (fetched ahead and again)
        self.sub_title = message.asset.id
        if self._loading is not None:
            self._loading.stop()
            self._loading = None
        panel = self.panel
        if message.upstream is None or message.downstream is None:
            panel.show_error(message.asset, message.error or "")
            self._set_status(Text(message.error or "", style=error()))
            return
        asset = message.upstream.asset
        assert isinstance(asset, Asset)
        self._details[asset.id] = (asset, message.owners or [])
        self._drawn = key
        with self.app.batch_update():
            self.upstream.show_level(message.upstream, message.kinds, message.closures[0])
            self.downstream.show_level(message.downstream, message.kinds, message.closures[1])
            panel.show_details(asset, message.owners or [], centre=True)

    def _show_loading(self, asset: AssetRef) -> None:
        self._loading = None
        if self.current is None or self.current.id != asset.id or self._drawn is not None:
            return  # moved on, or drawn meanwhile: "loading…" would hide a drawn view
        self.sub_title = asset.id
        with self.app.batch_update():
            self.upstream.show_loading(asset)
            self.downstream.show_loading(asset)
            self.panel.show_loading(asset)

    def prepare_kinds(self, kinds: Sequence[str] | None, done: Callable[[], None]) -> None:
        """Fetch the view of the current asset as `kinds` filter it, then call `done`
        (the kind filter closes then, and the view is redrawn once, from what was
        fetched: not for the filter screen leaving, then again for the answer)."""
        key = (self.current.id, tuple(kinds) if kinds else None) if self.current is not None else None
        if key is None or key in self._views:
            done()
            return
        self._kinds_prepared = (key, done)
        self._prefetch(self.current, kinds)

    def reload(self) -> None:
        """Show the current asset again (the kind filter changed)."""
        if self.current is not None:
            self.show(self.current, remember=False)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Keys that need an asset are left out of the footer until there is one (not
        dimmed: a dimmed key would be told apart by colour alone)."""
        if action in ("impact", "path", "export", "back"):
            return self.current is not None
        return True

    def on_welcome_stats_loaded(self, message: Welcome.StatsLoaded) -> None:
        if message.stats is not None and not message.stats.assets:
            self._set_status(Text("the graph is empty: nothing to search yet", style=warning()))

    def action_back(self) -> None:
        if not self.history:
            self._set_status(Text("nothing to go back to: this is where you started", style=note()))
            return
        visit = self.history.pop()
        self._navigated()
        if visit.upstream is None or visit.downstream is None or visit.details is None:
            self.show(visit.asset, remember=False)  # it was left before it had loaded
            return
        if self._loading is not None:
            self._loading.stop()
            self._loading = None
        self.workers.cancel_group(self, "asset-view")
        self.current = visit.asset
        self._drawn = (visit.asset.id, tuple(visit.kinds) if visit.kinds else None)
        self._highlighted = None
        self.sub_title = visit.asset.id
        asset, owners = visit.details
        focused = None
        if visit.focused in ("upstream", "downstream"):
            focused = self.query_one(f"#{visit.focused}", LineageTree)
        with self.app.batch_update():
            self.upstream.restore(visit.upstream, visit.kinds)
            self.downstream.restore(visit.downstream, visit.kinds)
            # The panel and the status line follow the cursor put back, in the same frame
            # as the trees (following the highlight each tree posts for it would draw
            # the panel twice: a layout and a paint each).
            cursor = focused.cursor_node if focused is not None else None
            self._set_status()
            if cursor is not None and cursor.data is not None and cursor is not focused.root:
                self.on_lineage_tree_asset_highlighted(LineageTree.AssetHighlighted(focused, cursor.data))
            else:
                self.panel.show_details(asset, owners, centre=True)
                self._highlighted = asset.id
        if focused is not None:
            focused.focus()
        self._restored = {
            tree: tree.cursor_node.data
            for tree in (self.upstream, self.downstream)
            if tree.cursor_node is not None and tree.cursor_node.data is not None
        }
        if visit.kinds != self.app.kinds:
            self.reload()  # the kind filter changed since: the same asset, as filtered now
        self._set_breadcrumb()
        self._keys_changed()

    def on_lineage_tree_asset_chosen(self, message: LineageTree.AssetChosen) -> None:
        focused = message.control if isinstance(message.control, LineageTree) else None
        self.show(message.asset)
        if focused is not None:
            focused.focus()

    def on_version_list_chosen(self, message: VersionList.Chosen) -> None:
        self.show(message.asset)

    def on_lineage_tree_asset_highlighted(self, message: LineageTree.AssetHighlighted) -> None:
        if self._restored.get(message.tree) is message.node:
            # the cursor Back put there: followed already, with the view (action_back)
            del self._restored[message.tree]
            return
        node = message.node
        self._follow(node.asset)
        self._prefetch_soon(node.asset)
        if node.relation is None:
            self._set_status()
            return
        text = Text(message.tree.relation_text(node) + " ", style=muted())
        text.append_text(asset_label(node.asset))
        text.append(f"  {node.asset.id}", style=muted())
        text.append("  (enter re-centres)", style=note())
        self._set_status(text)

    # -- the panel follows the cursor ----------------------------------------------------

    def _follow(self, asset: AssetRef) -> None:
        if self._highlighted == asset.id:
            return
        self._highlighted = asset.id
        centre = self.current is not None and asset.id == self.current.id
        known = self._details.get(asset.id)
        if known is not None:
            self.panel.show_details(*known, centre=centre)
        elif self.panel.ref is None or self.panel.ref.id != asset.id:
            self._load_details(asset.id)

    @work(thread=True, exclusive=True, group="details")
    def _load_details(self, asset_id: str) -> None:
        try:
            asset = self.graph.get(asset_id)
            owners = self.graph.owners(asset_id) if asset is not None else []
        except MlgError as exc:
            self.post_message(self.DetailsLoaded(None, [], str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.DetailsLoaded(asset, owners))

    def on_asset_screen_details_loaded(self, message: AssetScreen.DetailsLoaded) -> None:
        if message.asset is None:
            return
        self._details[message.asset.id] = (message.asset, message.owners)
        if message.asset.id == self._highlighted:
            centre = self.current is not None and message.asset.id == self.current.id
            self.panel.show_details(message.asset, message.owners, centre=centre)

    # -- what the status line and the breadcrumb say ------------------------------------

    def _set_status(self, text: Text | None = None) -> None:
        if text is None:
            parts = []
            kinds = self.app.kinds
            if kinds is not None:  # first: it changes what every tree shows
                parts.append("kinds: " + ", ".join(kinds) + " (f)")
            if self.current is None:
                parts.append("/ search for an asset")
            else:
                parts.append("↑↓ move · space expand · * all below · enter re-centre · z maximise")
            text = Text("   ".join(parts), style=muted())
        # one line, always: no layout needed (a layout of the whole screen per key)
        said = (text.plain, text.style, tuple(text.spans))
        if said != self._status_text:  # nor a paint, when it says the same
            self._status_text = said
            self.query_one("#status", Static).update(text, layout=False)

    def _set_breadcrumb(self) -> None:
        crumb = self.query_one("#breadcrumb", Static)
        crumb.display = self.current is not None
        if self.current is None:
            return
        crumb.update(self.breadcrumb(max(crumb.size.width, self.size.width) - 2), layout=False)

    def breadcrumb(self, width: int) -> Text:
        """`● a › ■ b › ■ c` from the first asset visited to the one in view, cut on the
        left (`… ›`) to fit `width`; the count of steps back (and the key) when there are
        any."""
        steps = [v.asset for v in self.history] + ([self.current] if self.current else [])
        head = Text(f"⌫ back {len(self.history)} · ", style=muted()) if self.history else Text()
        parts = [asset_name(a, bold=i == len(steps) - 1) for i, a in enumerate(steps)]
        sep = Text(" › ", style=muted())
        for first in range(len(parts)):
            text = head.copy()
            if first:
                text.append("… ›", style=muted())
                text.append(" ")
            text.append_text(sep.join(parts[first:]))
            if text.cell_len <= width or first == len(parts) - 1:
                if text.cell_len > width:
                    text.truncate(width, overflow="ellipsis")
                return text
        return head

    def on_resize(self, event: events.Resize) -> None:
        self._set_breadcrumb()

    # -- the screens that start from the current asset ---------------------------------

    def action_impact(self) -> None:
        if self.current is None or self._impact_of is not None:
            return
        self._impact_of = asset = self.current
        self._impact_screen = None
        self._impact_timer = self.set_timer(IMPACT_SCREEN_AFTER, self._open_impact_computing)
        self._compute_impact(asset)

    @property
    def holds_keys(self) -> bool:
        """The keys after `i` wait for the impact screen (ExploreApp's HoldsKeys)."""
        return self._impact_of is not None and self._impact_screen is None

    @work(thread=True, exclusive=True, group="impact")
    def _compute_impact(self, asset: AssetRef) -> None:
        from mlg.tui.screens.impact import ImpactScreen

        try:
            answer = ImpactScreen.Computed(self.graph.impact(asset.id))
        except MlgError as exc:
            answer = ImpactScreen.Computed(None, str(exc), asset.id)
        self.post_message(self.ImpactComputed(asset, answer))

    class ImpactComputed(Message):
        """The impact of the asset `i` was pressed on (or why there is none)."""

        def __init__(self, asset: AssetRef, answer: ImpactScreen.Computed) -> None:
            self.asset = asset
            self.answer = answer
            super().__init__()

    def _open_impact_computing(self) -> None:
        """The impact is slow: its screen opens now, and is filled in when it comes."""
        self._impact_timer = None
        if self._impact_of is not None and self._impact_screen is None:
            self._impact_screen = self.app.open_impact(self._impact_of)
            self.app.keys_released()

    def on_asset_screen_impact_computed(self, message: AssetScreen.ImpactComputed) -> None:
        if self._impact_of is None or message.asset.id != self._impact_of.id:
            return
        if self._impact_timer is not None:
            self._impact_timer.stop()
            self._impact_timer = None
        screen = self._impact_screen
        self._impact_of = self._impact_screen = None
        if screen is not None:
            screen.show_answer(message.answer)  # (nothing, if it was closed meanwhile)
        else:
            self.app.open_impact(message.asset, message.answer)
            self.app.keys_released()

    def action_path(self) -> None:
        if self.current is not None:
            self.app.pick_path_target(self.current)

    def action_export(self) -> None:
        if self.current is not None:
            self.app.export_view(self)
