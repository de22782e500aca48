"""What a change to one asset affects, and who to tell.

One downstream closure (mlg.lineage) fetches every affected asset, the edges between
them and their owners; the path to each affected asset is then a breadth-first walk
in Python over those edges — no further queries per asset.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from mlg.errors import MlgError
from mlg.lineage import lineage
from mlg.model import Asset, Owner
from mlg.paths import DependencyPath
from mlg.subgraph import Subgraph

if TYPE_CHECKING:
    import pandas

    from mlg.graph import Graph

# Kinds whose reach is called out on its own: what runs in production, what is tested.
REACHED_KINDS = ("service", "experiment")


@dataclass(frozen=True)
class AffectedAsset:
    """An asset that depends, directly or not, on the changed one.

    `path` runs from the changed asset to this one (every edge points back along it);
    it is None only when `Impact.paths_capped` says paths were not all spelled out.
    """

    asset: Asset
    distance: int
    path: DependencyPath | None
    owners: tuple[Owner, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.asset.id,
            "kind": self.asset.kind,
            "name": self.asset.name,
            "distance": self.distance,
            "path": self.path.to_dict() if self.path else None,
            "owners": [o.to_dict() for o in self.owners],
        }


@dataclass(frozen=True)
class OwnerToNotify:
    """An owner of affected assets, and which of them they own."""

    owner: Owner
    assets: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        data = {k: v for k, v in self.owner.to_dict().items() if k != "role"}
        return {**data, "affected": len(self.assets), "assets": list(self.assets)}


@dataclass
class Impact:
    """Everything downstream of `asset`, nearest first, with who to notify."""

    asset: Asset
    affected: list[AffectedAsset]
    notify: list[OwnerToNotify]  # teams first (most affected assets first), then people
    subgraph: Subgraph = field(repr=False)
    paths_capped: bool = False

    @property
    def truncated(self) -> bool:
        return self.subgraph.truncated

    @property
    def truncated_reason(self) -> str | None:
        return self.subgraph.truncated_reason

    def by_kind(self) -> dict[str, list[AffectedAsset]]:
        groups: dict[str, list[AffectedAsset]] = {}
        for item in self.affected:
            groups.setdefault(item.asset.kind, []).append(item)
        return groups

    @property
    def teams(self) -> list[OwnerToNotify]:
        return [n for n in self.notify if n.owner.kind == "team"]

    @property
    def people(self) -> list[OwnerToNotify]:
        return [n for n in self.notify if n.owner.kind != "team"]

    @property
    def services(self) -> list[AffectedAsset]:
        """Production services reached, each with its path."""
        return [a for a in self.affected if a.asset.kind == "service"]

    @property
    def experiments(self) -> list[AffectedAsset]:
        return [a for a in self.affected if a.asset.kind == "experiment"]

    def _repr_html_(self) -> str:
        from mlg.rich_display import impact_html

        return impact_html(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "asset": self.asset.to_dict(),
            "affected_count": len(self.affected),
            "affected": {kind: [a.to_dict() for a in items] for kind, items in self.by_kind().items()},
            "notify": {
                "teams": [n.to_dict() for n in self.teams],
                "people": [n.to_dict() for n in self.people],
            },
            "services": [a.to_dict() for a in self.services],
            "experiments": [a.to_dict() for a in self.experiments],
            "truncated": self.truncated,
            "truncated_reason": self.truncated_reason,
            "paths_capped": self.paths_capped,
        }

    def to_frame(self) -> pandas.DataFrame:
        """One row per affected asset: id, kind, name (str), distance (Int64), path and
        relations (lists of str, from the changed asset), owners (list of owner ids)."""
        import pyarrow as pa

        from mlg.frames import to_pandas

        rows = self.affected
        strings = pa.list_(pa.string())
        table = pa.table(
            {
                "id": pa.array([a.asset.id for a in rows], pa.string()),
                "kind": pa.array([a.asset.kind for a in rows], pa.string()),
                "name": pa.array([a.asset.name for a in rows], pa.string()),
                "distance": pa.array([a.distance for a in rows], pa.int64()),
                "path": pa.array([list(a.path.assets) if a.path else None for a in rows], strings),
                "relations": pa.array([list(a.path.relations) if a.path else None for a in rows], strings),
                "owners": pa.array([[o.id for o in a.owners] for a in rows], strings),
            }
        )
        return to_pandas(table)


def impact(graph: Graph, ref: str, max_paths: int | None = 10_000) -> Impact:
    """What depends on `ref`, directly or not, and whom to tell before changing it.

    Paths are spelled out for every service and experiment and for the `max_paths`
    nearest other assets (None: all); `Impact.paths_capped` says when some were left out.
    """
    if max_paths is not None and max_paths < 0:
        raise MlgError(f"max_paths must be 0 or more, not {max_paths}")
    sub = lineage(graph, ref, "down")
    root = sub.roots[0]
    parents = _bfs_parents(sub, root)
    distances, owners = sub.distances, sub.owners  # a Subgraph of tables builds them on first use
    order = sorted(
        (a for a in sub.assets if a.id != root), key=lambda a: (distances[a.id], a.kind, a.name, a.id)
    )
    affected, capped, spelled = [], False, 0
    for a in order:
        wanted = a.kind in REACHED_KINDS or max_paths is None or spelled < max_paths
        if wanted and a.kind not in REACHED_KINDS:
            spelled += 1
        capped = capped or not wanted
        affected.append(
            AffectedAsset(
                a, distances[a.id], _path_to(parents, a.id) if wanted else None, owners.get(a.id, ())
            )
        )
    return Impact(sub.asset(root), affected, _notify(affected), sub, capped)


def _bfs_parents(sub: Subgraph, root: str) -> dict[str, tuple[str, str]]:
    """For each asset downstream of `root`: (the asset before it on one shortest path,
    the relation type). Walks the fetched edges backwards, in id order for stable paths."""
    dependents: dict[str, list[tuple[str, str]]] = {}
    for e in sub.relations:
        dependents.setdefault(e.target, []).append((e.source, e.type))
    for items in dependents.values():
        items.sort()
    parents: dict[str, tuple[str, str]] = {}
    queue = deque([root])
    seen = {root}
    while queue:
        v = queue.popleft()
        for w, rel in dependents.get(v, ()):
            if w not in seen:
                seen.add(w)
                parents[w] = (v, rel)
                queue.append(w)
    return parents


def _path_to(parents: dict[str, tuple[str, str]], asset_id: str) -> DependencyPath:
    assets, relations = [asset_id], []
    while asset_id in parents:
        asset_id, rel = parents[asset_id]
        assets.append(asset_id)
        relations.append(rel)
    assets.reverse()
    relations.reverse()
    return DependencyPath(tuple(assets), tuple(relations), (False,) * len(relations))


def _notify(affected: list[AffectedAsset]) -> list[OwnerToNotify]:
    owned: dict[str, dict[str, None]] = {}  # owner id -> affected asset ids, in order
    owners: dict[str, Owner] = {}
    for item in affected:
        for o in item.owners:
            owners.setdefault(o.id, replace(o, role=None))
            owned.setdefault(o.id, {})[item.asset.id] = None
    ranked = sorted(owners.values(), key=lambda o: (o.kind != "team", -len(owned[o.id]), o.id))
    return [OwnerToNotify(o, tuple(owned[o.id])) for o in ranked]
