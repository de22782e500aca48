"""Small hand-built subgraphs for the notebook tests, and landmarks of the sample estate."""

from __future__ import annotations

from mlg.model import Asset, Owner
from mlg.subgraph import Edge, Subgraph

# landmarks of the bundled sample estate (sample_data/build_estate.py keeps them stable)
RANKER = "model:recs.home_ranker@4"
HUB = "dataset:raw.playback_events"  # 343 assets downstream: above the default cap
DEPRECATED = "dataset:legacy.watch_history_v1"
UNOWNED = "dataset:scratch.ctr_backfill_tmp_2023q3"

TEAM = Owner("team-a", "team", "Team A", "a@example.com", "owner")


def asset(asset_id: str, **fields) -> Asset:
    kind, _, name = asset_id.partition(":")
    return Asset(asset_id, kind, name, **fields)


def subgraph(
    edges: list[tuple[str, str, str]], roots: tuple[str, ...], *, extra=(), unowned=(), **fields
) -> Subgraph:
    """Assets named `kind:name` from (dependent, dependency, type) edges; every asset owned
    by TEAM except `unowned`; hops from the first root along the edges, either way."""
    ids = list(dict.fromkeys([roots[0], *[v for e in edges for v in e[:2]], *extra]))
    assets = [asset(i, tags=("deprecated",) if i in fields.get("deprecated", ()) else ()) for i in ids]
    distances = {roots[0]: 0}
    frontier = [roots[0]]
    while frontier:
        nxt = []
        for v in frontier:
            for s, t, _ in edges:
                for a, b in ((s, t), (t, s)):
                    if a == v and b not in distances:
                        distances[b] = distances[v] + 1
                        nxt.append(b)
        frontier = nxt
    owners = {i: (TEAM,) for i in ids if i not in unowned}
    return Subgraph(
        assets,
        [Edge(s, t, ty) for s, t, ty in edges],
        roots,
        fields.get("truncated", False),
        fields.get("reason"),
        distances,
        owners,
    )


def star(n: int, direction: str = "up") -> Subgraph:
    """model:root with `n` datasets it is trained on (up) or `n` evaluations of it (down)."""
    if direction == "up":
        edges = [("model:root", f"dataset:d{i:04d}", "trained_on") for i in range(n)]
    else:
        edges = [(f"evaluation:e{i:04d}", "model:root", "evaluates") for i in range(n)]
    return subgraph(edges, ("model:root",))


def tree(n: int, fanout: int = 3) -> Subgraph:
    """`n` datasets in a tree: d{i} is derived from its `fanout` children (upstream)."""
    edges = [(f"dataset:d{(i - 1) // fanout:04d}", f"dataset:d{i:04d}", "derived_from") for i in range(1, n)]
    return subgraph(edges, ("dataset:d0000",))
