"""What mlg reads out of OpenLineage facets: a dataset's names (its own and its
symlinks'), the version a run read or wrote, column lineage inputs, dbt statement and
test jobs, the parent job, schema fields and tags (mlg.openlineage.mapping uses them)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from mlg.openlineage.events import DatasetRef, LineageEvent

MAX_SQL_CHARS = 8_000


def _datasets_of(event: LineageEvent) -> tuple[DatasetRef, ...]:
    if event.dataset is not None:
        return (event.dataset,)
    return event.inputs + event.outputs


def _identifiers(ref: DatasetRef) -> list[tuple[str, str]]:
    """The dataset's own name, then its symlinks."""
    found = [(ref.namespace, ref.name)]
    for ident in _symlinks(ref):
        key = (ident["namespace"], ident["name"])
        if key not in found:
            found.append(key)
    return found


def _symlinks(ref: DatasetRef) -> list[dict[str, Any]]:
    idents = ref.facets.get("symlinks", {}).get("identifiers")
    if not isinstance(idents, list):
        return []
    return [
        i
        for i in idents
        if isinstance(i, dict)
        and isinstance(i.get("namespace"), str)
        and isinstance(i.get("name"), str)
        and i["namespace"]
        and i["name"]
    ]


def _symlink_types(ref: DatasetRef) -> list[str]:
    seen = {(ref.namespace, ref.name)}
    types = []
    for ident in _symlinks(ref):
        key = (ident["namespace"], ident["name"])
        if key not in seen:
            seen.add(key)
            kind = ident.get("type")
            types.append(kind.upper() if isinstance(kind, str) else "")
    return types


def _column_inputs(ref: DatasetRef) -> set[tuple[str, str]]:
    fields = ref.facets.get("columnLineage", {}).get("fields")
    keys = set()
    if isinstance(fields, dict):
        for spec in fields.values():
            for item in (spec.get("inputFields") or []) if isinstance(spec, dict) else []:
                if (
                    isinstance(item, dict)
                    and isinstance(item.get("namespace"), str)
                    and isinstance(item.get("name"), str)
                ):
                    keys.add((item["namespace"], item["name"]))
    return keys


def _version_read_or_written(ref: DatasetRef) -> str | None:
    """The dataset version a run read or wrote: the datasetVersion facet (Delta, Iceberg
    and most integrations), else the Iceberg snapshot of its scan or commit report."""
    version = _text(ref.facets.get("version", {}).get("datasetVersion"))
    if version is not None:
        return version
    for facet in ("icebergScanReport", "icebergCommitReport"):
        report = ref.io_facets.get(facet)
        if isinstance(report, dict) and _text(report.get("snapshotId")) is not None:
            return _text(report["snapshotId"])
    return None


_STATEMENT = re.compile(r"^(?P<node>.+)\.sql\.(?P<n>\d+)$")


def _folded_statement(event: LineageEvent) -> LineageEvent:
    """A dbt statement job (`model.x.y.sql.3`, a child of the `model.x.y` job) as an event
    of its model's run: no workflow and no run of its own, its SQL kept on the model's
    run as the `dbt_statement_<n>` facet."""
    match = _STATEMENT.match(event.job_name or "")
    parent = event.run_facets.get("parent", {})
    parent_run = parent.get("run", {}).get("runId") if isinstance(parent.get("run"), dict) else None
    if (
        match is None
        or _parent_job(event) != (event.job_namespace, match["node"])
        or not isinstance(parent_run, str)
    ):
        return event
    run_facets = {k: v for k, v in event.run_facets.items() if k != "parent"}
    query = event.job_facets.get("sql", {}).get("query")
    if isinstance(query, str):
        run_facets[f"dbt_statement_{match['n']}"] = {"sql": query[:MAX_SQL_CHARS]}
    return replace(event, job_name=match["node"], run_id=parent_run, run_facets=run_facets, job_facets={})


def _is_dbt_test(event: LineageEvent) -> bool:
    job_type = event.job_facets.get("jobType", {})
    return (
        (job_type.get("jobType") == "TEST" and str(job_type.get("integration", "")).upper() == "DBT")
        or (event.job_name or "").startswith("test.")
        and event.producer.find("dbt") >= 0
    )


def _assertions(ref: DatasetRef) -> dict[str, Any]:
    """A dbt test's results on the dataset it checked: the dataQualityAssertions facet
    (a dataset facet in recent dbt integrations, an input facet before)."""
    found = ref.facets.get("dataQualityAssertions") or ref.io_facets.get("dataQualityAssertions")
    return {"dataQualityAssertions": found} if isinstance(found, dict) else {}


def _input_columns(inputs: list[Any], transformation_type: Any) -> list[dict[str, Any]]:
    """Input columns of the columnLineage facet, kept by name and resolved when read
    (mlg.openlineage.columns): which asset a name stands for can change later (a
    symlink), the name cannot."""
    kept = []
    for item in inputs:
        if not (
            isinstance(item, dict)
            and all(isinstance(item.get(k), str) for k in ("namespace", "name", "field"))
        ):
            continue
        entry: dict[str, Any] = {"namespace": item["namespace"], "name": item["name"], "field": item["field"]}
        transformations = item.get("transformations")
        if isinstance(transformations, list) and transformations:
            entry["transformations"] = [
                {k: t[k] for k in ("type", "subtype", "description", "masking") if k in t}
                for t in transformations
                if isinstance(t, dict)
            ]
        elif isinstance(transformation_type, str):
            entry["transformations"] = [{"type": transformation_type}]
        kept.append(entry)
    return kept


def _parent_job(event: LineageEvent) -> tuple[str, str] | None:
    job = event.run_facets.get("parent", {}).get("job")
    if isinstance(job, dict) and isinstance(job.get("namespace"), str) and isinstance(job.get("name"), str):
        return job["namespace"], job["name"]
    return None


def _fields(fields: list[Any]) -> list[dict[str, Any]]:
    out = []
    for f in fields:
        if not isinstance(f, dict) or not isinstance(f.get("name"), str):
            continue
        entry = {k: f[k] for k in ("name", "type", "description") if isinstance(f.get(k), str)}
        if isinstance(f.get("fields"), list) and f["fields"]:
            entry["fields"] = _fields(f["fields"])
        out.append(entry)
    return out


def _tag(tag: Any) -> str | None:
    if isinstance(tag, str):
        return tag.strip() or None
    if not isinstance(tag, dict) or not isinstance(tag.get("key"), str) or tag.get("field"):
        return None  # a column's tag is not the dataset's
    key, value = tag["key"].strip(), tag.get("value")
    if not key:
        return None
    if value is None or value is True or (isinstance(value, str) and value.strip().lower() in ("", "true")):
        return key
    return f"{key}:{value}"


def _text(value: Any) -> str | None:
    if value is None or isinstance(value, bool):
        return None
    return str(value) if isinstance(value, str | int | float) else None


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9._@-]+", "-", text.lower()).strip("-")
