"""LineageTree: the upstream or downstream lineage of one asset, one level per expand.

Each node is an asset; its label shows the kind's icon and the asset's full name first
(what must survive 80 columns), then how many children it has — counted in the query
that fetched its level, so the count is there before the node is opened — then the
relation to its parent. Opening a node shows "loading…" while a worker fetches the
next level; `*` opens everything below the cursor at once (one closure query, cut at
EXPAND_ALL_CAP rows).

With a kind filter the tree is drawn from the folded closure (`Graph.upstream(...,
kinds=...)`, fetched once per root): the hops through hidden kinds become one
"via N hidden hops" edge, as the Python API folds them, so that a model reached through
a workflow is still there when workflows are hidden.

`snapshot()` and `restore()` keep what was opened and where the cursor was, so that
Back comes back to the same view without asking the database again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rich.text import Text
from textual import work
from textual.binding import Binding
from textual.message import Message
from textual.widgets import Tree
from textual.widgets.tree import TreeNode, UnknownNodeID
from textual.worker import get_current_worker

import mlg
from mlg import MlgError
from mlg.tui.labels import AssetRef, asset_name, counted, error, muted, note, relation_arrow, warning
from mlg.tui.widgets.nav_tree import NavTree

if TYPE_CHECKING:
    from mlg import Graph, NeighbourLevel, Subgraph

TITLES = {"up": "Upstream · what it depends on", "down": "Downstream · what depends on it"}
# Children shown per level: a tree panel shows ~15 lines, and on a 1M graph each
# neighbour costs ~0.6 ms to fetch (mlg/neighbours.py); more are one kind filter away.
LEVEL_LIMIT = 50
# Rows `*` adds at most: enough to read a lineage through, not a 1M-asset closure.
EXPAND_ALL_CAP = 300
# Assets of a folded (kind-filtered) closure fetched at most per root.
FOLD_CAP = 5000
CYCLE_MARK = "  ↺ cycle"  # after an asset already on the way from the root: it closes a cycle


@dataclass(frozen=True)
class Child:
    """One child of a node: an asset, the relation from its parent, and its own count."""

    asset: AssetRef
    relation: str  # a relation type, or "indirect" for hops folded through hidden kinds
    hops: int  # 1, or the hidden hops folded into an indirect edge
    count: int  # its own children in the tree's direction


@dataclass(frozen=True)
class Level:
    """The children of one node, and what was left out of them."""

    asset: AssetRef
    children: tuple[Child, ...]
    total: int  # children of every kind (folded: every child of the kinds kept)
    matching: int  # children of the kinds kept
    hidden: int = 0  # left out by the kind filter (never when folded: they are folded)
    cut: str | None = None  # why the level is incomplete, when it is

    @property
    def truncated(self) -> bool:
        return len(self.children) < self.matching


def neighbours_with_counts(*args, **kwargs) -> NeighbourLevel:
    """`mlg.neighbours_with_counts`, imported when a tree first asks (pyarrow comes with
    it: the explorer's first screen is drawn before that)."""
    return mlg.neighbours_with_counts(*args, **kwargs)


def level_of_neighbours(level: NeighbourLevel) -> Level:
    children = tuple(Child(n, n.type, 1, n.count) for n in level.neighbours)
    return Level(level.asset, children, level.total, level.matching, level.hidden)


class Closure:
    """A closure subgraph seen as tree levels: the children of each asset in it."""

    def __init__(self, sub: Subgraph, direction: str, limit: int = LEVEL_LIMIT) -> None:
        self.sub = sub
        self.direction = direction
        self.limit = limit
        self.assets = {a.id: a for a in sub.assets}
        self.children: dict[str, list[tuple[str, str, int]]] = {}
        for e in sub.relations:
            parent, child = (e.source, e.target) if direction == "up" else (e.target, e.source)
            if parent in self.assets and child in self.assets:
                self.children.setdefault(parent, []).append((child, e.type, e.hops))

    def level(self, asset_id: str) -> Level:
        found = self.children.get(asset_id, [])
        children = sorted(
            (
                Child(self.assets[c], relation, hops, len(self.children.get(c, ())))
                for c, relation, hops in found
            ),
            key=lambda ch: (
                ch.relation == "indirect",
                ch.relation,
                ch.asset.kind,
                ch.asset.name,
                ch.asset.id,
            ),
        )
        cut = self.sub.truncated_reason if self.sub.truncated else None
        return Level(self.assets[asset_id], tuple(children[: self.limit]), len(found), len(found), 0, cut)


@dataclass
class LineageNode:
    """What a tree node stands for: an asset, reached from its parent by `relation`."""

    asset: AssetRef
    relation: str | None  # None at the root
    children: int  # direct neighbours in the tree's direction
    hops: int = 1
    level: Level | None = None  # its children, once loaded

    @property
    def loaded(self) -> bool:
        return self.level is not None

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.asset.id, self.relation)


@dataclass
class TreeState:
    """What a tree showed: its levels, the nodes opened, the cursor, the scroll."""

    root: AssetRef
    levels: dict[tuple, Level] = field(default_factory=dict)  # by path of node keys
    expanded: set[tuple] = field(default_factory=set)
    cursor: tuple = ()
    scroll_y: float = 0
    closure: Closure | None = None


class LineageTree(NavTree[LineageNode | None]):
    """One direction of lineage around the asset at its root."""

    BINDINGS = [
        Binding("down,j", "cursor_down", "Move down", show=False),
        Binding("up,k", "cursor_up", "Move up", show=False),
        Binding("right", "expand", "Expand: load the next level", show=False),
        Binding("space", "toggle_node", "Expand or collapse", show=False),
        Binding("left", "collapse", "Collapse, or go to the parent", show=False),
        Binding("enter,l", "choose", "Re-centre on the highlighted asset", show=False),
        Binding("asterisk,E", "expand_all", "Expand everything below", show=False),
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
            self, generation: int, node_id: int, level: Level | None, error: str | None = None
        ) -> None:
            self.generation = generation
            self.node_id = node_id
            self.level = level
            self.error = error
            super().__init__()

    class ClosureLoaded(Message):
        """A worker fetched everything below one node, for `*`."""

        def __init__(
            self, generation: int, node_id: int, closure: Closure | None, error: str | None = None
        ) -> None:
            self.generation = generation
            self.node_id = node_id
            self.closure = closure
            self.error = error
            super().__init__()

    def __init__(
        self, graph: Graph, direction: str, *, limit: int = LEVEL_LIMIT, id: str | None = None
    ) -> None:
        super().__init__(Text("…", style=muted()), None, id=id)
        self.graph = graph
        self.direction = direction
        self.limit = limit
        self.kinds: Sequence[str] | None = None
        # With a kind filter: the folded closure of the root, every level comes from it.
        self.closure: Closure | None = None
        # A new root makes every pending load stale; their results are dropped.
        self._generation = 0
        self.auto_expand = False
        self.show_root = True
        self.border_title = TITLES[direction]

    # -- what the screen calls ------------------------------------------------------

    def show_loading(self, asset: AssetRef) -> None:
        """Re-root the tree on `asset` while its first level is being fetched."""
        self._reroot(asset)
        self.root.add_leaf(Text("loading…", style=note()))

    def show_level(self, level: Level, kinds: Sequence[str] | None, closure: Closure | None = None) -> None:
        """Re-root the tree on the level's asset, with the level (fetched by the screen,
        with everything else the view needs, so that the screen changes once)."""
        self.kinds = kinds
        self.closure = closure
        self._reroot(level.asset)
        self._fill(self.root, level)
        self.set_class(not level.total, "-empty")

    def _reroot(self, asset: AssetRef) -> None:
        self._generation += 1  # whatever is still loading belongs to the old root
        self.reset(self._root_label(asset, None), LineageNode(asset, None, 0))
        self.root.expand()
        self.cursor_line = 0

    @property
    def root_asset(self) -> AssetRef | None:
        return self.root.data.asset if self.root.data else None

    def child_assets(self, node: TreeNode[LineageNode | None] | None = None) -> list[AssetRef]:
        """The assets shown under `node` (the root by default), in order."""
        node = node or self.root
        return [c.data.asset for c in node.children if c.data is not None]

    def shown(self) -> list[tuple[LineageNode, LineageNode | None]]:
        """Every asset on screen (the opened part of the tree) with its parent."""
        out: list[tuple[LineageNode, LineageNode | None]] = []

        def walk(node: TreeNode[LineageNode | None], parent: LineageNode | None) -> None:
            if node.data is None:
                return
            out.append((node.data, parent))
            if node.is_expanded:
                for child in node.children:
                    walk(child, node.data)

        walk(self.root, None)
        return out

    # -- keeping and restoring the view -------------------------------------------------

    def snapshot(self) -> TreeState | None:
        if self.root.data is None or not self.root.data.loaded:
            return None
        state = TreeState(self.root.data.asset, closure=self.closure, scroll_y=self.scroll_y)

        def walk(node: TreeNode[LineageNode | None], path: tuple) -> None:
            data = node.data
            if data is None:
                return
            if data.level is not None:
                state.levels[path] = data.level
            if node.is_expanded:
                state.expanded.add(path)
            if node is self.cursor_node:
                state.cursor = path
            for child in node.children:
                if child.data is not None:
                    walk(child, (*path, child.data.key))

        walk(self.root, ())
        return state

    def restore(self, state: TreeState, kinds: Sequence[str] | None) -> None:
        """Show again what `snapshot` kept: the same levels, opened nodes and cursor."""
        self.show_level(state.levels[()], kinds, state.closure)
        cursor = self.root

        def walk(node: TreeNode[LineageNode | None], path: tuple) -> None:
            nonlocal cursor
            if path == state.cursor:
                cursor = node
            for child in node.children:
                if child.data is None:
                    continue
                child_path = (*path, child.data.key)
                level = state.levels.get(child_path)
                if level is not None:
                    self._fill(child, level)
                    if child_path in state.expanded:
                        child.expand()
                walk(child, child_path)

        walk(self.root, ())
        # Tree numbers its lines on its next refresh, so move_cursor(node) would not
        # work yet: the line is counted here (the lines are the opened nodes, in order).
        self.cursor_line = self._line_of(cursor)
        self.call_after_refresh(self.scroll_to, y=state.scroll_y, animate=False)

    def _line_of(self, target: TreeNode[LineageNode | None]) -> int:
        line = 0

        def walk(node: TreeNode[LineageNode | None]) -> bool:
            nonlocal line
            if node is target:
                return True
            line += 1
            return node.is_expanded and any(walk(child) for child in node.children)

        found = walk(self.root) if self.show_root else any(walk(c) for c in self.root.children)
        return line if found else 0

    # -- loading -----------------------------------------------------------------------

    def _start_load(self, node: TreeNode[LineageNode | None]) -> None:
        assert node.data is not None
        if self.closure is not None:  # folded: the closure already holds every level
            self._fill(node, self.closure.level(node.data.asset.id))
            return
        node.add_leaf(Text("loading…", style=note()))
        self._load(self._generation, node.id, node.data.asset.id)

    @work(thread=True, group="lineage-level")
    def _load(self, generation: int, node_id: int, asset_id: str) -> None:
        try:
            level = neighbours_with_counts(self.graph, asset_id, self.direction, self.kinds, self.limit)
        except MlgError as exc:
            self.post_message(self.LevelLoaded(generation, node_id, None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            self.post_message(self.LevelLoaded(generation, node_id, level_of_neighbours(level)))

    def _node(self, node_id: int) -> TreeNode[LineageNode | None] | None:
        try:
            # Tree.clear() makes a new root without registering it, so get_node_by_id
            # would hand back the first root ever made: the root is looked up directly.
            return self.root if node_id == self.root.id else self.get_node_by_id(node_id)
        except UnknownNodeID:
            return None

    def on_lineage_tree_level_loaded(self, message: LineageTree.LevelLoaded) -> None:
        message.stop()
        node = self._node(message.node_id) if message.generation == self._generation else None
        if node is None:
            return
        node.remove_children()
        if message.level is None:
            node.add_leaf(Text(f"could not load: {message.error}", style=error()))
            return
        self._fill(node, message.level)

    def _fill(self, node: TreeNode[LineageNode | None], level: Level) -> None:
        data = node.data
        assert data is not None
        node.remove_children()
        data.level = level
        data.children = level.total
        if node is self.root:
            node.set_label(self._root_label(data.asset, level.total))
        above = _ids_up_to_root(node)
        for ch in level.children:
            child = LineageNode(ch.asset, ch.relation, ch.count, ch.hops)
            if ch.asset.id in above:  # the child closes a cycle: marked, not opened again
                node.add(self._label(child) + Text(CYCLE_MARK, style=warning()), child, allow_expand=False)
                continue
            node.add(self._label(child), child, allow_expand=ch.count > 0)
        if level.truncated:
            node.add_leaf(
                Text(
                    f"… cut: {len(level.children)} of {level.matching:,} shown "
                    "(f filters by kind, e exports them all)",
                    style=warning(),
                )
            )
        if level.cut and node is self.root:
            node.add_leaf(Text(f"… cut: {level.cut}", style=warning()))
        if level.hidden:
            node.add_leaf(Text(f"{level.hidden} hidden by the kind filter (f)", style=note()))
        if node is self.root and not level.total:
            node.add_leaf(
                Text(
                    "nothing upstream: a source"
                    if self.direction == "up"
                    else "nothing downstream: no dependents",
                    style=note(),
                )
            )

    def _root_label(self, asset: AssetRef, total: int | None) -> Text:
        label = asset_name(asset, bold=True)
        if total is not None:
            label.append(f"  ({total})", style=muted())
        return label

    def _label(self, node: LineageNode) -> Text:
        """`■ recs.training_examples@2024.09  (1)  -trained_on->`: the name first."""
        label = asset_name(node.asset)
        if node.children:
            label.append(f"  ({node.children})", style=muted())
        label.append("  " + self.relation_text(node), style=muted())
        return label

    def relation_text(self, node: LineageNode) -> str:
        if node.relation == "indirect":
            return f"via {counted(node.hops - 1, 'hidden hop')}"
        return self.arrow(node.relation or "")

    def arrow(self, relation: str) -> str:
        """Upstream, the parent depends on the child (`-trained_on->`); downstream, the
        child depends on the parent (`<-trained_on-`)."""
        return relation_arrow(relation, forward=self.direction == "up")

    # -- expanding everything below -----------------------------------------------------

    def action_expand_all(self) -> None:
        node = self.cursor_node
        if node is None or node.data is None:
            return
        if self.closure is not None:
            self._fill_closure(node, self.closure)
            return
        node.remove_children()
        node.add_leaf(Text("loading everything below…", style=note()))
        node.expand()
        self._load_closure(self._generation, node.id, node.data.asset.id)

    @work(thread=True, group="lineage-closure")
    def _load_closure(self, generation: int, node_id: int, asset_id: str) -> None:
        try:
            if self.direction == "up":
                sub = self.graph.upstream(asset_id, kinds=self.kinds, max_nodes=EXPAND_ALL_CAP)
            else:
                sub = self.graph.downstream(asset_id, kinds=self.kinds, max_nodes=EXPAND_ALL_CAP)
        except MlgError as exc:
            self.post_message(self.ClosureLoaded(generation, node_id, None, str(exc)))
            return
        if not get_current_worker().is_cancelled:
            closure = Closure(sub, self.direction, self.limit)
            self.post_message(self.ClosureLoaded(generation, node_id, closure))

    def on_lineage_tree_closure_loaded(self, message: LineageTree.ClosureLoaded) -> None:
        message.stop()
        node = self._node(message.node_id) if message.generation == self._generation else None
        if node is None:
            return
        if message.closure is None:
            node.remove_children()
            node.add_leaf(Text(f"could not load: {message.error}", style=error()))
            return
        self._fill_closure(node, message.closure)

    def _fill_closure(self, top: TreeNode[LineageNode | None], closure: Closure) -> None:
        """Every level below `top`, breadth first, until EXPAND_ALL_CAP rows; an asset
        already on the way from `top` (a cycle) is shown but not opened again."""
        rows = 0
        queue: list[tuple[TreeNode[LineageNode | None], frozenset[str]]] = []
        if top.data is not None:
            queue.append((top, frozenset({top.data.asset.id})))
        cut = False
        while queue:
            node, on_path = queue.pop(0)
            data = node.data
            assert data is not None
            if data.asset.id not in closure.assets:
                continue
            if rows + data.children > EXPAND_ALL_CAP and node is not top:
                cut = True
                continue
            level = closure.level(data.asset.id)
            if data.relation is not None and node is not top:
                # keep the count the tree had (the closure may be cut at its edge)
                level = Level(level.asset, level.children, max(level.total, data.children), level.matching)
            self._fill(node, level)
            node.expand()
            rows += len(node.children)
            for child in node.children:
                if child.data is None or not child.data.children:
                    continue
                if child.data.asset.id in on_path:
                    child.set_label(child.label + Text(CYCLE_MARK, style=warning()))
                    continue
                queue.append((child, on_path | {child.data.asset.id}))
        if cut or closure.sub.truncated:
            top.add_leaf(
                Text(
                    f"… cut at {EXPAND_ALL_CAP} rows: re-centre (enter) on an asset to see further",
                    style=warning(),
                )
            )

    # -- keys and tree events -----------------------------------------------------------

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[LineageNode | None]) -> None:
        event.stop()
        node = event.node
        if node.data is None or node.data.loaded or node.children:
            return
        self._start_load(node)

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[LineageNode | None]) -> None:
        event.stop()
        if event.node is not self.cursor_node:
            return  # the cursor has moved on (a re-root, then a cursor put back; keys held)
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


def _ids_up_to_root(node: TreeNode[LineageNode | None]) -> set[str]:
    """The assets on the way from the root to `node`, both included."""
    ids = set()
    current: TreeNode[LineageNode | None] | None = node
    while current is not None:
        if current.data is not None:
            ids.add(current.data.asset.id)
        current = current.parent
    return ids
