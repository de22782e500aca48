"""ExploreApp: `mlg explore`, a keyboard-first explorer of the lifecycle graph.

    from mlg.tui.app import ExploreApp
    with mlg.open(path, read_only=True) as graph:
        ExploreApp(graph, start_asset="model:recs.home_ranker@4").run()

The app receives an open Graph and never touches Kuzu: every question goes through
mlg's public API, in a worker thread, and comes back as a message.
"""

from __future__ import annotations

from time import monotonic

from textual import events
from textual.app import App
from textual.binding import Binding
from textual.screen import Screen

from mlg import Asset, Edge, Graph, Subgraph
from mlg.tui.labels import AssetRef, use_theme
from mlg.tui.screens.asset_view import AssetScreen
from mlg.tui.screens.console import ConsoleScreen
from mlg.tui.screens.export import ExportScreen
from mlg.tui.screens.help import HelpScreen
from mlg.tui.screens.impact import ImpactScreen
from mlg.tui.screens.kind_filter import KindFilterScreen, Kinds
from mlg.tui.screens.path import PathScreen
from mlg.tui.screens.search import SearchScreen
from mlg.tui.widgets.lineage_tree import LineageTree

# A held key looks every KEY_POLL_SECONDS whether the one before it has been handled,
# KEY_WAIT_ROUNDS times at most (a key is never held much beyond 100 ms).
KEY_POLL_SECONDS = 0.002
KEY_WAIT_ROUNDS = 50
# A key is never held longer than this, whatever happens to the one before it.
KEY_HOLD_MAX_SECONDS = 0.25


class ExploreApp(App[None]):
    """Search, walk lineage, see impact and paths, query and export — from the keyboard."""

    CSS_PATH = "explore.tcss"
    TITLE = "mlg explore"
    ENABLE_COMMAND_PALETTE = False
    # `-narrow` below 110 columns: the side panels yield to the names (explore.tcss).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    BINDINGS = [
        Binding("slash", "search", "Search"),
        Binding("colon", "console", "Cypher"),
        Binding("f", "kinds", "Kinds"),
        Binding("z", "maximise", "Maximise"),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, graph: Graph, start_asset: str | None = None) -> None:
        super().__init__()
        self.graph = graph
        self.start_asset = start_asset
        self._key_busy = False
        self._busy_since = 0.0
        self._key_screen: Screen | None = None  # the screen when the last key came
        self._held_keys: list[events.Key] = []
        # Kinds shown by the trees and the search; None shows every kind.
        self.kinds: Kinds = None
        mode = "read-only" if graph.read_only else "read-write"
        # The file's name only: a full path would differ from machine to machine.
        self.title = f"mlg explore · {graph.path.name} ({mode})"

    # -- keys: one at a time, so that a burst is never lost ---------------------------

    async def on_event(self, event: events.Event) -> None:
        """A key that opens a screen is handled before the next key is looked at: keys
        typed in one burst (`/home` then ↓) go to the screen the first one opened, not
        to the one it left (where `h` would mean Back)."""
        if isinstance(event, events.Key) and not event.is_forwarded:
            if self._key_busy and monotonic() - self._busy_since < KEY_HOLD_MAX_SECONDS:
                self._held_keys.append(event)
                return
            if self._held_keys:  # held too long (never expected): keep the order, go on
                self._held_keys.append(event)
                event = self._held_keys.pop(0)
            self._key_busy = True
            self._busy_since = monotonic()
            self._key_screen = self.screen
            await super().on_event(event)
            self._schedule_next_key(0)
            return
        await super().on_event(event)

    @property
    def keys_pending(self) -> bool:
        """Keys received and not handled yet (held behind the one before them)."""
        busy = self._key_busy and monotonic() - self._busy_since < KEY_HOLD_MAX_SECONDS
        return busy or bool(self._held_keys)

    def _schedule_next_key(self, waited: int) -> None:
        # A timer of the app, not call_after_refresh: that runs on the screen of the
        # moment, and a key that closes that screen would take the callback with it.
        self.set_timer(KEY_POLL_SECONDS, lambda: self._next_key(waited))

    async def _next_key(self, waited: int = 0) -> None:
        if not self._key_handled() and waited < KEY_WAIT_ROUNDS:
            self._schedule_next_key(waited + 1)
            return
        self._key_busy = False
        if self._held_keys:
            await self.on_event(self._held_keys.pop(0))

    def _key_handled(self) -> bool:
        """The last key has run its course: it has bubbled up from the focused widget
        (nothing left in their queues) and a screen it opened has taken the focus."""
        screen = self.screen
        focused = screen.focused
        nodes = [screen, *(focused.ancestors_with_self if focused is not None else ())]
        # Textual offers no "message handled" signal: its queues, read not written.
        if any(not node._message_queue.empty() for node in nodes):
            return False
        return focused is not None or not screen.focus_chain

    def on_mount(self) -> None:
        use_theme(self.theme_variables)
        self.theme_changed_signal.subscribe(self, lambda _: use_theme(self.theme_variables))

    def get_default_screen(self) -> Screen:
        return AssetScreen(self.graph, self.start_asset)

    @property
    def asset_screen(self) -> AssetScreen:
        screen = self.screen_stack[0]
        assert isinstance(screen, AssetScreen)
        return screen

    # -- going places -----------------------------------------------------------------

    def open_asset(self, asset: AssetRef | None) -> None:
        """Back to the asset view, centred on `asset` (nothing happens for None)."""
        if asset is None:
            return
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.asset_screen.show(asset)

    def action_search(self) -> None:
        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen(self.graph, self.kinds), self.open_asset)

    def open_impact(self, asset: AssetRef) -> None:
        self.push_screen(ImpactScreen(self.graph, asset), self.open_asset)

    def pick_path_target(self, source: AssetRef) -> None:
        def found(target: Asset | None) -> None:
            if target is not None:
                self.push_screen(PathScreen(self.graph, source, target), self.open_asset)

        title = f"Path from {source.name} to…"
        self.push_screen(SearchScreen(self.graph, self.kinds, title=title), found)

    def action_console(self) -> None:
        if not isinstance(self.screen, ConsoleScreen):
            self.push_screen(ConsoleScreen(self.graph))

    # -- export -------------------------------------------------------------------------

    def export_view(self, screen: AssetScreen) -> None:
        """Export what the asset view shows: the assets opened in both trees and the
        relations that join them as drawn (folded ones included), with their owners."""
        current = screen.current
        if current is None:
            return
        edges: dict[tuple[str, str, str], Edge] = {}
        ids: dict[str, None] = {current.id: None}
        for tree in (screen.upstream, screen.downstream):
            for node, parent in tree.shown():
                ids[node.asset.id] = None
                if parent is None or node.relation is None:
                    continue
                a, b = parent.asset.id, node.asset.id
                source, target = (a, b) if tree.direction == "up" else (b, a)
                indirect = node.relation == "indirect"
                edges[(source, target, node.relation)] = Edge(
                    source, target, node.relation, indirect, node.hops
                )
        graph = self.graph

        def on_screen() -> Subgraph:
            from mlg import owners_of

            assets = [a for a in (graph.get(i) for i in ids) if a is not None]
            owners = owners_of(graph, [a.id for a in assets])
            return Subgraph(assets, list(edges.values()), roots=(current.id,), owners=owners)

        n = len(ids)
        what = f"the {n} assets on screen around {current.id}"
        if self.kinds:
            what += f" (kinds {', '.join(self.kinds)})"
        self.push_screen(ExportScreen(on_screen, what, current.id))

    def export_subgraph(self, subgraph: Subgraph, what: str, slug_of: str) -> None:
        self.push_screen(ExportScreen(lambda: subgraph, what, slug_of))

    # -- filters and help ----------------------------------------------------------------

    def action_maximise(self) -> None:
        """z: the focused panel fills the screen; z again (or Esc) puts it back."""
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
        elif screen.focused is not None:
            screen.maximize(screen.focused)

    def action_kinds(self) -> None:
        if isinstance(self.screen, KindFilterScreen):
            return

        def chosen(kinds: Kinds) -> None:
            if kinds != self.kinds:
                self.kinds = kinds
                self.asset_screen.reload()

        self.push_screen(KindFilterScreen(self.kinds), chosen)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        # Keys that belong to Textual's own widgets (Input, Tree), described here.
        opens = Binding("enter", "", "Open the highlighted asset")
        self.push_screen(
            HelpScreen(
                [
                    ("Everywhere", self.BINDINGS),
                    ("Asset view", AssetScreen.BINDINGS),
                    ("Lineage trees", LineageTree.BINDINGS),
                    ("Search", [Binding("enter", "", "Open the highlighted result"), *SearchScreen.BINDINGS]),
                    (
                        "Impact and path screens",
                        [opens, Binding("j,k", "", "Move down, up"), *ImpactScreen.BINDINGS],
                    ),
                    (
                        "Cypher console",
                        [
                            Binding("enter", "", "Run the query, or open the row's asset"),
                            *ConsoleScreen.BINDINGS,
                        ],
                    ),
                    ("Kind filter", KindFilterScreen.BINDINGS),
                ]
            )
        )
