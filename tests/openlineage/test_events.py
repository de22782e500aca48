"""Parsing and checking events against the spec's required fields."""

from __future__ import annotations

from datetime import datetime

import pytest

from mlg.batch import Location
from mlg.openlineage.events import (
    DATASET_EVENT,
    JOB_EVENT,
    RUN_EVENT,
    looks_like_event,
    parse_event,
    parse_timestamp,
)
from tests.openlineage.conftest import AIRFLOW, SPEC, run_event

HERE = Location("events.ndjson", "events[3] (line 4)")


def problems_of(raw) -> list[tuple[str | None, str]]:
    result = parse_event(raw, HERE)
    assert isinstance(result, list), "expected the event to be rejected"
    return [(p.field, p.message) for p in result]


def test_full_event_parses_with_all_its_facets(full_event):
    event = parse_event(full_event, HERE)
    assert event.kind == RUN_EVENT and event.event_type == "COMPLETE"
    assert event.event_time == datetime(2024, 5, 1, 12, 30, 0, 123456)
    assert event.run_id == "0190b1a0-3c52-7c1e-9d1e-6b3f2f1f0a11"
    assert (event.job_namespace, event.job_name) == ("airflow", "etl.load_orders")
    assert set(event.job_facets) == {
        "documentation",
        "ownership",
        "jobType",
        "sql",
        "sourceCodeLocation",
        "tags",
    }
    assert [d.name for d in event.inputs] == ["shop.public.raw_orders"]
    assert event.inputs[0].io_facets["dataQualityMetrics"]["rowCount"] == 1200
    assert event.outputs[0].facets["version"]["datasetVersion"] == "42"


def test_minimal_event_needs_only_the_required_fields():
    event = parse_event(
        {
            "eventTime": "2024-05-01T12:00:00Z",
            "producer": "p",
            "schemaURL": "s",
            "run": {"runId": "r1"},
            "job": {"namespace": "n", "name": "j"},
        },
        HERE,
    )
    assert event.kind == RUN_EVENT
    assert event.event_type is None and event.inputs == () and event.run_facets == {}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-05-01T12:00:00.123456789Z", datetime(2024, 5, 1, 12, 0, 0, 123456)),  # nanoseconds
        ("2024-05-01T12:00:00", datetime(2024, 5, 1, 12, 0)),  # no zone: taken as UTC
        ("2024-05-01T14:00:00+02:00", datetime(2024, 5, 1, 12, 0)),
        ("2024-05-01T07:00:00.5-05:00", datetime(2024, 5, 1, 12, 0, 0, 500000)),
        ("2024-05-01 12:00:00Z", datetime(2024, 5, 1, 12, 0)),
        ("yesterday", None),
    ],
)
def test_timestamps(text, expected):
    assert parse_timestamp(text) == expected


def test_facets_without_producer_or_schema_url_are_kept():
    raw = run_event(
        outputs=[
            {"namespace": "s3://b", "name": "x", "facets": {"documentation": {"description": "no metadata"}}}
        ]
    )
    event = parse_event(raw, HERE)
    assert event.outputs[0].facets["documentation"] == {"description": "no metadata"}


def test_deleted_and_malformed_facets_are_ignored_not_fatal():
    raw = run_event(
        outputs=[
            {
                "namespace": "s3://b",
                "name": "x",
                "facets": {"documentation": {"_deleted": True}, "schema": "not an object"},
            }
        ]
    )
    event = parse_event(raw, HERE)
    assert event.outputs[0].facets == {}


def test_dataset_event_of_spec_2():
    event = parse_event(
        {
            "eventTime": "2024-05-01T12:00:00Z",
            "producer": AIRFLOW,
            "schemaURL": SPEC + "DatasetEvent",
            "dataset": {"namespace": "s3://b", "name": "x", "facets": {}},
        },
        HERE,
    )
    assert event.kind == DATASET_EVENT and event.dataset.name == "x" and event.run_id is None


def test_job_event_of_spec_2():
    event = parse_event(
        {
            "eventTime": "2024-05-01T12:00:00Z",
            "producer": AIRFLOW,
            "schemaURL": SPEC + "JobEvent",
            "job": {"namespace": "flink", "name": "stream"},
            "inputs": [{"namespace": "kafka://k", "name": "in"}],
        },
        HERE,
    )
    assert event.kind == JOB_EVENT and event.run_id is None
    assert [d.name for d in event.inputs] == ["in"]


def test_unicode_names():
    event = parse_event(
        run_event(job="étl.données_👩‍🔬", outputs=[{"namespace": "s3://bücher", "name": "目录/表"}]), HERE
    )
    assert event.job_name == "étl.données_👩‍🔬" and event.outputs[0].name == "目录/表"


def test_missing_required_fields_are_each_named():
    found = problems_of({"eventType": "START", "run": {}, "job": {"name": ""}})
    assert ("eventTime", "is required") in found
    assert ("producer", "is required") in found
    assert ("schemaURL", "is required") in found
    assert ("run.runId", "is required") in found
    assert ("job.namespace", "is required") in found
    assert any(f == "job.name" for f, _ in found)


def test_bad_values_say_what_was_expected():
    raw = run_event()
    raw["eventTime"] = "last tuesday"
    raw["eventType"] = "FINISHED"
    raw["outputs"] = [{"namespace": "s3://b"}, "x"]
    found = dict(problems_of(raw))
    assert "is not an ISO-8601 timestamp" in found["eventTime"]
    assert "must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER" in found["eventType"]
    assert found["outputs[0].name"] == "is required"
    assert "a dataset must be an object" in found["outputs[1]"]


def test_problem_names_file_index_and_run():
    raw = run_event(run="run-7")
    del raw["producer"]
    result = parse_event(raw, HERE)
    assert str(result[0]) == ("events.ndjson: events[3] (line 4) (id 'run-7'), field 'producer': is required")


def test_not_an_event():
    assert problems_of([1, 2]) == [(None, "an event must be a JSON object, not a list")]
    found = problems_of({"eventTime": "2024-05-01T12:00:00Z", "producer": "p", "schemaURL": "s"})
    assert "it has no run, job or dataset" in found[0][1]


def test_event_sniffing():
    assert looks_like_event(run_event())
    assert looks_like_event({"producer": "p", "schemaURL": "s"})
    assert not looks_like_event({"assets": [], "owners": []})
    assert not looks_like_event({"assets": [{"id": "x", "kind": "dataset"}]})
    assert not looks_like_event([run_event()])
