"""Workflow runs as users get them: `Run`, and the latest runs of a workflow.

A run record is written with the assets it names, in the same transaction (a Batch's
`runs`, checked by mlg/records.py); the OpenLineage source (mlg/openlineage/runs.py)
builds them by merging a run's events. Stored facets carry two kinds of bookkeeping,
named here: the event time each facet came from (TIMES) and each dataset's own
input/output facets ("io:<asset id>").
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from mlg.model import Asset

if TYPE_CHECKING:
    from mlg.graph import Graph

TIMES = "_times"  # facet name -> time of the event it came from
IO_PREFIX = "io:"  # "io:<asset id>" -> that dataset's input/output facets in the run


@dataclass(frozen=True)
class Run:
    """One execution of a workflow, with the assets it read and wrote."""

    id: str
    workflow: str
    state: str | None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    last_event_at: datetime | None = None
    error: str | None = None
    producer: str | None = None
    facets: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    inputs: tuple[Asset, ...] = ()
    outputs: tuple[Asset, ...] = ()

    @property
    def duration(self) -> timedelta | None:
        if self.started_at is None or self.ended_at is None:
            return None
        return self.ended_at - self.started_at

    def to_dict(self) -> dict[str, Any]:
        def brief(assets: tuple[Asset, ...]) -> list[dict[str, str]]:
            return [{"id": a.id, "kind": a.kind, "name": a.name} for a in assets]

        return {
            "id": self.id,
            "workflow": self.workflow,
            "state": self.state,
            "started_at": _iso(self.started_at),
            "ended_at": _iso(self.ended_at),
            "last_event_at": _iso(self.last_event_at),
            "duration_seconds": (self.duration.total_seconds() if self.duration is not None else None),
            "error": self.error,
            "producer": self.producer,
            "facets": self.facets,
            "inputs": brief(self.inputs),
            "outputs": brief(self.outputs),
        }


def recent_runs(graph: Graph, workflow_ref: str, limit: int = 20) -> list[Run]:
    """The latest `limit` runs of a workflow, newest first, with their inputs and outputs."""
    workflow = graph.resolve(workflow_ref)
    stored = graph.store.recent_runs(workflow.id, max(0, int(limit)))
    return [
        Run(
            **{**run.row, "facets": _public_facets(run.row["facets"])}, inputs=run.inputs, outputs=run.outputs
        )
        for run in stored
    ]


def _public_facets(text: str | None) -> dict[str, Any]:
    """Stored facets as users see them: io facets under "io", no merge bookkeeping."""
    stored = json.loads(text or "{}")
    stored.pop(TIMES, None)
    facets = {k: v for k, v in stored.items() if not k.startswith(IO_PREFIX)}
    io = {k[len(IO_PREFIX) :]: v for k, v in stored.items() if k.startswith(IO_PREFIX)}
    if io:
        facets["io"] = io
    return facets


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
