"""What a change to one asset affects, and who to tell.

One downstream closure (mlg.lineage) fetches every affected asset, the edges between
them and their owners; the path to each affected asset is then a breadth-first walk
in Python over those edges — no further queries per asset.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from mlg.errors import MlgError
from mlg.lineage import lineage
from mlg.model import Asset, Owner
from mlg.paths import DependencyPath
from mlg.subgraph import Subgraph

if TYPE_CHECKING:
    import pandas
    import pyarrow

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
    affected: AffectedAssets  # a sequence of AffectedAsset, built as read
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
        return self._of_kind("service")

    @property
    def experiments(self) -> list[AffectedAsset]:
        return self._of_kind("experiment")

    def _of_kind(self, kind: str) -> list[AffectedAsset]:
        return self.affected.of_kinds((kind,))

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
        from mlg.frames import to_pandas

        return to_pandas(self.affected.to_arrow())


def impact(graph: Graph, ref: str, max_paths: int | None = 10_000) -> Impact:
    """What depends on `ref`, directly or not, and whom to tell before changing it.

    Paths are spelled out for every service and experiment and for the `max_paths`
    nearest other assets (None: all); `Impact.paths_capped` says when some were left out.
    """
    if max_paths is not None and max_paths < 0:
        raise MlgError(f"max_paths must be 0 or more, not {max_paths}")
    sub = lineage(graph, ref, "down")
    return impact_of(sub, max_paths)


def impact_of(sub: Subgraph, max_paths: int | None = 10_000) -> Impact:
    """The Impact of a downstream closure (`lineage(..., "down")`), worked out column by
    column: the order, the shortest-path tree and who to tell are numpy and Arrow over
    the subgraph's tables; `Asset`s and paths are built only for what is read."""
    import pyarrow as pa
    import pyarrow.compute as pc

    root = sub.roots[0]
    nodes, edges = sub.skeleton()
    ids, kinds = nodes.column("id").chunk(0), nodes.column("kind").chunk(0)
    root_row = pc.index(ids, root).as_py()
    keys = [(c, "ascending") for c in ("distance", "kind", "name", "id")]
    order = pc.sort_indices(nodes, sort_keys=keys).to_numpy()
    order = order[order != root_row]  # node rows of the affected assets, nearest first
    reached = np.isin(kinds.to_numpy(zero_copy_only=False)[order], np.array(REACHED_KINDS, dtype=object))
    if max_paths is None:
        spelled = np.ones(len(order), dtype=bool)
    else:
        spelled = reached | (np.cumsum(~reached) <= max_paths)
    tree = _ShortestPathTree.of(ids, edges, root_row)
    affected = AffectedAssets(sub, nodes, order, spelled, tree)
    notify = _notify(sub, ids.take(pa.array(order)))
    return Impact(sub.asset(root), affected, notify, sub, not bool(spelled.all()))


class _ShortestPathTree:
    """For each asset of the closure, the one before it on a shortest path from the root
    (`parent`, a node row; -1: none) and the relation between them (`relation`). The
    same tree as a breadth-first walk visiting each asset's dependents in id order (and
    of two relations between one pair, the first by name), level by level in numpy."""

    def __init__(self, ids: pyarrow.Array, parent: np.ndarray, relation: np.ndarray, types: list[str]):
        self.ids, self.parent, self.relation, self.types = ids, parent, relation, types
        self._id_list: list[str] | None = None

    @classmethod
    def of(cls, ids: pyarrow.Array, edges: pyarrow.Table, root_row: int) -> _ShortestPathTree:
        import pyarrow as pa
        import pyarrow.compute as pc

        n = len(ids)
        parent = np.full(n, -1, dtype=np.int64)
        relation = np.full(n, -1, dtype=np.int64)
        type_dict = pc.dictionary_encode(edges.column("type").combine_chunks().cast(pa.string()))
        types = type_dict.dictionary.to_pylist()
        ranked_types = np.argsort(np.argsort(np.array(types, dtype=object))) if types else np.zeros(0, int)
        if edges.num_rows == 0:
            return cls(ids, parent, relation, types)
        # an edge points from the dependent (source) to its dependency (target): walking
        # down goes from target to source
        dependent = pc.index_in(edges.column("source").combine_chunks().cast(pa.string()), value_set=ids)
        dependency = pc.index_in(edges.column("target").combine_chunks().cast(pa.string()), value_set=ids)
        kept = pc.and_(pc.is_valid(dependent), pc.is_valid(dependency))
        src = pc.filter(dependent, kept).to_numpy().astype(np.int64)
        dst = pc.filter(dependency, kept).to_numpy().astype(np.int64)
        rel = pc.filter(type_dict.indices, kept).to_numpy().astype(np.int64)  # codes into `types`
        id_rank = np.empty(n, dtype=np.int64)
        id_rank[pc.sort_indices(ids).to_numpy()] = np.arange(n)
        by_dependency = np.argsort(dst, kind="stable")
        src, dst, rel = src[by_dependency], dst[by_dependency], rel[by_dependency]
        starts = np.searchsorted(dst, np.arange(n + 1))
        seen = np.zeros(n, dtype=bool)
        seen[root_row] = True
        frontier = np.array([root_row], dtype=np.int64)
        while len(frontier):
            counts = starts[frontier + 1] - starts[frontier]
            total = int(counts.sum())
            if not total:
                break
            # the edges out of the frontier, in its order: positions of each one's range
            at = np.repeat(starts[frontier] - np.cumsum(counts) + counts, counts) + np.arange(total)
            position = np.repeat(np.arange(len(frontier)), counts)  # the parent's place in the queue
            child, kind = src[at], rel[at]
            fresh = ~seen[child]
            child, kind, position = child[fresh], kind[fresh], position[fresh]
            if not len(child):
                break
            # per child: the earliest parent, then the first relation by name
            first = np.lexsort((ranked_types[kind], position, child))
            child, kind, position = child[first], kind[first], position[first]
            keep = np.ones(len(child), dtype=bool)
            keep[1:] = child[1:] != child[:-1]
            child, kind, position = child[keep], kind[keep], position[keep]
            parent[child] = frontier[position]
            relation[child] = kind
            seen[child] = True
            frontier = child[np.lexsort((id_rank[child], position))]  # the queue's next level
        return cls(ids, parent, relation, types)

    def path_to(self, row: int) -> DependencyPath:
        """From the root to the asset at `row`."""
        if self._id_list is None:
            self._id_list = self.ids.to_pylist()
        assets, relations = [self._id_list[row]], []
        while self.parent[row] >= 0:
            relations.append(self.types[self.relation[row]])
            row = int(self.parent[row])
            assets.append(self._id_list[row])
        assets.reverse()
        relations.reverse()
        return DependencyPath(tuple(assets), tuple(relations), (False,) * len(relations))


class AffectedAssets(Sequence[AffectedAsset]):
    """`Impact.affected`: the affected assets, nearest first, as a sequence that builds its
    `AffectedAsset`s (and their `Asset`s and paths) when they are first read: counting
    them, or by kind, reads only columns."""

    def __init__(
        self,
        sub: Subgraph,
        nodes: pyarrow.Table,
        order: np.ndarray,
        spelled: np.ndarray,
        tree: _ShortestPathTree,
    ):
        """`nodes`: the subgraph's skeleton (`Subgraph.skeleton`); `order`: its rows, nearest
        first; `spelled`: per row of `order`, whether its path is spelled out."""
        self._sub, self._nodes, self._order, self._spelled, self._tree = sub, nodes, order, spelled, tree
        self._items: list[AffectedAsset] | None = None

    def __len__(self) -> int:
        return len(self._order)

    def __getitem__(self, index):
        return self._all()[index]

    def __iter__(self) -> Iterator[AffectedAsset]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (AffectedAssets, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None

    def __repr__(self) -> str:
        return f"<{len(self)} affected assets>"

    @property
    def kinds(self) -> list[str]:
        """The kind of each, in order."""
        return self._column("kind").to_pylist()

    def kind_counts(self) -> dict[str, int]:
        """How many of each kind, the most numerous first (then by kind)."""
        counted = Counter(self.kinds)
        return dict(sorted(counted.items(), key=lambda item: (-item[1], item[0])))

    def of_kinds(self, kinds: Iterable[str]) -> list[AffectedAsset]:
        """Those of these kinds, in order, built only for them."""
        wanted = set(kinds)
        at = [i for i, kind in enumerate(self.kinds) if kind in wanted]
        if self._items is not None:
            return [self._items[i] for i in at]
        return self._build(np.array(at, dtype=np.int64))

    def _column(self, name: str) -> pyarrow.Array:
        import pyarrow as pa

        return self._nodes.column(name).chunk(0).take(pa.array(self._order))

    def _all(self) -> list[AffectedAsset]:
        if self._items is None:
            self._items = self._build(np.arange(len(self._order)))
        return self._items

    def _build(self, at: np.ndarray) -> list[AffectedAsset]:
        import pyarrow as pa

        from mlg.store.tables import gc_paused

        sub, tree = self._sub, self._tree
        rows = self._order[at]
        with gc_paused():
            if len(rows) == len(self._order):  # all of them: the subgraph's own objects
                every = sub.assets
                assets, owners = [every[r] for r in rows.tolist()], sub.owners
            else:
                assets = sub.assets_at(rows.tolist())
                owners = sub.owners_of(self._nodes.column("id").chunk(0).take(pa.array(rows)))
            distances = self._nodes.column("distance").chunk(0).to_numpy()[rows].tolist()
            return [
                AffectedAsset(a, d, tree.path_to(int(row)) if spelled else None, owners.get(a.id, ()))
                for a, d, row, spelled in zip(assets, distances, rows, self._spelled[at])
            ]

    def to_arrow(self) -> pyarrow.Table:
        """One row per affected asset (see `Impact.to_frame`), from the columns."""
        import pyarrow as pa

        from mlg.subgraph import owner_lists

        strings = pa.list_(pa.string())
        paths = [self._tree.path_to(int(r)) if s else None for r, s in zip(self._order, self._spelled)]
        ids = self._column("id")
        return pa.table(
            {
                "id": ids,
                "kind": self._column("kind"),
                "name": self._column("name"),
                "distance": self._column("distance"),
                "path": pa.array([list(p.assets) if p else None for p in paths], strings),
                "relations": pa.array([list(p.relations) if p else None for p in paths], strings),
                "owners": owner_lists(self._sub.owner_rows(), ids),
            }
        )


def _notify(sub: Subgraph, affected_ids: pyarrow.Array) -> list[OwnerToNotify]:
    """The owners of affected assets: teams first, the most affected assets first, then
    by id; each with the ids of the affected assets it owns, nearest first."""
    import pyarrow as pa
    import pyarrow.compute as pc

    rows = sub.owner_rows()
    if not rows.num_rows or not len(affected_ids):
        return []
    at = pc.index_in(rows.column("asset").cast(pa.string()), value_set=affected_ids)
    rows = rows.filter(pc.is_valid(at)).append_column("at", pc.filter(at, pc.is_valid(at)))
    if not rows.num_rows:
        return []
    owner_ids = rows.column("id").combine_chunks()
    encoded = pc.dictionary_encode(owner_ids)
    owner = encoded.indices.to_numpy().astype(np.int64)
    position = rows.column("at").combine_chunks().to_numpy().astype(np.int64)
    by_owner = np.lexsort((position, owner))
    owner, position, first_row = owner[by_owner], position[by_owner], by_owner
    keep = np.ones(len(owner), dtype=bool)  # one row per (owner, asset): several roles count once
    keep[1:] = (owner[1:] != owner[:-1]) | (position[1:] != position[:-1])
    owner, position, first_row = owner[keep], position[keep], first_row[keep]
    starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
    ends = np.r_[starts[1:], len(owner)]
    ids = affected_ids.to_pylist()
    details = rows.select(["id", "kind", "name", "email"]).take(pa.array(first_row[starts])).to_pylist()
    found = [
        OwnerToNotify(
            Owner(d["id"], d["kind"], d["name"], d["email"] or None),
            tuple(ids[i] for i in position[s:e]),
        )
        for d, s, e in zip(details, starts, ends)
    ]
    found.sort(key=lambda n: (n.owner.kind != "team", -len(n.assets), n.owner.id))
    return found
