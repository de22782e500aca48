"""LineageTree: the upstream or downstream lineage of one asset, one level per expand.

Each node is an asset; its label shows the relation to its parent, its kind and how
many children it has — counted in the same query that fetched its level, so the count
is there before the node is opened. Opening a node shows "loading…" while a worker
fetches the next level.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode, UnknownNodeID
from textual.worker import get_current_worker

from mlg import Graph, MlgError
from mlg.neighbours import NeighbourLevel, neighbours_with_counts
from mlg.tui.labels import AssetRef, asset_label, relation_arrow
from mlg.tui.widgets.nav_tree import NavTree

TITLES = {"up": "Upstream · what it depends on", "down": "Downstream · what depends on it"}
# Children shown per level: a tree panel shows ~15 lines, and on a 1M graph each
# neighbour costs ~0.6 ms to fetch (mlg/neighbours.py); more are one kind filter away.
LEVEL_LIMIT = 50


@dataclass
class LineageNode:
    """What a tree node stands for: an asset, reached from its parent by `relation`."""

    asset: AssetRef
    relation: str | None  # None at the root
    children: int  # direct neighbours in the tree's direction
    loaded: bool = False


class LineageTree(NavTree[LineageNode | None]):
    """One direction of lineage around the asset at its root."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Move down", show=False),
        Binding("up,k", "cursor_up", "Move up", show=False),
        Binding("right", "expand", "Expand: load the next level", show=False),
        Binding("space", "toggle_node", "Expand or collapse", show=False),
        Binding("left", "collapse", "Collapse, or go to the parent", show=False),
        Binding("enter,l", "choose", "Re-centre on the highlighted asset", show=False),
    ]

    class AssetHighlighted(Message):
        """The cursor moved onto an asset (no database call: the node holds it)."""

        def __init__(self, tree: LineageTree, node: LineageNode) -> None:
            self.tree = tree
            self.node = node
            super().__init__()

    class AssetChosen(Message):
        """Enter or `l` on an asset: the screen re-centres on it."""

        def __init__(self, asset: AssetRef) -> None:
            self.asset = asset
            super().__init__()

    class LevelLoaded(Message):
        """A worker fetched the children of one node (or failed to)."""

        def __init__(
            self, generation: int, node_id: int, level: NeighbourLevel | None, error: str | None = None
        ) -> None:
            self.generation = generation
            self.node_id = node_id
            self.level = level
            self.error = error
            super().__init__()

    def __init__(
        self, graph: Graph, direction: str, *, limit: int = LEVEL_LIMIT, id: str | None = None
    ) -> None:
        super().__init__(Text("…", style="dim"), None, id=id)
        self.graph = graph
        self.direction = direction
        self.limit = limit
        self.kinds: Sequence[str] | None = None
        # A new root makes every pending load stale; their results are dropped.
        self._generation = 0
        self.auto_expand = False
        self.show_root = True
        self.border_title = TITLES[direction]

    # -- what the screen calls ------------------------------------------------------

    def show_loading(self, asset: AssetRef) -> None:
        """Re-root the tree on `asset` while its first level is being fetched."""
        self._reroot(asset)
        self.root.add_leaf(Text("loading…", style="dim italic"))

    def show_level(self, level: NeighbourLevel) -> None:
        """Re-root the tree on the level's asset, with the level (fetched by the screen,
        with everything else the view needs, so that the screen changes once)."""
        self.kinds = level.kinds
        self._reroot(level.asset)
        self._fill(self.root, level)

    def _reroot(self, asset: AssetRef) -> None:
        self._generation += 1  # whatever is still loading belongs to the old root
        self.reset(asset_label(asset, bold=True), LineageNode(asset, None, 0))
        self.root.expand()
        self.cursor_line = 0

    @property
    def root_asset(self) -> AssetRef | None:
        return self.root.data.asset if self.root.data else None

    def child_assets(self, node: TreeNode[LineageNode | None] | None = None) -> list[AssetRef]:
        """The assets shown under `node` (the root by default), in order."""
        node = node or self.root
        return [c.data.asset for c in node.children if c.data is not None]

    # -- loading -----------------------------------------------------------------------

    @work(thread=True, group="lineage-level")
    def _load(self, generation: int, node_id: int, asset_id: str) -> None:
        try:
            level = neighbours_with_counts(self.graph, asset_id, self.direction, self.kinds, self.limit)
        except MlgError as exc:
            self.post_message(self.LevelLoaded(generation, node_id, None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.LevelLoaded(generation, node_id, level))

    def on_lineage_tree_level_loaded(self, message: LineageTree.LevelLoaded) -> None:
        message.stop()
        if message.generation != self._generation:
            return
        try:
            # Tree.clear() makes a new root without registering it, so get_node_by_id
            # would hand back the first root ever made: the root is looked up directly.
            node = self.root if message.node_id == self.root.id else self.get_node_by_id(message.node_id)
        except UnknownNodeID:
            return
        node.remove_children()
        if message.level is None:
            node.add_leaf(Text(f"could not load: {message.error}", style="red"))
            return
        self._fill(node, message.level)

    def _fill(self, node: TreeNode[LineageNode | None], level: NeighbourLevel) -> None:
        data = node.data
        assert data is not None
        data.loaded = True
        data.children = level.total
        if node is self.root:
            node.set_label(self._root_label(data.asset, level.total))
        for n in level.neighbours:
            child = LineageNode(n, n.type, n.count)
            node.add(self._label(child), child, allow_expand=n.count > 0)
        if level.truncated:
            node.add_leaf(
                Text(
                    f"… cut: {len(level.neighbours)} of {level.matching:,} shown "
                    "(f filters by kind, e exports them all)",
                    style="yellow",
                )
            )
        if level.hidden:
            node.add_leaf(Text(f"{level.hidden} hidden by the kind filter (f)", style="dim italic"))
        if node is self.root and not level.total:
            node.add_leaf(
                Text(
                    "nothing upstream: a source"
                    if self.direction == "up"
                    else "nothing downstream: no dependents",
                    style="dim italic",
                )
            )

    def _root_label(self, asset: AssetRef, total: int) -> Text:
        label = asset_label(asset, bold=True)
        label.append(f"  ({total})", style="dim")
        return label

    def _label(self, node: LineageNode) -> Text:
        label = Text(self.arrow(node.relation or "") + " ", style="dim")
        label.append_text(asset_label(node.asset))
        if node.children:
            label.append(f"  ({node.children})", style="dim")
        return label

    def arrow(self, relation: str) -> str:
        """Upstream, the parent depends on the child (`-trained_on->`); downstream, the
        child depends on the parent (`<-trained_on-`)."""
        return relation_arrow(relation, forward=self.direction == "up")

    # -- keys and tree events -----------------------------------------------------------

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[LineageNode | None]) -> None:
        event.stop()
        node = event.node
        if node.data is None or node.data.loaded or node.children:
            return
        node.add_leaf(Text("loading…", style="dim italic"))
        self._load(self._generation, node.id, node.data.asset.id)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[LineageNode | None]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(self.AssetHighlighted(self, event.node.data))

    def on_tree_node_selected(self, event: Tree.NodeSelected[LineageNode | None]) -> None:
        event.stop()  # a click selects; Enter is bound to `choose`

    def action_choose(self) -> None:
        node = self.cursor_node
        if node is not None and node.data is not None and node is not self.root:
            self.post_message(self.AssetChosen(node.data.asset))

    def action_expand(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            node.expand()

    def action_collapse(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded and node.children:
            node.collapse()
        elif node.parent is not None:
            self.move_cursor(node.parent)
