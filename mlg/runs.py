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

from mlg.id_references import IO_PREFIX, TIMES, VERSION_PREFIX  # the facets' keys
from mlg.model import Asset

if TYPE_CHECKING:
    from mlg.graph import Graph


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
    # {"input": {asset id: version}, "output": {...}}: the dataset versions it read and wrote
    versions: dict[str, dict[str, str]] = field(default_factory=dict, hash=False, compare=False)

    def version_of(self, asset_id: str, direction: str | None = None) -> str | None:
        """The version of `asset_id` this run read ("input") or wrote ("output"); with no
        direction, what it wrote, else what it read. None when the events did not say."""
        for d in (direction,) if direction else ("output", "input"):
            found = self.versions.get(d, {}).get(asset_id)
            if found is not None:
                return found
        return None

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
            "versions": self.versions,
        }


@dataclass(frozen=True)
class DatasetRun:
    """A run that read (`direction` "input") or wrote ("output") a dataset, and the
    version of the dataset it read or wrote (None when its events did not say)."""

    run: Run
    direction: str
    version: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "run": self.run.id,
            "workflow": self.run.workflow,
            "state": self.run.state,
            "started_at": _iso(self.run.started_at),
            "ended_at": _iso(self.run.ended_at),
            "direction": self.direction,
            "version": self.version,
        }


def recent_runs(graph: Graph, workflow_ref: str, limit: int = 20) -> list[Run]:
    """The latest `limit` runs of a workflow, newest first, with their inputs and outputs."""
    workflow = graph.resolve(workflow_ref)
    stored = graph.store.recent_runs(workflow.id, max(0, int(limit)))
    return [
        Run(
            **{**run.row, "facets": _public_facets(run.row["facets"])},
            inputs=run.inputs,
            outputs=run.outputs,
            versions=_versions(run.row["facets"]),
        )
        for run in stored
    ]


def dataset_runs(graph: Graph, asset_ref: str, limit: int = 20) -> list[DatasetRun]:
    """The latest `limit` uses of an asset by runs (a run that read and wrote it counts
    twice), newest first, each with the version of the asset it read or wrote."""
    asset = graph.resolve(asset_ref)
    store = graph.store
    run_ids = store.runs_using([asset.id])
    if not run_ids:
        return []
    rows = store.runs(run_ids)
    links = sorted(
        (
            (run_id, direction)
            for run_id, asset_id, direction in store.run_io(run_ids)
            if asset_id == asset.id
        ),
        key=lambda link: (
            rows[link[0]]["started_at"] or rows[link[0]]["last_event_at"] or datetime.min,
            link[0],
            link[1] == "input",
        ),
        reverse=True,
    )[: max(0, int(limit))]
    runs = {}
    for run_id in dict.fromkeys(r for r, _ in links):
        row = rows[run_id]
        runs[run_id] = Run(
            **{**row, "facets": _public_facets(row["facets"])}, versions=_versions(row["facets"])
        )
    return [DatasetRun(runs[r], d, runs[r].version_of(asset.id, d)) for r, d in links]


def _versions(text: str | None) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for key, value in json.loads(text or "{}").items():
        if key.startswith(VERSION_PREFIX) and isinstance(value, str):
            direction, _, asset = key[len(VERSION_PREFIX) :].partition(":")
            found.setdefault(direction, {})[asset] = value
    return found


def _public_facets(text: str | None) -> dict[str, Any]:
    """Stored facets as users see them: io facets under "io", no merge bookkeeping."""
    stored = json.loads(text or "{}")
    stored.pop(TIMES, None)
    stored = {k: v for k, v in stored.items() if not k.startswith(VERSION_PREFIX)}
    facets = {k: v for k, v in stored.items() if not k.startswith(IO_PREFIX)}
    io = {k[len(IO_PREFIX) :]: v for k, v in stored.items() if k.startswith(IO_PREFIX)}
    if io:
        facets["io"] = io
    return facets


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None
