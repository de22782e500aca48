"""Workflow runs: one record per OpenLineage run, whatever order its events arrive in.

The START, RUNNING, COMPLETE, FAIL and ABORT events of one run merge into one record,
and merging is order-independent:

- state: a terminal state (COMPLETE, FAIL, ABORT) always beats START/RUNNING/OTHER;
  between terminal states the later event wins (FAIL over ABORT over COMPLETE at the
  same instant); between the others RUNNING beats START beats OTHER;
- started_at: the earliest event time (the START event's, when there is one);
  ended_at: the time of the winning terminal event; last_event_at: the latest event;
- error: the errorMessage facet's message (sent with FAIL);
- facets: per facet, the value of the latest event that carried it (the event time of
  each is kept under "_times", so that merging stays order-independent); a dataset's
  input/output facets are kept per dataset as "io:<asset id>";
- inputs and outputs: every dataset any of its events named, each with the dataset
  version the run read or wrote when the event says (`Run.versions`).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mlg.openlineage.events import TERMINAL_STATES, LineageEvent
from mlg.runs import IO_PREFIX, TIMES, VERSION_PREFIX, DatasetRun, Run, dataset_runs, recent_runs

__all__ = [
    "IO_PREFIX",
    "TIMES",
    "VERSION_PREFIX",
    "DatasetRun",
    "Run",
    "dataset_runs",
    "merge_runs",
    "recent_runs",
    "run_from_event",
    "stored_run",
]

if TYPE_CHECKING:
    pass

STATE_RANK = {"OTHER": 0, "START": 1, "RUNNING": 2, "COMPLETE": 3, "ABORT": 4, "FAIL": 5}
MAX_FACET_BYTES = 16_384  # larger run facets (Spark's logical plan, ...) are left out


# -- merging -------------------------------------------------------------------------------


def run_from_event(
    event: LineageEvent,
    workflow: str,
    inputs: list[str],
    outputs: list[str],
    io_facets: dict[str, dict[str, Any]],
    versions: dict[tuple[str, str], str] | None = None,
) -> dict[str, Any]:
    """The run record one RunEvent describes on its own; `versions` maps (direction,
    asset id) to the dataset version the event says the run read or wrote."""
    state = event.event_type or "OTHER"
    error = event.run_facets.get("errorMessage", {}).get("message")
    facets = {
        name: _capped(value)
        for name, value in event.run_facets.items()
        if name != TIMES and not name.startswith(IO_PREFIX)
    }
    facets.update((IO_PREFIX + asset, _capped(value)) for asset, value in io_facets.items())
    facets.update(
        (f"{VERSION_PREFIX}{direction}:{asset}", version)
        for (direction, asset), version in (versions or {}).items()
    )
    facets[TIMES] = dict.fromkeys(facets, event.event_time.isoformat())
    return {
        "id": event.run_id,
        "workflow": workflow,
        "state": state,
        "started_at": event.event_time,
        "ended_at": event.event_time if state in TERMINAL_STATES else None,
        "last_event_at": event.event_time,
        "error": error if isinstance(error, str) else None,
        "producer": event.producer,
        "facets": facets,
        "inputs": set(inputs),
        "outputs": set(outputs),
    }


def merge_runs(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Two records of the same run as one; the result does not depend on the order."""
    win = a if _precedence(a) >= _precedence(b) else b
    newer, older = (a, b) if _recency(a) >= _recency(b) else (b, a)
    with_error = [r for r in (a, b) if r.get("error")]
    return {
        "id": a["id"],
        # a run belongs to the workflow it was first recorded under
        "workflow": a["workflow"] or b["workflow"],
        "state": win["state"],
        "started_at": _earliest(a["started_at"], b["started_at"]),
        "ended_at": win["ended_at"] if win["state"] in TERMINAL_STATES else None,
        "last_event_at": max(a["last_event_at"], b["last_event_at"]),
        "error": max(with_error, key=_precedence)["error"] if with_error else None,
        "producer": newer["producer"] or older["producer"],
        "facets": _merge_facets(a["facets"], b["facets"]),
        "inputs": set(a["inputs"]) | set(b["inputs"]),
        "outputs": set(a["outputs"]) | set(b["outputs"]),
    }


def stored_run(row: dict[str, Any], io: dict[str, set[str]] | None) -> dict[str, Any]:
    """A run as the graph holds it (see mlg.openlineage.records), in merge form."""
    return {
        **row,
        "facets": json.loads(row["facets"] or "{}"),
        "inputs": set((io or {}).get("inputs", ())),
        "outputs": set((io or {}).get("outputs", ())),
    }


def _precedence(row: dict[str, Any]) -> tuple:
    state = row["state"] or "OTHER"
    rank = STATE_RANK.get(state, 0)
    if state in TERMINAL_STATES:
        return (1, row["ended_at"] or datetime.min, rank)
    return (0, rank, row["last_event_at"] or datetime.min)


def _recency(row: dict[str, Any]) -> tuple:
    return (row["last_event_at"] or datetime.min, row["producer"] or "")


def _merge_facets(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Per facet, the value from the later event (ties: the larger value)."""
    times_a, times_b = a.get(TIMES, {}), b.get(TIMES, {})
    merged: dict[str, Any] = {}
    times: dict[str, str] = {}
    for name in (a.keys() | b.keys()) - {TIMES}:
        candidates = [
            (times.get(name, ""), json.dumps(facets[name], sort_keys=True), facets[name])
            for facets, times in ((a, times_a), (b, times_b))
            if name in facets
        ]
        time, _, value = max(candidates, key=lambda c: c[:2])
        merged[name], times[name] = value, time
    merged[TIMES] = times
    return merged


def _earliest(a: datetime | None, b: datetime | None) -> datetime | None:
    return min((t for t in (a, b) if t is not None), default=None)


def _capped(facet: Any) -> Any:
    size = len(json.dumps(facet, default=str))
    return facet if size <= MAX_FACET_BYTES else {"_omitted": f"{size} bytes"}
