"""What the receiver checks a new event against: the graph plus every event acknowledged
and not applied yet (the asset kinds they add), and which events it has already found
applicable (their lineage signature)."""

from __future__ import annotations

import json

from mlg.ingest import StoreLookup
from mlg.openlineage.events import LineageEvent


class PendingKinds:
    """The asset kinds checks must count with beyond the graph's: those of every event
    acknowledged and not applied yet. (Edges are not needed: cycles are lineage, so an
    event's edges cannot make it refused; only a kind clash or a bad reference can.)"""

    def __init__(self, kinds: dict[str, str]):
        self.kinds = kinds

    @classmethod
    def of(cls, graph, pending: list[LineageEvent]) -> PendingKinds:
        from mlg.openlineage.loader import check_events

        known = cls({})
        problems, plan = check_events(graph, pending) if pending else ([], None)
        if plan is not None:
            known.add(plan)
        elif problems:  # some will be dead-lettered: count each that would apply alone
            for event in pending:
                _, alone = check_events(graph, [event])
                if alone is not None:
                    known.add(alone)
        return known

    def add(self, plan) -> None:
        self.kinds.update((asset_id, row["kind"]) for asset_id, row in plan.assets.items())


class PendingLookup(StoreLookup):
    """A StoreLookup that also knows what acknowledged, not yet applied events will add."""

    def __init__(self, graph, known: PendingKinds):
        super().__init__(graph)
        self.known = known
        self.graph_empty = self.empty
        self.empty = self.empty and not known.kinds

    def asset_kinds(self, ids):
        ids = list(ids)
        found = {} if self.graph_empty else dict(super().asset_kinds(ids))
        for asset_id in ids:
            if asset_id not in found and asset_id in self.known.kinds:
                found[asset_id] = self.known.kinds[asset_id]
        return found

    def owner_ids(self, ids):
        return set() if self.graph_empty else super().owner_ids(ids)


def lineage_signature(event: LineageEvent) -> tuple:
    """What of an event decides its edges and names: the job, its parent, and each
    dataset with the identifiers (symlinks) and version it carries. Facets that only describe are left
    out: they cannot make an ingest refuse the event."""

    def ref(d) -> tuple:
        naming = {k: d.facets[k] for k in ("symlinks", "version") if k in d.facets}
        return (d.namespace, d.name, json.dumps(naming, sort_keys=True, default=str) if naming else None)

    parent = event.run_facets.get("parent")
    return (
        event.kind,
        event.job_namespace,
        event.job_name,
        json.dumps(parent, sort_keys=True, default=str) if parent else None,
        tuple(sorted(ref(d) for d in event.inputs)),
        tuple(sorted(ref(d) for d in event.outputs)),
        ref(event.dataset) if event.dataset is not None else None,
    )
