"""OpenLineage events: parsed and checked against the spec's required fields.

A RunEvent (spec 1.x and 2.x) needs eventTime, producer, schemaURL, run.runId,
job.namespace and job.name; spec 2.x adds DatasetEvent (a `dataset` with namespace
and name, no run, no job) and JobEvent (a `job`, no run). eventType is optional in
the spec; when given it must be one of START, RUNNING, COMPLETE, ABORT, FAIL, OTHER.

Facets are read leniently, the way real integrations emit them: `_producer` and
`_schemaURL` may be missing, unknown facets are kept as they are, and a facet of the
wrong shape is ignored rather than rejecting the whole event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mlg.batch import Location
from mlg.errors import Problem
from mlg.limits import Limits, type_name, value_problem
from mlg.schema import RUN_STATES

EVENT_TYPES: tuple[str, ...] = RUN_STATES  # the states a run record may hold (mlg.schema)
TERMINAL_STATES = frozenset({"COMPLETE", "ABORT", "FAIL"})

RUN_EVENT, JOB_EVENT, DATASET_EVENT = "RunEvent", "JobEvent", "DatasetEvent"


@dataclass(frozen=True)
class DatasetRef:
    """A dataset as an event names it: an input, an output, or a DatasetEvent's dataset."""

    namespace: str
    name: str
    facets: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    # inputFacets / outputFacets: about this run's use of the dataset (row counts, ...)
    io_facets: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class LineageEvent:
    """One valid event, normalised: naive UTC times, facets as plain dicts."""

    kind: str  # RUN_EVENT, JOB_EVENT or DATASET_EVENT
    event_time: datetime
    producer: str
    schema_url: str
    location: Location
    event_type: str | None = None
    run_id: str | None = None
    run_facets: dict[str, Any] = field(default_factory=dict)
    job_namespace: str | None = None
    job_name: str | None = None
    job_facets: dict[str, Any] = field(default_factory=dict)
    inputs: tuple[DatasetRef, ...] = ()
    outputs: tuple[DatasetRef, ...] = ()
    dataset: DatasetRef | None = None  # DatasetEvent only


def looks_like_event(value: Any) -> bool:
    """True when a JSON value is shaped like an OpenLineage event rather than a manifest."""
    if not isinstance(value, dict):
        return False
    if value.keys() & {"assets", "owners", "relations"}:
        return False
    return (
        "eventType" in value
        or {"run", "job"} <= value.keys()
        or {"producer", "schemaURL"} <= value.keys()
        or ("eventTime" in value and bool(value.keys() & {"run", "job", "dataset"}))
    )


def parse_event(raw: Any, location: Location) -> LineageEvent | list[Problem]:
    """The event, or every problem that makes it invalid (each naming the field)."""
    checker = _Checker(location)
    if not isinstance(raw, dict):
        checker.add(None, f"an event must be a JSON object, not {_json_type(raw)}")
        return checker.problems
    kind = _event_kind(raw)
    checker.record_id = _record_id(raw)
    # Depth, size and text that cannot be stored (a lone surrogate in a runId killed the
    # receiver's applier once): refused here, before anything is acknowledged or mapped.
    hostile = value_problem(raw, Limits.current())
    if hostile is not None:
        checker.add(hostile[0] or None, hostile[1])
        return checker.problems
    event_time = checker.timestamp(raw, "eventTime")
    producer = checker.text(raw, "producer")
    schema_url = checker.text(raw, "schemaURL")
    if kind is None:
        checker.add(
            None,
            "is not an OpenLineage event: it has no run, job or dataset "
            "(a RunEvent needs run and job, a JobEvent job, a DatasetEvent dataset)",
        )
        return checker.problems
    event_type = None
    if "eventType" in raw and raw["eventType"] is not None and kind == RUN_EVENT:
        value = raw["eventType"]
        if isinstance(value, str) and value.upper() in EVENT_TYPES:
            event_type = value.upper()
        else:
            checker.add("eventType", f"must be one of {', '.join(EVENT_TYPES)}, got {_short(value)}")
    run_id, run_facets = None, {}
    if kind == RUN_EVENT:
        run = checker.mapping(raw, "run", required=True)
        if run is not None:
            run_id = checker.text(run, "runId", prefix="run.")
            run_facets = checker.facets(run, "run.facets")
    job_namespace = job_name = None
    job_facets: dict[str, Any] = {}
    if kind in (RUN_EVENT, JOB_EVENT):
        job = checker.mapping(raw, "job", required=True)
        if job is not None:
            job_namespace = checker.text(job, "namespace", prefix="job.")
            job_name = checker.text(job, "name", prefix="job.")
            job_facets = checker.facets(job, "job.facets")
    inputs = outputs = ()
    dataset = None
    if kind == DATASET_EVENT:
        value = checker.mapping(raw, "dataset", required=True)
        if value is not None:
            dataset = checker.dataset(value, "dataset", None)
    else:
        inputs = checker.datasets(raw, "inputs", "inputFacets")
        outputs = checker.datasets(raw, "outputs", "outputFacets")
    if checker.problems:
        return checker.problems
    return LineageEvent(
        kind=kind,
        event_time=event_time,
        producer=producer,
        schema_url=schema_url,
        location=location,
        event_type=event_type,
        run_id=run_id,
        run_facets=run_facets,
        job_namespace=job_namespace,
        job_name=job_name,
        job_facets=job_facets,
        inputs=inputs,
        outputs=outputs,
        dataset=dataset,
    )


def parse_timestamp(value: str) -> datetime | None:
    """An RFC 3339 / ISO-8601 time as naive UTC; nanoseconds are cut to microseconds,
    a time without a zone is taken as UTC. None when it is not a timestamp."""
    text = value.strip()
    if not text:
        return None
    if text[-1] in "zZ":
        text = text[:-1] + "+00:00"
    try:
        parsed = datetime.fromisoformat(text)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    except (ValueError, OverflowError):  # 0001-01-01T00:00:00+01:00 is before year 1 in UTC
        return None
    return parsed


# -- checking -----------------------------------------------------------------------------


def _event_kind(raw: dict[str, Any]) -> str | None:
    url = raw.get("schemaURL")
    if isinstance(url, str):
        # ".../OpenLineage.json#/$defs/JobEvent" (2.x) or "#/definitions/RunEvent" (1.x)
        fragment = url.rsplit("/", 1)[-1]
        if fragment in (RUN_EVENT, JOB_EVENT, DATASET_EVENT):
            return fragment
    if "run" in raw:
        return RUN_EVENT
    if "dataset" in raw and "job" not in raw:
        return DATASET_EVENT
    if "job" in raw:
        return JOB_EVENT
    return None


def _record_id(raw: dict[str, Any]) -> str | None:
    run = raw.get("run")
    if isinstance(run, dict) and isinstance(run.get("runId"), str):
        return run["runId"]
    for key in ("job", "dataset"):
        value = raw.get(key)
        if isinstance(value, dict) and isinstance(value.get("name"), str):
            return value["name"]
    return None


class _Checker:
    def __init__(self, location: Location):
        self.location = location
        self.record_id: str | None = None
        self.problems: list[Problem] = []

    def add(self, fld: str | None, message: str) -> None:
        self.problems.append(Problem(self.location.file, self.location.record, self.record_id, fld, message))

    def text(self, obj: dict[str, Any], key: str, prefix: str = "") -> str | None:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value
        self.add(
            prefix + key,
            "is required" if key not in obj else f"expected a non-empty string, got {_short(value)}",
        )
        return None

    def timestamp(self, obj: dict[str, Any], key: str) -> datetime | None:
        value = obj.get(key)
        if not isinstance(value, str):
            self.add(
                key,
                "is required"
                if key not in obj
                else f"expected an ISO-8601 timestamp string, got {_short(value)}",
            )
            return None
        parsed = parse_timestamp(value)
        if parsed is None:
            self.add(
                key,
                f"{_short(value)} is not an ISO-8601 timestamp between years 1 and 9999 in UTC "
                "(e.g. 2024-05-01T12:00:00.000Z)",
            )
        return parsed

    def mapping(
        self, obj: dict[str, Any], key: str, prefix: str = "", required: bool = False
    ) -> dict[str, Any] | None:
        value = obj.get(key)
        if isinstance(value, dict):
            return value
        if value is None and not required:
            return None
        self.add(
            prefix + key, "is required" if key not in obj else f"expected an object, got {_json_type(value)}"
        )
        return None

    def facets(self, obj: dict[str, Any], where: str, key: str = "facets") -> dict[str, Any]:
        value = obj.get(key)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.add(where, f"expected an object of facets, got {_json_type(value)}")
            return {}
        # a facet that is not an object carries nothing we can use; a deleted one
        # ({"_deleted": true}) says the facet no longer applies
        return {
            name: facet
            for name, facet in value.items()
            if isinstance(facet, dict) and not facet.get("_deleted")
        }

    def datasets(self, raw: dict[str, Any], key: str, io_key: str) -> tuple[DatasetRef, ...]:
        value = raw.get(key)
        if value is None:
            return ()
        if not isinstance(value, list):
            self.add(key, f"expected a list of datasets, got {_json_type(value)}")
            return ()
        found = []
        for i, item in enumerate(value):
            where = f"{key}[{i}]"
            if not isinstance(item, dict):
                self.add(where, f"a dataset must be an object, got {_json_type(item)}")
                continue
            ref = self.dataset(item, where, io_key)
            if ref is not None:
                found.append(ref)
        return tuple(found)

    def dataset(self, item: dict[str, Any], where: str, io_key: str | None) -> DatasetRef | None:
        namespace = self.text(item, "namespace", prefix=f"{where}.")
        name = self.text(item, "name", prefix=f"{where}.")
        facets = self.facets(item, f"{where}.facets")
        io_facets = self.facets(item, f"{where}.{io_key}", io_key) if io_key else {}
        if namespace is None or name is None:
            return None
        return DatasetRef(namespace, name, facets, io_facets)


def _short(value: Any) -> str:
    if isinstance(value, dict | list) or value is None:
        return _json_type(value)
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _json_type(value: object) -> str:
    return type_name(value, mapping="an object")  # JSON calls a mapping an object
