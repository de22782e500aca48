"""ImpactScreen: what a change to one asset would break, and who to tell.

The blast radius grouped by kind (nearest first), the teams (and people) to notify, and
the path from the asset to every production service and experiment it reaches. Enter
on any asset leaves the screen centred on that asset.

The asset view computes the impact before it opens this screen (tui/screens/asset_view.py),
so that the screen is composed, laid out and painted once, already filled in: each
change after the first frame costs Textual another layout and paint of the whole
screen. Only an impact slower than that (a hub on 1M assets) opens it first, saying
"computing…", and hands it the answer with `show_answer` when it comes.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import DataTable, Header, Static, Tree
from textual.widgets.tree import TreeNode

from mlg import KINDS, REACHED_KINDS, AffectedAsset, Asset, Graph, Impact, MlgError
from mlg.tui.labels import (
    ICONS,
    AssetRef,
    asset_label,
    asset_title,
    counted,
    error,
    kind_badge,
    kind_style,
    muted,
    note,
    path_steps,
    warning,
)
from mlg.tui.widgets.key_bar import KeyBar
from mlg.tui.widgets.nav_tree import NavTree

# Enough to read on a screen; the rest is counted, and exported with `e`.
SHOWN_PER_KIND = 100
SHOWN_PATHS = 100
EXPANDED_PATHS = 3
# The loading indicator (a widget mounted and animated: a repaint every frame) is shown
# only when the screen has waited this long for the answer, after the asset view waited
# IMPACT_SCREEN_AFTER (asset_view.py) before opening it: for work over ~0.5 s.
LOADING_AFTER = 0.3


class ImpactScreen(Screen[Asset | None]):
    BINDINGS = [
        Binding("escape,backspace,h", "dismiss(None)", "Back"),
        Binding("e", "export", "Export"),
    ]

    class Computed(Message):
        def __init__(self, impact: Impact | None, error: str | None = None, asset_id: str = "") -> None:
            """`asset_id`: whose impact it is (taken from `impact` when there is one)."""
            self.impact = impact
            self.error = error
            self.asset_id = impact.asset.id if impact is not None else asset_id
            super().__init__()

    def __init__(
        self,
        graph: Graph,
        asset: AssetRef,
        answer: Computed | None = None,
        *,
        compute: bool = True,
    ) -> None:
        """`answer`: the impact computed already (drawn in the first frame); without
        one, the screen computes it itself, or (`compute=False`) waits for `show_answer`.
        The app keeps one such screen and shows the next impact in it (`show_impact_of`):
        composing, mounting and styling a new screen each time cost more than the rest."""
        super().__init__(id="impact-screen")
        self.graph = graph
        self.asset = asset
        self.impact: Impact | None = None
        self._answer = answer
        self._compute_it = compute and answer is None
        self._computed = False  # the answer came (the impact, or an error)
        self._assets: dict[str, Asset] = {}
        self._loading_timer: Timer | None = None
        # The rows of a collapsed group or path, added when it is first opened: a hub's
        # impact is hundreds of rows, most of them out of sight (and each costs a node).
        self._later: dict[tuple[str | None, int], Callable[[], None]] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(self._computing_text(), id="impact-summary")
        with Horizontal(id="impact-body"):
            kinds: Tree[Asset | None] = NavTree("affected", id="impact-kinds")
            kinds.border_title = "Blast radius by kind (nearest first)"
            kinds.show_root = False
            yield kinds
            with Vertical(id="impact-side"):
                teams = DataTable(id="impact-teams", cursor_type="row", zebra_stripes=True)
                teams.border_title = "Who to tell"
                yield teams
                paths: Tree[Asset | None] = NavTree("paths", id="impact-paths")
                paths.border_title = "Paths to production services and experiments"
                paths.show_root = False
                yield paths
        yield KeyBar()

    def _computing_text(self) -> Text:
        summary = Text("computing the impact of ", style=note())
        summary.append_text(asset_label(self.asset, bold=True))
        summary.append("…", style=note())
        return summary

    def on_mount(self) -> None:
        self._begin()

    def show_impact_of(self, asset: AssetRef, answer: Computed | None = None) -> None:
        """Show another asset's impact in this screen (before it is pushed again):
        `answer`, or "computing…" until `show_answer`."""
        self.asset = asset
        self._answer = answer
        self._compute_it = False
        for widget in self.query("#impact-kinds, #impact-teams, #impact-paths"):
            widget.scroll_home(animate=False)
        if answer is None:
            self.query_one("#impact-summary", Static).update(self._computing_text())
            self._clear()
        self._begin()

    def _begin(self) -> None:
        self.impact = None
        self._computed = False
        self._assets = {}
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        self.sub_title = f"impact of {self.asset.id}"
        self.query_one("#impact-kinds").focus()
        if self._answer is not None:  # filled in before the first frame
            answer, self._answer = self._answer, None
            self.show_answer(answer)
            return
        # A hub on 1M assets takes seconds: the loading indicator then. Not at once: it is
        # a widget mounted and animated, dear on a busy machine for an answer in 50 ms.
        self._loading_timer = self.set_timer(LOADING_AFTER, self._show_loading)
        if self._compute_it:
            self._compute(self.asset.id)

    def _show_loading(self) -> None:
        self._loading_timer = None
        if not self._computed and self.is_mounted:
            self.query_one("#impact-body").loading = True

    @work(thread=True, exclusive=True, group="impact")
    def _compute(self, asset_id: str) -> None:
        try:
            self.post_message(self.Computed(self.graph.impact(asset_id)))
        except MlgError as exc:
            self.post_message(self.Computed(None, str(exc), asset_id))

    def on_impact_screen_computed(self, message: ImpactScreen.Computed) -> None:
        self.show_answer(message)

    def show_answer(self, message: ImpactScreen.Computed) -> None:
        """Fill the screen in with the impact (or say why there is none)."""
        if self._computed or not self.is_attached or message.asset_id != self.asset.id:
            return
        self._computed = True
        if self._loading_timer is not None:
            self._loading_timer.stop()
            self._loading_timer = None
        if self.query_one("#impact-body").loading:
            self.query_one("#impact-body").loading = False
        if message.impact is None:
            self.query_one("#impact-summary", Static).update(
                Text(f"could not compute the impact: {message.error}", style=error())
            )
            self._clear()
            return
        self.impact = impact = message.impact
        self._assets = {a.id: a for a in impact.subgraph.assets}
        groups = impact.by_kind()  # (grouped anew at each call)
        self._later.clear()
        self.query_one("#impact-summary", Static).update(self._summary(impact, groups))
        self._fill_kinds(groups)
        self._fill_teams(impact)
        self._fill_paths(impact)

    # -- rendering ----------------------------------------------------------------------

    def _clear(self) -> None:
        """Nothing shown yet (or any more) in the trees and the table."""
        self._later.clear()
        for tree in self.query(Tree):
            tree.clear()
        self.query_one("#impact-teams", DataTable).clear(columns=True)

    def _summary(self, impact: Impact, groups: dict[str, list[AffectedAsset]]) -> Text:
        n = len(impact.affected)
        text = Text("Changing ")
        text.append_text(asset_label(impact.asset, bold=True))
        if not n:
            text.append(" affects nothing: no asset depends on it.")
            return text
        text.append(f" affects {counted(n, 'asset')}: ")
        text.append(", ".join(f"{len(items):,} {kind}" for kind, items in sorted(groups.items())))
        text.append(f" · {counted(len(impact.teams), 'team')} to notify")
        if impact.truncated:
            text.append(f"\ncut: {impact.truncated_reason}", style=warning())
        if impact.paths_capped:
            text.append("\nsome paths were not spelled out (too many assets)", style=warning())
        return text

    def _fill_kinds(self, groups: dict[str, list[AffectedAsset]]) -> None:
        tree = self.query_one("#impact-kinds", Tree)
        tree.clear()
        # What runs in production and what is being tested first, then the schema's order.
        order = [*REACHED_KINDS, *(k for k in KINDS if k not in REACHED_KINDS)]
        for kind in sorted(groups, key=lambda k: order.index(k) if k in order else len(order)):
            items = groups[kind]
            label = kind_badge(kind)
            label.append(f"  {len(items):,}", style="bold")
            opened = kind in REACHED_KINDS
            node = tree.root.add(label, None, expand=opened, allow_expand=True)
            if opened:
                self._add_affected(node, items)
            else:  # its rows are added when it is opened (on_tree_node_expanded)
                self._later[(tree.id, node.id)] = lambda n=node, i=items: self._add_affected(n, i)
        if not groups:
            tree.root.add_leaf(Text("nothing depends on this asset", style=note()))
        tree.root.expand()
        tree.cursor_line = 0

    def _add_affected(self, node: TreeNode[Asset | None], items: list[AffectedAsset]) -> None:
        for item in items[:SHOWN_PER_KIND]:
            node.add_leaf(self._affected_label(item), item.asset)
        if len(items) > SHOWN_PER_KIND:
            node.add_leaf(
                Text(
                    f"… cut: {SHOWN_PER_KIND} of {len(items):,} shown (nearest first); e exports them all",
                    style=warning(),
                )
            )

    def on_tree_node_expanded(self, event: Tree.NodeExpanded) -> None:
        add = self._later.pop((event.control.id, event.node.id), None)
        if add is not None:
            add()

    @staticmethod
    def _affected_label(item: AffectedAsset) -> Text:
        label = Text(f"{ICONS.get(item.asset.kind, '•')} ", style=kind_style(item.asset.kind))
        label.append(asset_title(item.asset))
        label.append(f"  {counted(item.distance, 'hop')}", style=muted())
        teams = [o.name for o in item.owners if o.kind == "team"]
        if item.owners:
            label.append("  " + ", ".join(teams or [o.name for o in item.owners]), style=muted())
        elif not item.owners:
            label.append("  no owner", style=warning())
        return label

    def _fill_teams(self, impact: Impact) -> None:
        table = self.query_one("#impact-teams", DataTable)
        table.clear(columns=True)
        # the email next to the name: it is what this list is for
        table.add_columns("owner", "email", "affected", "kind")
        for entry in impact.teams + impact.people:
            owner = entry.owner
            table.add_row(
                owner.name, owner.email or "", Text(f"{len(entry.assets):,}", justify="right"), owner.kind
            )
        unowned = sum(1 for a in impact.affected if not a.owners)
        if unowned:
            table.add_row(
                Text("nobody", style=warning()),
                "unowned: find who uses them",
                Text(f"{unowned:,}", justify="right", style=warning()),
                "",
            )

    def _fill_paths(self, impact: Impact) -> None:
        tree = self.query_one("#impact-paths", Tree)
        tree.clear()
        reached = impact.services + impact.experiments
        for n, item in enumerate(reached[:SHOWN_PATHS]):
            label = asset_label(item.asset, bold=True)
            label.append(f"  {counted(item.distance, 'hop')}", style=muted())
            opened = n < EXPANDED_PATHS
            node = tree.root.add(label, item.asset, expand=opened, allow_expand=True)
            if opened:
                self._add_steps(node, item)
            else:  # its steps are added when it is opened (on_tree_node_expanded)
                self._later[(tree.id, node.id)] = lambda n=node, i=item: self._add_steps(n, i)
        if len(reached) > SHOWN_PATHS:
            tree.root.add_leaf(Text(f"… cut: {SHOWN_PATHS} of {len(reached):,} shown", style=warning()))
        if not reached:
            tree.root.add_leaf(Text("no production service or experiment is affected", style=note()))
        tree.root.expand()
        tree.cursor_line = 0

    def _add_steps(self, node: TreeNode[Asset | None], item: AffectedAsset) -> None:
        if item.path is None:
            node.add_leaf(Text("path not spelled out", style=warning()))
            return
        for step in path_steps(item.path, self._assets):
            node.add_leaf(*step)

    # -- leaving ------------------------------------------------------------------------

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if isinstance(event.node.data, Asset):
            self.dismiss(event.node.data)

    def action_export(self) -> None:
        if self.impact is None:
            self.notify("The impact is still being computed.", severity="warning")
            return
        self.app.export_subgraph(self.impact.subgraph, f"impact of {self.asset.id}", self.asset.id)
