"""PathScreen: how two assets are connected, as the shortest path(s) between them."""

from __future__ import annotations

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static, Tree

from mlg import Asset, Graph, MlgError, PathResult
from mlg.tui.labels import AssetRef, asset_label, counted, error, muted, note, path_steps, warning
from mlg.tui.widgets.key_bar import KeyBar
from mlg.tui.widgets.nav_tree import NavTree

_DIRECTIONS = {
    "up": "depends on",
    "down": "is depended on by",
    "undirected": "is only loosely connected to (edges both ways, no dependency chain)",
    "same": "is the same asset as",
}


class PathScreen(Screen[Asset | None]):
    BINDINGS = [
        Binding("escape,backspace,h", "dismiss(None)", "Back"),
        Binding("e", "export", "Export"),
    ]

    class Found(Message):
        def __init__(self, result: PathResult | None, error: str | None = None) -> None:
            self.result = result
            self.error = error
            super().__init__()

    def __init__(self, graph: Graph, source: AssetRef, target: AssetRef) -> None:
        super().__init__(id="path-screen")
        self.graph = graph
        self.source = source
        self.target = target
        self.result: PathResult | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        summary = Text("looking for a path from ", style=note())
        summary.append_text(asset_label(self.source, bold=True))
        summary.append(" to ", style=note())
        summary.append_text(asset_label(self.target, bold=True))
        summary.append("…", style=note())
        yield Static(summary, id="path-summary")
        tree: Tree[Asset | None] = NavTree("paths", id="path-tree")
        tree.border_title = "Shortest paths"
        tree.show_root = False
        yield tree
        yield KeyBar()

    def on_mount(self) -> None:
        self.sub_title = f"path {self.source.id} → {self.target.id}"
        self.query_one("#path-tree").focus()
        self.query_one("#path-tree").loading = True
        self._find()

    @work(thread=True, group="path")
    def _find(self) -> None:
        try:
            self.post_message(self.Found(self.graph.path_between(self.source.id, self.target.id)))
        except MlgError as exc:
            self.post_message(self.Found(None, str(exc)))

    def on_path_screen_found(self, message: PathScreen.Found) -> None:
        self.query_one("#path-tree").loading = False
        summary = self.query_one("#path-summary", Static)
        if message.result is None:
            summary.update(Text(f"could not find a path: {message.error}", style=error()))
            return
        self.result = result = message.result
        summary.update(self._summary(result))
        assets = {a.id: a for a in result.subgraph.assets}
        tree = self.query_one("#path-tree", Tree)
        tree.clear()
        for n, path in enumerate(result.paths, 1):
            head = Text(f"path {n} of {len(result.paths)}", style="bold")
            head.append(f"  {counted(len(path), 'hop')}", style=muted())
            node = tree.root.add(head, None, expand=n == 1)  # the others one key away
            for step in path_steps(path, assets):
                node.add_leaf(*step)
        if result.capped:
            tree.root.add_leaf(
                Text(f"… cut: only the first {len(result.paths)} shortest paths are shown", style=warning())
            )
        if not result.found:
            tree.root.add_leaf(Text("no path: these assets are not connected", style=note()))
        tree.root.expand()
        tree.cursor_line = 0

    def _summary(self, result: PathResult) -> Text:
        text = asset_label(result.source, bold=True)
        if not result.found:
            text.append(" and ")
            text.append_text(asset_label(result.target, bold=True))
            text.append(" are not connected.")
            return text
        text.append(f" {_DIRECTIONS.get(result.direction or '', 'reaches')} ")
        text.append_text(asset_label(result.target, bold=True))
        hops = result.hops or 0
        text.append(f" · {counted(hops, 'hop')}", style=muted())
        return text

    def on_tree_node_selected(self, event: Tree.NodeSelected) -> None:
        event.stop()
        if isinstance(event.node.data, Asset):
            self.dismiss(event.node.data)

    def action_export(self) -> None:
        if self.result is None:
            self.notify("The path is still being looked for.", severity="warning")
            return
        self.app.export_subgraph(
            self.result.subgraph, f"path {self.source.id} → {self.target.id}", self.source.id
        )
