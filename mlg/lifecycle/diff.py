"""`mlg diff`: what changed between two moments, by source and by owner.

A diff is the set difference of two as-of states (mlg.lifecycle.history.state_at):
assets alive at `until` and not at `since` were added, the reverse retired, alive at
both with different content (or sources) changed; edges likewise, added or retired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mlg.lifecycle.history import parse_moment, state_at

if TYPE_CHECKING:
    from mlg.graph import Graph

_IGNORED = ("created_at", "updated_at")  # stamped by writes, not what a source said


@dataclass(frozen=True)
class AssetChange:
    id: str
    kind: str
    change: str  # added, changed, retired
    sources: tuple[str, ...]
    owners: tuple[str, ...]
    fields: tuple[str, ...] = ()  # what changed

    def to_dict(self) -> dict[str, Any]:
        data = {"id": self.id, "kind": self.kind, "change": self.change, "sources": list(self.sources)}
        data["owners"] = list(self.owners)
        if self.fields:
            data["fields"] = list(self.fields)
        return data


@dataclass(frozen=True)
class EdgeChange:
    source: str
    target: str
    type: str
    change: str  # added, retired
    sources: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "from": self.source,
            "to": self.target,
            "type": self.type,
            "change": self.change,
            "sources": list(self.sources),
        }


@dataclass
class GraphDiff:
    since: datetime
    until: datetime
    asset: str | None = None
    assets: list[AssetChange] = field(default_factory=list)
    edges: list[EdgeChange] = field(default_factory=list)

    def of(self, change: str) -> list[AssetChange]:
        return [a for a in self.assets if a.change == change]

    def by_source(self) -> dict[str, dict[str, int]]:
        """source -> {"assets added": n, ...}; "(none)" for what no source asserts."""
        counts: dict[str, dict[str, int]] = {}
        for item, noun in [(a, "assets") for a in self.assets] + [(e, "edges") for e in self.edges]:
            for source in item.sources or ("(none)",):
                key = f"{noun} {item.change}"
                counts.setdefault(source, {}).setdefault(key, 0)
                counts[source][key] += 1
        return dict(sorted(counts.items()))

    def by_owner(self) -> dict[str, dict[str, int]]:
        counts: dict[str, dict[str, int]] = {}
        for a in self.assets:
            for owner in a.owners or ("(no owner)",):
                counts.setdefault(owner, {}).setdefault(a.change, 0)
                counts[owner][a.change] += 1
        return dict(sorted(counts.items()))

    def to_dict(self) -> dict[str, Any]:
        return {
            "since": self.since.isoformat(),
            "until": self.until.isoformat(),
            "asset": self.asset,
            "assets": [a.to_dict() for a in self.assets],
            "edges": [e.to_dict() for e in self.edges],
            "by_source": self.by_source(),
            "by_owner": self.by_owner(),
        }


def diff(graph: Graph, since, until=None, asset: str | None = None) -> GraphDiff:
    """What changed from `since` to `until` (default: now), for the whole graph or one
    asset (its content and the edges touching it)."""
    start = parse_moment(since)
    end = parse_moment(until) if until is not None else datetime.now(UTC).replace(tzinfo=None)
    if start is None:
        from mlg.errors import MlgError

        raise MlgError("diff needs a --since date")
    if asset is not None:
        asset = graph.viewing(include_retired=True).resolve(asset).id
    before, before_edges = state_at(graph, start, asset)
    after, after_edges = state_at(graph, end, asset)
    result = GraphDiff(start, end, asset)
    for asset_id in sorted(set(before) | set(after)):
        old, new = before.get(asset_id), after.get(asset_id)
        if old is None:
            result.assets.append(_change(asset_id, new, "added"))
        elif new is None:
            result.assets.append(_change(asset_id, old, "retired"))
        else:
            fields = tuple(k for k in new if k not in _IGNORED and new[k] != old[k])
            if fields:
                result.assets.append(_change(asset_id, new, "changed", fields))
    for key in sorted(set(before_edges) | set(after_edges)):
        if key not in before_edges:
            result.edges.append(EdgeChange(*key, "added", after_edges[key]))
        elif key not in after_edges:
            result.edges.append(EdgeChange(*key, "retired", before_edges[key]))
    return result


def _change(asset_id: str, row: dict, change: str, fields=()) -> AssetChange:
    """One asset's change; its owners as they were on `row`'s side (after, or before for
    a retired asset): the owner links are versioned like the rest."""
    owners = tuple(dict.fromkeys(owner for owner, _ in row.get("owners", ())))
    return AssetChange(asset_id, row["kind"], change, tuple(row["sources"]), owners, fields)
