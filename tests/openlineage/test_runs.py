"""The events of one run merge into one run, whatever order they arrive in."""

from __future__ import annotations

import itertools
import json
from datetime import datetime

import pytest

import mlg
from mlg.openlineage import ingest_events
from mlg.openlineage.runs import merge_runs
from tests.openlineage.conftest import dataset, facet, run_event

WF = "workflow:airflow/etl.daily"


def lifecycle(run: str = "r1", fail: bool = False) -> list[dict]:
    ins, outs = [dataset("s3://b", "in")], [dataset("s3://b", "out")]
    end = run_event(
        "FAIL" if fail else "COMPLETE",
        "2024-05-01T12:20:00Z",
        run=run,
        inputs=ins,
        run_facets={
            "errorMessage": facet(
                "ErrorMessageRunFacet", message="division by zero", programmingLanguage="python"
            )
        }
        if fail
        else {},
    )
    return [
        run_event(
            "START",
            "2024-05-01T12:00:00.000000001Z",
            run=run,
            inputs=ins,
            run_facets={"nominalTime": facet("NominalTimeRunFacet", nominalStartTime="2024-05-01T12:00:00Z")},
        ),
        run_event("RUNNING", "2024-05-01T12:10:00Z", run=run, inputs=ins, outputs=outs),
        end,
    ]


@pytest.mark.parametrize("order", list(itertools.permutations(range(3))))
def test_run_events_in_any_order_merge_into_one_run(tmp_path, order):
    events = lifecycle(fail=True)
    with mlg.open(tmp_path / "g.kuzu") as g:
        for i in order:  # each event its own ingest: merging happens against the graph
            ingest_events(g, [events[i]])
        (run,) = g.runs(WF)
    assert run.state == "FAIL"
    assert run.started_at == datetime(2024, 5, 1, 12, 0)
    assert run.ended_at == datetime(2024, 5, 1, 12, 20)
    assert run.last_event_at == datetime(2024, 5, 1, 12, 20)
    assert run.error == "division by zero"
    assert run.facets["nominalTime"]["nominalStartTime"] == "2024-05-01T12:00:00Z"
    assert [a.id for a in run.inputs] == ["dataset:s3://b/in"]
    assert [a.id for a in run.outputs] == ["dataset:s3://b/out"]


def test_terminal_state_wins_over_a_late_running_event(graph):
    start, running, complete = lifecycle()
    ingest_events(graph, [start, complete])
    late = dict(running, eventTime="2024-05-01T12:30:00Z")  # a RUNNING sent after COMPLETE
    report = ingest_events(graph, [late])
    (run,) = graph.runs(WF)
    assert run.state == "COMPLETE" and run.ended_at == datetime(2024, 5, 1, 12, 20)
    assert run.last_event_at == datetime(2024, 5, 1, 12, 30)
    assert report.runs_updated == 1 and report.runs_added == 0


def test_runs_are_listed_newest_first_with_limit(graph):
    events = []
    for day in range(1, 6):
        events.append(run_event("COMPLETE", f"2024-05-0{day}T00:00:00Z", run=f"r{day}"))
    events.append(run_event("START", "2024-05-06T00:00:00Z", run="r6"))
    ingest_events(graph, events)
    runs = graph.runs("etl.daily", limit=3)  # a name resolves like everywhere else
    assert [(r.id, r.state) for r in runs] == [("r6", "START"), ("r5", "COMPLETE"), ("r4", "COMPLETE")]
    assert runs[0].ended_at is None and runs[0].duration is None
    assert runs[1].to_dict()["duration_seconds"] == 0.0


def test_runs_of_a_workflow_without_runs(graph):
    graph.ingest_batch(mlg.batch.Batch.from_records(assets=[{"id": "w", "kind": "workflow"}]))
    assert graph.runs("w") == []


def test_merge_is_commutative():
    def row(state, t, **extra):
        at = datetime(2024, 5, 1, t)
        return {
            "id": "r",
            "workflow": "w",
            "state": state,
            "started_at": at,
            "ended_at": at if state in ("COMPLETE", "FAIL", "ABORT") else None,
            "last_event_at": at,
            "error": extra.get("error"),
            "producer": f"p{t}",
            "facets": {
                **extra.get("facets", {}),
                "_times": dict.fromkeys(extra.get("facets", {}), at.isoformat()),
            },
            "inputs": set(extra.get("inputs", ())),
            "outputs": set(),
        }

    rows = [
        row("START", 1, facets={"a": 3}, inputs=["x"]),
        row("RUNNING", 2, facets={"a": 2}),
        row("ABORT", 3),
        row("COMPLETE", 3),
        row("FAIL", 4, error="boom"),
        row("OTHER", 5),
    ]
    results = set()
    for perm in itertools.permutations(rows):
        merged = perm[0]
        for r in perm[1:]:
            merged = merge_runs(merged, r)
        results.add(
            json.dumps(merged, default=lambda v: sorted(v) if isinstance(v, set) else str(v), sort_keys=True)
        )
    assert len(results) == 1
    merged = json.loads(results.pop())
    assert (merged["state"], merged["error"]) == ("FAIL", "boom")
    assert merged["facets"] == {"a": 2, "_times": {"a": "2024-05-01T02:00:00"}}
    assert merged["started_at"] == "2024-05-01 01:00:00" and merged["inputs"] == ["x"]


def test_large_run_facets_are_left_out(graph):
    plan = {"_producer": "spark", "plan": ["node"] * 20_000}
    ingest_events(graph, [run_event(run="r1", run_facets={"spark.logicalPlan": plan})])
    (run,) = graph.runs(WF)
    assert run.facets["spark.logicalPlan"] == {"_omitted": f"{len(json.dumps(plan))} bytes"}


def test_runs_are_not_lineage(graph):
    ingest_events(graph, lifecycle())
    assert graph.stats().relations == 2
    down = graph.downstream("dataset:s3://b/in")
    assert sorted(a.id for a in down.assets) == ["dataset:s3://b/in", "dataset:s3://b/out", WF]
