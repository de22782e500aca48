"""Who uses what: consumers of one asset, and the estate-wide reuse and governance report.

Every number comes from the store's aggregates (counted there, not rows to Python:
`GraphStore.reach_counts`, `most_depended_on`, ...), and every closure is one store
call over a set of roots — never one query per asset.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlg.cycles import CYCLES_LISTED, lineage_cycles
from mlg.lineage import owners_of
from mlg.model import Asset, Owner
from mlg.paths import DependencyPath
from mlg.store.port import MAX_DEPTH, Reach

if TYPE_CHECKING:
    import pandas

    from mlg.graph import Graph

REUSED_KINDS = ("dataset", "feature")
DEPRECATED_TAG = "deprecated"
TIER1_TAG = "tier-1"
UNOWNED_LISTED = 1_000  # unowned assets listed by name; all are counted
DEPRECATED_PATHS = 5_000  # paths spelled out for deprecated assets in use; all are counted
# Deprecated assets followed downstream, the most directly used first: each is a closure,
# and on an estate where thousands are deprecated their sum is the whole graph many times.
DEPRECATED_FOLLOWED = 100

# What a deprecated asset must not feed: services, and tier-1 models.
LIVE = Reach(kinds=("service",), kinds_tagged=(("model", TIER1_TAG),))


# -- who uses this -------------------------------------------------------------------


@dataclass(frozen=True)
class Consumer:
    """An asset that depends directly on the one asked about, through `relation`."""

    asset: Asset
    relation: str
    owners: tuple[Owner, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.asset.id,
            "kind": self.asset.kind,
            "name": self.asset.name,
            "relation": self.relation,
            "owners": [o.id for o in self.owners],
        }


@dataclass
class Consumers:
    """Who uses `asset`: its direct consumers, and everything downstream counted by kind."""

    asset: Asset
    direct: list[Consumer]
    downstream_by_kind: dict[str, int]
    truncated: bool = False  # lineage deeper than MAX_DEPTH hops was not counted

    @property
    def downstream_total(self) -> int:
        return sum(self.downstream_by_kind.values())

    def _repr_html_(self) -> str:
        from mlg.rich_display import consumers_html

        return consumers_html(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "asset": {"id": self.asset.id, "kind": self.asset.kind, "name": self.asset.name},
            "direct": [c.to_dict() for c in self.direct],
            "downstream_total": self.downstream_total,
            "downstream_by_kind": self.downstream_by_kind,
            "truncated": self.truncated,
        }

    def to_pandas(self) -> pandas.DataFrame:
        """The direct consumers: id, kind, name, relation (str), owners (list of ids)."""
        return _frame(
            [c.to_dict() for c in self.direct],
            {"id": "str", "kind": "str", "name": "str", "relation": "str", "owners": "list[str]"},
        )


def consumers(graph: Graph, ref: str) -> Consumers:
    """Who uses `ref`: one 1-hop query, one owners join, one aggregated closure."""
    asset = graph.resolve(ref)
    direct = graph.neighbours(asset.id, "down")
    owners = owners_of(graph, {n.asset.id for n in direct})
    rows = graph.store.reach_counts([asset.id], "down").to_pylist()
    return Consumers(
        asset=asset,
        direct=[Consumer(n.asset, n.type, owners.get(n.asset.id, ())) for n in direct],
        downstream_by_kind={r["kind"]: int(r["n"]) for r in rows},
        truncated=any(r["deepest"] >= MAX_DEPTH for r in rows),
    )


# -- reuse and governance ---------------------------------------------------------------


@dataclass(frozen=True)
class ReusedAsset:
    """A dataset or feature and how much depends on it."""

    asset: Asset
    direct_consumers: int  # distinct assets depending on it directly (the ranking)
    downstream: int  # distinct assets depending on it, directly or not
    models_downstream: int  # distinct models among those
    services_downstream: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.asset.id,
            "kind": self.asset.kind,
            "name": self.asset.name,
            "direct_consumers": self.direct_consumers,
            "downstream": self.downstream,
            "models_downstream": self.models_downstream,
            "services_downstream": self.services_downstream,
        }


@dataclass(frozen=True)
class LiveUse:
    """A service or tier-1 model reached from a deprecated asset, and the way there."""

    asset: Asset
    path: DependencyPath | None  # from the deprecated asset; None when paths were capped

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.asset.id,
            "kind": self.asset.kind,
            "name": self.asset.name,
            "tier_1": TIER1_TAG in self.asset.tags,
            "hops": len(self.path) if self.path else None,
            "path": list(self.path.assets) if self.path else None,
        }


@dataclass(frozen=True)
class DeprecatedInUse:
    """A deprecated asset that still feeds live services or tier-1 models."""

    asset: Asset
    reaches: tuple[LiveUse, ...]
    services: int
    tier1_models: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.asset.id,
            "kind": self.asset.kind,
            "name": self.asset.name,
            "services": self.services,
            "tier1_models": self.tier1_models,
            "reaches": [r.to_dict() for r in self.reaches],
        }


@dataclass
class ReuseReport:
    """Most reused datasets and features (ranked by direct consumers, with what lies
    downstream of each), unowned assets, deprecated assets still in live use."""

    datasets: list[ReusedAsset]
    features: list[ReusedAsset]
    unowned: list[Asset]
    unowned_by_kind: dict[str, int]
    deprecated_in_use: list[DeprecatedInUse]
    paths_capped: bool = False  # some reached assets are listed without their path
    top: int = 20
    deprecated_consumed: int = 0  # deprecated assets with at least one direct consumer
    # lineage cycles (mlg.cycles): the nodes of each, largest first; at most CYCLES_LISTED
    cycles: list[tuple[str, ...]] = field(default_factory=list)
    cycles_total: int = 0
    # referenced assets no source has described yet (mlg.lifecycle.placeholders)
    placeholders: list[Asset] = field(default_factory=list)

    @property
    def deprecated_capped(self) -> bool:
        """Only the DEPRECATED_FOLLOWED most used deprecated assets were followed."""
        return self.deprecated_consumed > DEPRECATED_FOLLOWED

    @property
    def unowned_total(self) -> int:
        return sum(self.unowned_by_kind.values())

    @property
    def unowned_truncated(self) -> bool:
        return len(self.unowned) < self.unowned_total

    def _repr_html_(self) -> str:
        from mlg.rich_display import reuse_html

        return reuse_html(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "ranked_by": "direct_consumers",
            "datasets": [r.to_dict() for r in self.datasets],
            "features": [r.to_dict() for r in self.features],
            "unowned_total": self.unowned_total,
            "unowned_by_kind": self.unowned_by_kind,
            "unowned": [{"id": a.id, "kind": a.kind, "name": a.name} for a in self.unowned],
            "unowned_truncated": self.unowned_truncated,
            "deprecated_in_use": [d.to_dict() for d in self.deprecated_in_use],
            "deprecated_consumed": self.deprecated_consumed,
            "deprecated_capped": self.deprecated_capped,
            "paths_capped": self.paths_capped,
            "cycles_total": self.cycles_total,
            "cycles": [list(c) for c in self.cycles],
            "placeholders": [
                {"id": a.id, "kind": a.kind, "sources": list(a.sources)} for a in self.placeholders
            ],
        }

    def reused_frame(self) -> pandas.DataFrame:
        """Datasets then features: id, kind, name (str) and Int64 counts."""
        return _frame(
            [r.to_dict() for r in self.datasets + self.features],
            {
                "id": "str",
                "kind": "str",
                "name": "str",
                "direct_consumers": "Int64",
                "downstream": "Int64",
                "models_downstream": "Int64",
                "services_downstream": "Int64",
            },
        )

    def unowned_frame(self) -> pandas.DataFrame:
        return _frame(
            [{"id": a.id, "kind": a.kind, "name": a.name} for a in self.unowned],
            {"id": "str", "kind": "str", "name": "str"},
        )

    def deprecated_frame(self) -> pandas.DataFrame:
        """One row per (deprecated asset, live asset it reaches): deprecated, id, kind,
        name (str), tier_1 (bool), hops (Int64), path (list of ids, deprecated first)."""
        rows = [{"deprecated": d.asset.id, **r.to_dict()} for d in self.deprecated_in_use for r in d.reaches]
        return _frame(
            rows,
            {
                "deprecated": "str",
                "id": "str",
                "kind": "str",
                "name": "str",
                "tier_1": "bool",
                "hops": "Int64",
                "path": "list[str]",
            },
        )

    def to_pandas(self) -> dict[str, pandas.DataFrame]:
        return {
            "reused": self.reused_frame(),
            "unowned": self.unowned_frame(),
            "deprecated_in_use": self.deprecated_frame(),
        }


def reuse_report(graph: Graph, top: int = 20) -> ReuseReport:
    """The estate-wide report: a fixed number of aggregate queries whatever the size."""
    from mlg.errors import MlgError

    if not isinstance(top, int) or top < 1:
        raise MlgError(f"limit (top) must be a positive whole number, not {top!r}")
    ranked = {kind: _most_reused(graph, kind, top) for kind in REUSED_KINDS}
    unowned_by_kind, unowned = graph.store.unowned(UNOWNED_LISTED)
    consumed = graph.store.tagged_in_use(DEPRECATED_TAG)
    deprecated, capped = _deprecated_in_use(graph, [asset_id for asset_id, _ in consumed])
    cycles = _cycles(graph)

    from mlg.lifecycle.placeholders import placeholders

    return ReuseReport(
        ranked["dataset"],
        ranked["feature"],
        unowned,
        unowned_by_kind,
        deprecated,
        capped,
        top,
        len(consumed),
        cycles[:CYCLES_LISTED],
        len(cycles),
        placeholders(graph),
    )


def _cycles(graph: Graph) -> list[tuple[str, ...]]:
    """Every lineage cycle (its strongly connected components, mlg.cycles)."""
    edges = graph.store.all_edges()
    return lineage_cycles(zip(edges.column("source").to_pylist(), edges.column("target").to_pylist()))


def _most_reused(graph: Graph, kind: str, top: int) -> list[ReusedAsset]:
    ranked = graph.store.most_depended_on(kind, top)
    if not ranked:
        return []
    ids = [asset_id for asset_id, _ in ranked]
    assets = _assets(graph, ids)
    below: dict[str, dict[str, int]] = {}
    for r in graph.store.reach_counts(ids, "down").to_pylist():
        below.setdefault(r["root"], {})[r["kind"]] = int(r["n"])
    return [
        ReusedAsset(
            assets[asset_id],
            n,
            sum(below.get(asset_id, {}).values()),
            below.get(asset_id, {}).get("model", 0),
            below.get(asset_id, {}).get("service", 0),
        )
        for asset_id, n in ranked
    ]


def _deprecated_in_use(graph: Graph, consumed: list[str]) -> tuple[list[DeprecatedInUse], bool]:
    """What the most used deprecated assets (`consumed`, most used first) reach."""
    if not consumed:
        return [], False
    roots = consumed[:DEPRECATED_FOLLOWED]
    counts = graph.store.reach_counts(roots, "down", reach=LIVE).to_pylist()
    if not counts:
        return [], False
    paths = graph.store.reach_paths(roots, "down", reach=LIVE, limit=DEPRECATED_PATHS)
    totals: dict[str, dict[str, int]] = {}
    for r in counts:
        totals.setdefault(r["root"], {})[r["kind"]] = int(r["n"])
    capped = sum(int(r["n"]) for r in counts) > len(paths)
    reached_ids = {p.reached for p in paths} | set(totals)
    assets = _assets(graph, reached_ids)
    uses: dict[str, list[LiveUse]] = {}
    for p in paths:
        path = DependencyPath(p.assets, p.types, (False,) * len(p.types))
        uses.setdefault(p.root, []).append(LiveUse(assets[p.reached], path))
    result = []
    for dep_id, kinds in totals.items():
        reaches = sorted(
            uses.get(dep_id, []), key=lambda u: (len(u.path) if u.path else 0, u.asset.kind, u.asset.id)
        )
        result.append(
            DeprecatedInUse(assets[dep_id], tuple(reaches), kinds.get("service", 0), kinds.get("model", 0))
        )
    result.sort(key=lambda d: (-(d.services + d.tier1_models), d.asset.id))
    return result, capped


def _assets(graph: Graph, ids) -> dict[str, Asset]:
    """Assets by id, in one store look-up."""
    return graph.store.assets(sorted(ids))


def _frame(rows: list[dict[str, Any]], columns: dict[str, str]) -> pandas.DataFrame:
    """A DataFrame of `rows` with these columns and dtypes (see mlg.frames.from_rows)."""
    from mlg.frames import from_rows

    return from_rows(rows, columns)
