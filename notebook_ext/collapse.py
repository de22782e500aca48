"""Keeping a big diagram drawable: above a cap, fan-out folds into "+N more" nodes.

A diagram of thousands of assets would freeze the page and be unreadable anyway.
Which assets are drawn is decided here, in plain Python:

- a breadth-first spanning tree from the roots (edges taken either way) gives each asset
  a parent, nearest the roots first;
- up to the cap, everything is shown; above it, each shown asset shows at most `fanout`
  of its tree children, in breadth-first order, until the cap is reached;
- every hidden asset hangs off its nearest shown tree ancestor, grouped by direction
  into one "+N more" node; expanding that node reveals its next `fanout` children.

Nothing here knows about widgets, so it is tested without a browser.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field

from mlg import Subgraph

DEFAULT_CAP = 300
DEFAULT_FANOUT = 25
MORE_PREFIX = "more:"
DETACHED = "detached"  # direction of the group of parts not connected to the roots


@dataclass(frozen=True)
class MoreGroup:
    """Hidden assets folded into one "+N more" node next to a shown `anchor`.

    `direction` is "up" when they are what the anchor depends on (drawn to its left),
    "down" when they depend on it, DETACHED (anchor "") for parts of the subgraph not
    connected to the roots. `children` are the anchor's hidden tree children in
    the order they would be revealed; `hidden` also counts everything behind them.
    """

    anchor: str
    direction: str
    children: tuple[str, ...]
    hidden: tuple[str, ...]

    @property
    def id(self) -> str:
        return more_id(self.anchor, self.direction)

    @property
    def count(self) -> int:
        return len(self.hidden)


def more_id(anchor: str, direction: str) -> str:
    return f"{MORE_PREFIX}{direction}:{anchor}"


def parse_more_id(node_id: str) -> tuple[str, str] | None:
    """(anchor, direction) of a "+N more" node id, None for an asset id."""
    if not node_id.startswith(MORE_PREFIX):
        return None
    direction, _, anchor = node_id[len(MORE_PREFIX) :].partition(":")
    return anchor, direction


@dataclass
class SpanningTree:
    """A breadth-first tree over a subgraph from its roots, edges taken either way."""

    order: list[str]
    parent: dict[str, str] = field(default_factory=dict)
    direction: dict[str, str] = field(default_factory=dict)  # child -> "up" | "down"
    children: dict[str, list[str]] = field(default_factory=dict)
    starts: list[str] = field(default_factory=list)  # roots, then any unreached asset
    roots: list[str] = field(default_factory=list)
    position: dict[str, int] = field(default_factory=dict)
    level: dict[str, int] = field(default_factory=dict)  # tree hops from its start
    # column in the drawing: -1 per hop up (towards dependencies), +1 per hop down
    column: dict[str, int] = field(default_factory=dict)

    @classmethod
    def of(cls, sub: Subgraph) -> SpanningTree:
        by_id = {a.id: a for a in sub.assets}
        # neighbour -> direction as seen from the asset: "up" = a dependency of it
        links: dict[str, list[tuple[str, str]]] = {a: [] for a in by_id}
        for e in sub.relations:
            if e.source in by_id and e.target in by_id and e.source != e.target:
                links[e.source].append((e.target, "up"))
                links[e.target].append((e.source, "down"))

        def rank(item: tuple[str, str]) -> tuple:
            a = by_id[item[0]]
            return (sub.distances.get(a.id, 1 << 30), a.kind, a.name, a.id, item[1])

        for items in links.values():
            items.sort(key=rank)
        tree = cls(order=[], roots=[r for r in sub.roots if r in by_id])
        seen: set[str] = set()
        leftovers = sorted(by_id, key=lambda i: rank((i, "")))
        starts = tree.roots + leftovers
        for start in starts:
            if start in seen:
                continue
            tree.starts.append(start)
            seen.add(start)
            tree.level[start] = 0
            tree.column[start] = 0
            queue = deque([start])
            while queue:
                v = queue.popleft()
                tree.order.append(v)
                kids = tree.children.setdefault(v, [])
                for w, way in links[v]:
                    if w not in seen:
                        seen.add(w)
                        tree.parent[w] = v
                        tree.direction[w] = way
                        tree.level[w] = tree.level[v] + 1
                        tree.column[w] = tree.column[v] + (-1 if way == "up" else 1)
                        kids.append(w)
                        queue.append(w)
        tree.position = {v: i for i, v in enumerate(tree.order)}
        return tree


def initial_shown(
    tree: SpanningTree, cap: int = DEFAULT_CAP, fanout: int = DEFAULT_FANOUT, depth: int | None = None
) -> set[str]:
    """The assets drawn first: all of them up to `cap`, else a bounded fan-out per asset.

    Above the cap, the "+N more" nodes count towards it too: a shown asset whose
    children do not all fit keeps one node per direction for the rest, and room is
    kept for the assets still waiting in the breadth-first queue to need one.
    With `depth`, assets more than `depth` tree hops from the roots stay folded.
    """
    if depth is not None:
        tree = _within(tree, depth)
        shown = initial_shown(tree, cap, fanout)
        return shown
    if len(tree.order) <= cap:
        return set(tree.order)
    first = tree.roots or tree.starts[:1]
    shown = set(first)
    queue = deque(first)
    detached = deque(s for s in tree.starts if s not in shown)
    pending = sum(_sides(tree, v) for v in first)  # groups the queued assets may need
    groups = 0
    while queue or detached:
        if not queue:  # a part not reached from the roots: start it while there is room
            start = detached[0]
            later = 1 if len(detached) > 1 else 0  # the group for the parts left out
            if len(shown) + groups + 1 + _sides(tree, start) + later > cap:
                break
            detached.popleft()
            shown.add(start)
            queue.append(start)
            pending += _sides(tree, start)
        v = queue.popleft()
        kids = tree.children.get(v, [])
        if not kids:
            continue
        pending -= _sides(tree, v)
        room = cap - len(shown) - groups - pending - (1 if detached else 0)
        count = _fitting(tree, kids, room, fanout)
        take = kids[:count]
        groups += len({tree.direction[k] for k in kids[count:]})
        shown.update(take)
        queue.extend(take)
        pending += sum(_sides(tree, k) for k in take)
    return shown


def _within(tree: SpanningTree, depth: int) -> SpanningTree:
    """The part of `tree` up to `depth` hops from the roots (parts not reached from the
    roots are left out: they stay folded)."""
    starts = tree.roots or tree.starts[:1]
    keep = set()
    queue = deque(starts)
    keep.update(starts)
    while queue:
        v = queue.popleft()
        if tree.level.get(v, 0) >= depth:
            continue
        for k in tree.children.get(v, ()):
            keep.add(k)
            queue.append(k)
    order = [v for v in tree.order if v in keep]
    return SpanningTree(
        order=order,
        parent={v: p for v, p in tree.parent.items() if v in keep},
        direction={v: d for v, d in tree.direction.items() if v in keep},
        children={v: [k for k in kids if k in keep] for v, kids in tree.children.items() if v in keep},
        starts=[s for s in tree.starts if s in keep],
        roots=list(tree.roots),
        position={v: i for i, v in enumerate(order)},
        level={v: tree.level[v] for v in order},
        column={v: tree.column[v] for v in order},
    )


def _sides(tree: SpanningTree, v: str) -> int:
    """How many "+N more" nodes `v` could need: one per direction of its children."""
    return len({tree.direction[k] for k in tree.children.get(v, ())})


def _fitting(tree: SpanningTree, kids: list[str], room: int, fanout: int) -> int:
    """How many of `kids` to show within `room` nodes: each shown kid may need groups of
    its own later, and the kids left out need one per direction."""
    limit = min(fanout, len(kids))
    with_children = [0]
    for k in kids[:limit]:
        with_children.append(with_children[-1] + _sides(tree, k))
    directions: list[set[str]] = [set() for _ in range(len(kids) + 1)]
    for i in range(len(kids) - 1, -1, -1):
        directions[i] = directions[i + 1] | {tree.direction[kids[i]]}
    for count in range(limit, 0, -1):
        if count + with_children[count] + len(directions[count]) <= room:
            return count
    return 0


def more_groups(tree: SpanningTree, shown: set[str]) -> list[MoreGroup]:
    """One group per (shown anchor, direction) with the hidden assets behind it."""
    anchor_of: dict[str, tuple[str, str]] = {}
    hidden: dict[tuple[str, str], list[str]] = {}
    children: dict[tuple[str, str], list[str]] = {}
    for v in tree.order:
        if v in shown:
            continue
        p = tree.parent.get(v)
        if p is None:  # a part not reached from the roots, with no room left to start it
            key = ("", DETACHED)
            children.setdefault(key, []).append(v)
        elif p in shown:
            key = (p, tree.direction[v])
            children.setdefault(key, []).append(v)
        else:
            key = anchor_of.get(p)
            if key is None:
                continue
        anchor_of[v] = key
        hidden.setdefault(key, []).append(v)
    return [
        MoreGroup(a, d, tuple(children[(a, d)]), tuple(hidden[(a, d)]))
        for (a, d) in sorted(hidden, key=lambda k: (tree.position.get(k[0], -1), k[1]))
    ]


def columns(tree: SpanningTree, groups: Iterable[MoreGroup]) -> dict[str, int]:
    """The drawing column of every asset and "+N more" node: hops from the root, up to
    the left; a group one column beyond its anchor, detached parts on the right."""
    out = dict(tree.column)
    right = max(out.values(), default=0) + 1
    for g in groups:
        if g.direction == DETACHED:
            out[g.id] = right
        else:
            out[g.id] = tree.column.get(g.anchor, 0) + (-1 if g.direction == "up" else 1)
    return out


def fold(tree: SpanningTree, shown: set[str]) -> tuple[set[str], list[MoreGroup]]:
    """The assets to draw and the "+N more" groups for the rest. A group that would hide
    a single asset shows that asset instead: it costs the diagram the same one node."""
    shown = set(shown)
    groups = more_groups(tree, shown)
    singles = [g.hidden[0] for g in groups if g.count == 1]
    if singles:
        shown.update(singles)
        groups = [g for g in groups if g.count != 1]
    return shown, groups


def expand_group(
    tree: SpanningTree, shown: set[str], group: MoreGroup, step: int = DEFAULT_FANOUT
) -> set[str]:
    """`shown` plus the next `step` hidden children behind a "+N more" node."""
    return set(shown) | set(group.children[:step])


def reveal(tree: SpanningTree, shown: set[str], asset_ids: Iterable[str]) -> set[str]:
    """`shown` plus the given assets and the tree path leading to each of them."""
    out = set(shown)
    for asset_id in asset_ids:
        v: str | None = asset_id
        while v is not None and v not in out:
            out.add(v)
            v = tree.parent.get(v)
    return out


def add_new(
    shown: set[str], new_ids: Iterable[str], cap: int = DEFAULT_CAP, fanout: int = DEFAULT_FANOUT
) -> set[str]:
    """`shown` plus newly fetched assets: all of them while under `cap`, else `fanout`."""
    new = [i for i in new_ids if i not in shown]
    if len(shown) + len(new) > cap:
        new = new[:fanout]
    return set(shown) | set(new)
