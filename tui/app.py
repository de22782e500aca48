"""ExploreApp: `mlg explore`, a keyboard-first explorer of the lifecycle graph.

    from mlg.tui.app import ExploreApp
    with mlg.open(path, read_only=True) as graph:
        ExploreApp(graph, start_asset="model:recs.home_ranker@4").run()

The app receives an open Graph and never touches Kuzu: every question goes through
mlg's public API, in a worker thread, and comes back as a message.
"""

from __future__ import annotations

import gc
from time import monotonic
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from rich.console import RenderableType
from textual import events
from textual.app import App
from textual.binding import Binding
from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget

import mlg
from mlg import Asset
from mlg.tui.labels import AssetRef, use_theme
from mlg.tui.screens.asset_view import AssetScreen
from mlg.tui.widgets.lineage_tree import LineageTree

if TYPE_CHECKING:
    from mlg import Edge, Graph, Subgraph
    from mlg.tui.screens.impact import ImpactScreen
    from mlg.tui.screens.kind_filter import Kinds

# The other screens are imported when first opened, not at start-up: the first screen
# (the asset view) comes up sooner (`mlg explore`'s start is mostly imports).

# A key's probe that has not come back this long after it was sent is sent again (it may
# have been dropped with a screen that closed); keys are never held longer than
# KEY_HOLD_MAX_SECONDS (a safety net: a probe always comes back or is sent again).
PROBE_RESEND_SECONDS = 0.05
KEY_HOLD_MAX_SECONDS = 5.0
# Round trips of the probe after a key before the next key goes: the second one follows
# the messages the key's binding posted (Input.Submitted after Enter, say).
PROBE_MIN_ROUNDS = 2


@runtime_checkable
class HoldsKeys(Protocol):
    """A screen that acts on a key later (when an answer comes) and wants the keys after
    it held until then: it says so in `holds_keys`, then calls app.keys_released()."""

    @property
    def holds_keys(self) -> bool: ...


class KeyProbe(Message):
    """Sent up the focus chain right behind a key: when it reaches the app, every widget
    on the key's way has handled the key (a message pump handles messages in order)."""

    def __init__(self, origin: MessagePump) -> None:
        super().__init__()
        self.origin = origin


class ExploreApp(App[None]):
    """Search, walk lineage, see impact and paths, query and export — from the keyboard."""

    CSS_PATH = "explore.tcss"
    TITLE = "mlg explore"
    ENABLE_COMMAND_PALETTE = False
    # `z` maximises a panel; the keys stay in sight (KeyBar stands in for Textual's Footer).
    ALLOW_IN_MAXIMIZED_VIEW = "KeyBar"
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
        # Keys received, not yet sent on (see on_event); when the one sent last came.
        self._held_keys: list[events.Key] = []
        self._key_since: float | None = None
        self._probe: KeyProbe | None = None
        self._probe_route: tuple[Screen, Widget | None] | None = None
        self._probe_sent = 0.0
        self._probe_rounds = 0
        self._parked: Screen | None = None  # the screen holding the keys (HoldsKeys)
        self._impact_screen: ImpactScreen | None = None  # kept, once opened (open_impact)
        # Kinds shown by the trees and the search; None shows every kind.
        self.kinds: Kinds = None
        mode = "read-only" if graph.read_only else "read-write"
        # The file's name only: a full path would differ from machine to machine.
        self.title = f"mlg explore · {graph.path.name} ({mode})"

    # -- keys: one at a time, so that a burst is never lost ---------------------------
    #
    # A terminal delivers a burst of keys to the app's queue at once. Textual forwards
    # each to the focused widget, and a binding runs when the key has bubbled back up to
    # the app: by then the rest of the burst has gone to the widget focused before (`/`
    # opens search, but `home` went to the tree, where `h` means Back). So a key is held
    # until the one before it has run its course: a KeyProbe sent behind it has come
    # back up (PROBE_MIN_ROUNDS times, the last one seeing the same screen and focus it
    # left with), and the screen it ends on has its focus.

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            self._held_keys.append(event)
            if self._key_since is None:
                await self._next_key()
            return
        await super().on_event(event)

    @property
    def keys_pending(self) -> bool:
        """Keys received and not handled yet (the last one's probe is out, or held)."""
        return self._key_since is not None or bool(self._held_keys)

    def exit(self, result: None = None, return_code: int = 0, message: RenderableType | None = None) -> None:
        """Quit: the keys held behind the one that quits go nowhere."""
        self._held_keys.clear()
        self._key_since = None
        self._probe = self._parked = None
        super().exit(result, return_code, message)

    def _route(self) -> tuple[Screen, Widget | None]:
        """Where a key would go now: the screen and its focused widget."""
        screen = self.screen
        return screen, screen.focused

    async def _next_key(self) -> None:
        """Send the first held key to the focused widget, and a probe behind it."""
        if not self._held_keys:
            self._key_since = None
            return
        event = self._held_keys.pop(0)
        self._key_since = monotonic()
        self._probe_rounds = 0
        target = self.focused or self.screen  # where App.on_event forwards the key
        await super().on_event(event)
        self._send_probe(target)

    def _send_probe(self, target: MessagePump | None = None) -> None:
        target = target or self.focused or self.screen
        probe = KeyProbe(target)
        self._probe = probe
        self._probe_route = self._route()
        self._probe_sent = monotonic()
        if not target.post_message(probe):  # closing: the key went nowhere
            if target is not self.screen:
                self._send_probe(self.screen)
            else:  # the app is closing too
                self._probe = None
                self.call_next(self._next_key)
            return
        self.set_timer(PROBE_RESEND_SECONDS, lambda: self._check_probe(probe))

    def on_key_probe(self, probe: KeyProbe) -> None:
        probe.stop()
        if probe is not self._probe:
            return  # one sent again meanwhile: that one counts
        self._probe = None
        self._probe_rounds += 1
        route = self._route()
        screen, focused = route
        ready = screen.is_mounted and (focused is not None or not screen.focus_chain)
        if monotonic() - self._key_since >= KEY_HOLD_MAX_SECONDS:
            pass  # never expected: the keys go on rather than wait for ever
        elif route != self._probe_route or not ready or self._probe_rounds < PROBE_MIN_ROUNDS:
            self._send_probe()
            return
        elif isinstance(screen, HoldsKeys) and screen.holds_keys:
            # the screen acts on the key later (Enter before the search results came):
            # it calls keys_released() then
            self._parked = screen
            left = KEY_HOLD_MAX_SECONDS - (monotonic() - self._key_since)
            self.set_timer(max(left, 0.0), lambda: self._unpark(screen, self._key_since))
            return
        self.call_next(self._next_key)

    def keys_released(self) -> None:
        """A screen that held keys (HoldsKeys) has acted on them: the next may go."""
        if self._parked is not None:
            self._parked = None
            self._probe_rounds = 0
            self._send_probe()

    def _unpark(self, screen: Screen, since: float | None) -> None:
        if self._parked is screen and self._key_since == since:  # held too long
            self._parked = None
            self.call_next(self._next_key)

    def _check_probe(self, probe: KeyProbe) -> None:
        """A probe not back yet: sent again if it may have been lost with its screen."""
        if probe is not self._probe or not self.screen_stack:  # or the app is closing
            return
        origin = probe.origin
        lost = not (isinstance(origin, Widget) and origin.is_attached and origin.screen is self.screen)
        if monotonic() - self._key_since >= KEY_HOLD_MAX_SECONDS:
            self._probe = None
            self.call_next(self._next_key)
        elif lost or monotonic() - self._probe_sent >= 4 * PROBE_RESEND_SECONDS:
            self._send_probe()
        else:
            self.set_timer(PROBE_RESEND_SECONDS, lambda: self._check_probe(probe))

    def on_mount(self) -> None:
        use_theme(self.theme_variables)
        self.theme_changed_signal.subscribe(self, lambda _: use_theme(self.theme_variables))
        # What exists by now (the modules imported, the graph, the app) lives as long as
        # the app: out of the cyclic GC's sight, so that a full collection does not walk
        # ~120k objects (~80 ms on a busy machine) in the middle of a key. Given back on
        # unmount, so that a process running apps one after another (tests) leaks nothing.
        gc.freeze()

    def on_unmount(self) -> None:
        gc.unfreeze()

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
        from mlg.tui.screens.search import SearchScreen

        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen(self.graph, self.kinds), self.open_asset)

    def open_impact(self, asset: AssetRef, answer: ImpactScreen.Computed | None = None) -> ImpactScreen:
        """The impact screen of `asset`: filled in with `answer`, or waiting for it
        (`ImpactScreen.show_answer`)."""
        from mlg.tui.screens.impact import ImpactScreen

        screen = self._impact_screen
        if screen is None:
            # one screen for every impact, kept (installed) when closed and refilled:
            # composing, mounting and styling a new one cost more than the rest of `i`
            screen = self._impact_screen = ImpactScreen(self.graph, asset, answer, compute=False)
            self.install_screen(screen, "impact")
        else:
            screen.show_impact_of(asset, answer)
        self.push_screen(screen, self.open_asset)
        return screen

    def pick_path_target(self, source: AssetRef) -> None:
        from mlg.tui.screens.path import PathScreen
        from mlg.tui.screens.search import SearchScreen

        def found(target: Asset | None) -> None:
            if target is not None:
                self.push_screen(PathScreen(self.graph, source, target), self.open_asset)

        title = f"Path from {source.name} to…"
        self.push_screen(SearchScreen(self.graph, self.kinds, title=title), found)

    def action_console(self) -> None:
        from mlg.tui.screens.console import ConsoleScreen

        if not isinstance(self.screen, ConsoleScreen):
            self.push_screen(ConsoleScreen(self.graph))

    # -- export -------------------------------------------------------------------------

    def export_view(self, screen: AssetScreen) -> None:
        """Export what the asset view shows: the assets opened in both trees and the
        relations that join them as drawn (folded ones included), with their owners."""
        from mlg.tui.screens.export import ExportScreen

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
                edges[(source, target, node.relation)] = mlg.Edge(
                    source, target, node.relation, indirect, node.hops
                )
        graph = self.graph

        def on_screen() -> Subgraph:
            from mlg import owners_of

            assets = [a for a in (graph.get(i) for i in ids) if a is not None]
            owners = owners_of(graph, [a.id for a in assets])
            return mlg.Subgraph(assets, list(edges.values()), roots=(current.id,), owners=owners)

        n = len(ids)
        what = f"the {n} assets on screen around {current.id}"
        if self.kinds:
            what += f" (kinds {', '.join(self.kinds)})"
        self.push_screen(ExportScreen(on_screen, what, current.id))

    def export_subgraph(self, subgraph: Subgraph, what: str, slug_of: str) -> None:
        from mlg.tui.screens.export import ExportScreen

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
        from mlg.tui.screens.kind_filter import KindFilterScreen

        if isinstance(self.screen, KindFilterScreen):
            return

        def chosen(kinds: Kinds) -> None:
            if kinds != self.kinds:
                self.kinds = kinds
                self.asset_screen.reload()

        self.push_screen(KindFilterScreen(self.kinds, self.asset_screen.prepare_kinds), chosen)

    def action_help(self) -> None:
        from mlg.tui.screens.console import ConsoleScreen
        from mlg.tui.screens.help import HelpScreen
        from mlg.tui.screens.impact import ImpactScreen
        from mlg.tui.screens.kind_filter import KindFilterScreen
        from mlg.tui.screens.search import SearchScreen

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
