"""ImpactScreen: what a change to one asset would break, and who to tell.

The blast radius grouped by kind (nearest first), the teams (and people) to notify, and
the path from the asset to every production service and experiment it reaches. Enter
on any asset leaves the screen centred on that asset.
"""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static, Tree

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
# The loading indicator is shown only when the impact takes longer than this.
LOADING_AFTER = 0.2


class ImpactScreen(Screen[Asset | None]):
    BINDINGS = [
        Binding("escape,backspace,h", "dismiss(None)", "Back"),
        Binding("e", "export", "Export"),
    ]

    class Computed(Message):
        def __init__(self, impact: Impact | None, error: str | None = None) -> None:
            self.impact = impact
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph, asset: AssetRef) -> None:
        super().__init__(id="impact-screen")
        self.graph = graph
        self.asset = asset
        self.impact: Impact | None = None
        self._computed = False  # the answer came (the impact, or an error)
        self._assets: dict[str, Asset] = {}

    def compose(self) -> ComposeResult:
        yield Header()
        summary = Text("computing the impact of ", style=note())
        summary.append_text(asset_label(self.asset, bold=True))
        summary.append("…", style=note())
        yield Static(summary, id="impact-summary")
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

    def on_mount(self) -> None:
        self.sub_title = f"impact of {self.asset.id}"
        self.query_one("#impact-kinds").focus()
        # A hub on 1M assets takes seconds: the loading indicator then. Not at once: it is
        # a widget mounted and animated, dear on a busy machine for an answer in 50 ms.
        self.set_timer(LOADING_AFTER, self._show_loading)
        self._compute()

    def _show_loading(self) -> None:
        if not self._computed and self.is_mounted:
            self.query_one("#impact-body").loading = True

    @work(thread=True, group="impact")
    def _compute(self) -> None:
        try:
            self.post_message(self.Computed(self.graph.impact(self.asset.id)))
        except MlgError as exc:
            self.post_message(self.Computed(None, str(exc)))

    def on_impact_screen_computed(self, message: ImpactScreen.Computed) -> None:
        self._computed = True
        self.query_one("#impact-body").loading = False
        if message.impact is None:
            self.query_one("#impact-summary", Static).update(
                Text(f"could not compute the impact: {message.error}", style=error())
            )
            return
        self.impact = impact = message.impact
        self._assets = {a.id: a for a in impact.subgraph.assets}
        self.query_one("#impact-summary", Static).update(self._summary(impact))
        self._fill_kinds(impact)
        self._fill_teams(impact)
        self._fill_paths(impact)

    # -- rendering ----------------------------------------------------------------------

    def _summary(self, impact: Impact) -> Text:
        n = len(impact.affected)
        text = Text("Changing ")
        text.append_text(asset_label(impact.asset, bold=True))
        if not n:
            text.append(" affects nothing: no asset depends on it.")
            return text
        text.append(f" affects {counted(n, 'asset')}: ")
        text.append(", ".join(f"{len(items):,} {kind}" for kind, items in sorted(impact.by_kind().items())))
        text.append(f" · {counted(len(impact.teams), 'team')} to notify")
        if impact.truncated:
            text.append(f"\ncut: {impact.truncated_reason}", style=warning())
        if impact.paths_capped:
            text.append("\nsome paths were not spelled out (too many assets)", style=warning())
        return text

    def _fill_kinds(self, impact: Impact) -> None:
        tree = self.query_one("#impact-kinds", Tree)
        tree.clear()
        groups = impact.by_kind()
        # What runs in production and what is being tested first, then the schema's order.
        order = [*REACHED_KINDS, *(k for k in KINDS if k not in REACHED_KINDS)]
        for kind in sorted(groups, key=lambda k: order.index(k) if k in order else len(order)):
            items = groups[kind]
            label = kind_badge(kind)
            label.append(f"  {len(items):,}", style="bold")
            node = tree.root.add(label, None, expand=kind in REACHED_KINDS)
            for item in items[:SHOWN_PER_KIND]:
                node.add_leaf(self._affected_label(item), item.asset)
            if len(items) > SHOWN_PER_KIND:
                node.add_leaf(
                    Text(
                        f"… cut: {SHOWN_PER_KIND} of {len(items):,} shown "
                        "(nearest first); e exports them all",
                        style=warning(),
                    )
                )
        if not groups:
            tree.root.add_leaf(Text("nothing depends on this asset", style=note()))
        tree.root.expand()
        tree.cursor_line = 0

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
            node = tree.root.add(label, item.asset, expand=n < EXPANDED_PATHS)
            if item.path is None:
                node.add_leaf(Text("path not spelled out", style=warning()))
                continue
            for step in path_steps(item.path, self._assets):
                node.add_leaf(*step)
        if len(reached) > SHOWN_PATHS:
            tree.root.add_leaf(Text(f"… cut: {SHOWN_PATHS} of {len(reached):,} shown", style=warning()))
        if not reached:
            tree.root.add_leaf(Text("no production service or experiment is affected", style=note()))
        tree.root.expand()
        tree.cursor_line = 0

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
