"""OpenLineage events -> mlg records: workflows, datasets, owners, edges, runs, aliases.

- A job is a `workflow` asset, id `workflow:<namespace>/<name>`; a dataset is a
  `dataset` asset, id `dataset:<namespace>/<name>`. When an asset with the same
  namespace and name already exists (in the graph, or in a manifest ingested in the
  same call) the event names that asset instead, so events and manifests meet.
- Inputs become `reads` edges (workflow -> dataset), outputs `produced_by` edges
  (dataset -> workflow), with first_seen/last_seen from the event times and source
  `openlineage:<producer>`. A job that reads and writes the same dataset gets only the
  produced_by edge (the read is kept on the run), because both would form a cycle.
- Facets: documentation -> description; ownership -> owners (team or person guessed
  from a "team:"/"user:" prefix); schema -> props.fields; datasetVersion -> version
  (and props.dataset_version); symlinks -> one asset with props.aliases (a TABLE
  symlink is the canonical name, else the name the event used; later events naming
  any alias reach the same asset); columnLineage -> props.column_lineage; jobType ->
  props.job_type/integration/processing_type; tags -> tags.
- Facets only add: an event without a documentation facet leaves the description as
  it is, tags and owners are added to those the asset has.
- RunEvents become runs (see mlg.openlineage.runs), merged with the run as stored.

Events are applied in event-time order, so replaying a stream gives the same graph.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mlg.batch import Batch, Location
from mlg.openlineage.events import DATASET_EVENT, RUN_EVENT, DatasetRef, LineageEvent
from mlg.openlineage.records import existing_aliases, existing_io, existing_runs
from mlg.openlineage.runs import merge_runs, run_from_event, stored_run
from mlg.schema import DEFAULT_OWNER_ROLE

if TYPE_CHECKING:
    from mlg.graph import Graph

DATASET_KINDS = ("dataset", "feature", "model")
SOURCE_PREFIX = "openlineage:"
MAX_SQL_CHARS = 8_000
TEAM_PREFIXES = ("team", "group", "squad", "org")
PERSON_PREFIXES = ("user", "person", "email", "mailto")
_UNSET = object()


def workflow_id(namespace: str, name: str) -> str:
    return f"workflow:{namespace}/{name}"


def dataset_id(namespace: str, name: str) -> str:
    return f"dataset:{namespace}/{name}"


@dataclass
class Mapped:
    """What a list of events becomes."""

    batch: Batch  # the records of the events' own assets, owners, edges, runs, aliases
    # manifest records of the same ingest, with what the events add to them, by asset id
    manifest_assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    runs_added: int = 0
    runs_updated: int = 0


def map_events(events: list[LineageEvent], index: AssetIndex) -> Mapped:
    """Turn valid events into records; `index` knows the assets that already exist."""
    ordered = sorted(events, key=lambda e: e.event_time)  # stable: file order breaks ties
    index.prepare(ordered)
    builder = _Builder(index)
    for event in ordered:
        builder.add(event)
    return builder.finish()


# -- what already exists ---------------------------------------------------------------------


class AssetIndex:
    """The assets, aliases, owners and runs the events may refer to: in the graph, or in
    manifest records ingested in the same call (`pending`)."""

    def __init__(self, graph: Graph | None, pending: Batch | None = None):
        self.graph = graph
        self.empty = graph is None or graph.store.is_empty()
        self.pending: dict[str, dict[str, Any]] = {}
        self.pending_owners: dict[str, dict[str, Any]] = {}
        for record, _ in pending.assets if pending else ():
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                self.pending.setdefault(record["id"], record)
        for record, _ in pending.owners if pending else ():
            if isinstance(record, dict) and isinstance(record.get("id"), str):
                self.pending_owners.setdefault(record["id"], record)
        self._by_name: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.aliases: dict[str, str] = {}
        self._owners: list[dict[str, Any]] | None = None

    def prepare(self, events: list[LineageEvent]) -> None:
        """Look up, in one query each, every name the events use."""
        keys: set[tuple[str, str]] = set()
        for event in events:
            if event.job_name is not None:
                keys.add((event.job_namespace, event.job_name))
            parent = _parent_job(event)
            if parent:
                keys.add(parent)
            for ref in _datasets_of(event):
                keys.update(_identifiers(ref))
                keys.update(_column_inputs(ref))
        for asset_id, record in self.pending.items():
            ns, name = record.get("namespace"), record.get("name", asset_id)
            if isinstance(ns, str) and isinstance(name, str):
                self._by_name.setdefault((ns, name), []).append(
                    {
                        "id": asset_id,
                        "kind": record.get("kind"),
                        "version": _text(record.get("version")),
                        "created_at": None,
                        "pending": True,
                    }
                )
        if self.empty or not keys:
            return
        names = sorted({name for _, name in keys})
        rows = self.graph.store.assets_named(names).to_pylist()
        for row in rows:
            row["version"] = row["version"] or None  # stored blank for NULL (schema.BLANK_FOR_NULL)
            key = (row.pop("namespace") or None, row.pop("name"))
            if key in keys and row["id"] not in self.pending:
                self._by_name.setdefault(key, []).append({**row, "pending": False})
        self.aliases.update(existing_aliases(self.graph, {dataset_id(*k) for k in keys}))

    def find(
        self, namespace: str, name: str, kinds: tuple[str, ...], version: str | None = None
    ) -> str | None:
        """The id of the existing asset of one of `kinds` named namespace/name, if any."""
        found = [c for c in self._by_name.get((namespace, name), ()) if c["kind"] in kinds]
        if not found:
            return None
        if version is not None:
            for c in found:
                if c["version"] == version:
                    return c["id"]
        # manifests of this ingest first, then the latest version in the graph
        found.sort(key=lambda c: (c["pending"], c["created_at"] or datetime.min, c["id"]))
        return found[-1]["id"]

    def add_name(self, namespace: str, name: str, asset_id: str, kind: str) -> None:
        self._by_name.setdefault((namespace, name), []).append(
            {"id": asset_id, "kind": kind, "version": None, "created_at": datetime.max, "pending": True}
        )

    def rows(self, ids: set[str]) -> dict[str, dict[str, Any]]:
        """The graph's rows of the assets among `ids` (props decoded)."""
        ids = {i for i in ids if i not in self.pending}
        if self.empty or not ids:
            return {}
        rows = self.graph.store.asset_rows(ids).to_pylist()
        blank = ("namespace", "family", "version", "description", "domain")  # schema.BLANK_FOR_NULL
        return {
            r["id"]: {
                **r,
                **{n: r[n] or None for n in blank},
                "props": json.loads(r["props"] or "{}"),
                "tags": list(r["tags"] or ()),
            }
            for r in rows
        }

    def ownerships(self, ids: set[str]) -> dict[str, list[tuple[str, str]]]:
        ids = {i for i in ids if i not in self.pending}
        if self.empty or not ids:
            return {}
        return self.graph.store.ownerships(ids)

    def owners(self) -> list[dict[str, Any]]:
        """Every known owner: few enough to match OpenLineage owner names in Python."""
        if self._owners is None:
            self._owners = (
                []
                if self.graph is None
                else [
                    {"id": o.id, "kind": o.kind, "name": o.name, "email": o.email}
                    for o in self.graph.store.all_owners()
                ]
            )
            self._owners += [r for r in self.pending_owners.values()]
        return self._owners

    def runs(self, ids: set[str]) -> dict[str, dict[str, Any]]:
        if self.empty or not ids:
            return {}
        io = existing_io(self.graph, ids)
        return {
            run_id: stored_run(row, io.get(run_id)) for run_id, row in existing_runs(self.graph, ids).items()
        }

    def reverse_edges(self, pairs: set[tuple[str, str]], rtype: str) -> set[tuple[str, str]]:
        """The (a, b) among `pairs` with an edge b -rtype-> a in the graph."""
        if self.empty or not pairs:
            return set()
        found = self.graph.store.edges_present((b, a, rtype) for a, b in pairs)
        return {(a, b) for b, a, _ in found}


# -- building records -------------------------------------------------------------------------


@dataclass
class _Draft:
    """What the events say about one asset, to lay over what it already is."""

    id: str
    kind: str
    namespace: str
    name: str
    location: Location
    first_seen: datetime
    description: Any = _UNSET
    dataset_version: str | None = None
    tags: list[str] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)
    aliases: set[str] = field(default_factory=set)
    owners: list[tuple[str, str]] | None = None


class _Builder:
    def __init__(self, index: AssetIndex):
        self.index = index
        self.drafts: dict[str, _Draft] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.runs: dict[str, tuple[dict[str, Any], Location]] = {}
        self.aliases: dict[str, tuple[str, Location]] = {}
        self.new_owners: dict[str, tuple[dict[str, Any], Location]] = {}

    # events

    def add(self, event: LineageEvent) -> None:
        if event.kind == DATASET_EVENT:
            self._dataset(event.dataset, event)
            return
        workflow = self._workflow(event)
        inputs = [self._dataset(ref, event) for ref in event.inputs]
        outputs = [self._dataset(ref, event) for ref in event.outputs]
        for dataset in inputs:
            self._edge(workflow, dataset, "reads", event)
        for dataset in outputs:
            self._edge(dataset, workflow, "produced_by", event)
        if event.kind == RUN_EVENT:
            io_facets = {
                asset: ref.io_facets
                for asset, ref in zip(inputs + outputs, event.inputs + event.outputs)
                if ref.io_facets
            }
            row = run_from_event(event, workflow, inputs, outputs, io_facets)
            previous = self.runs.get(event.run_id)
            if previous is None:
                self.runs[event.run_id] = (row, event.location)
            else:
                self.runs[event.run_id] = (merge_runs(previous[0], row), previous[1])

    def _workflow(self, event: LineageEvent) -> str:
        ns, name = event.job_namespace, event.job_name
        asset_id = self.index.find(ns, name, ("workflow",)) or workflow_id(ns, name)
        draft = self._draft(asset_id, "workflow", ns, name, event)
        facets = event.job_facets
        self._common_facets(draft, facets, event)
        job_type = facets.get("jobType", {})
        for key, prop in (
            ("jobType", "job_type"),
            ("integration", "integration"),
            ("processingType", "processing_type"),
        ):
            if isinstance(job_type.get(key), str):
                draft.props[prop] = job_type[key]
        location = facets.get("sourceCodeLocation", {})
        url = location.get("url") or location.get("repoUrl")
        if isinstance(url, str):
            draft.props["source_code_url"] = url
        language = facets.get("sourceCode", {}).get("language")
        if isinstance(language, str):
            draft.props["language"] = language
        query = facets.get("sql", {}).get("query")
        if isinstance(query, str):
            draft.props["sql"] = query[:MAX_SQL_CHARS]
        parent = _parent_job(event)
        if parent and parent != (ns, name):
            draft.props["parent"] = self.index.find(*parent, ("workflow",)) or workflow_id(*parent)
        return asset_id

    def _dataset(self, ref: DatasetRef, event: LineageEvent) -> str:
        facets = ref.facets
        version = _text(facets.get("version", {}).get("datasetVersion"))
        identifiers = _identifiers(ref)
        # an asset that already has one of the names wins; else a TABLE symlink (the
        # warehouse name) is the canonical name, else the name the event used
        asset_id = next(
            filter(
                None,
                (
                    self._named(ns, name, version) or self.index.aliases.get(dataset_id(ns, name))
                    for ns, name in identifiers
                ),
            ),
            None,
        )
        ns, name = identifiers[0]
        if asset_id is None:
            tables = sorted(k for k, t in zip(identifiers[1:], _symlink_types(ref)) if t == "TABLE")
            ns, name = tables[0] if tables else identifiers[0]
            asset_id = dataset_id(ns, name)
            self.index.add_name(ns, name, asset_id, "dataset")
        draft = self._draft(asset_id, "dataset", ns, name, event)
        for other_ns, other_name in identifiers:
            if self._named(other_ns, other_name, None) is not None:
                continue  # the asset's own name, or another asset's
            alias = dataset_id(other_ns, other_name)
            draft.aliases.add(f"{other_ns}/{other_name}")
            self.index.aliases[alias] = asset_id
            self.aliases.setdefault(alias, (asset_id, event.location))
        self._common_facets(draft, facets, event)
        if version is not None:
            draft.dataset_version = version
        fields = facets.get("schema", {}).get("fields")
        if isinstance(fields, list):
            draft.props["fields"] = _fields(fields)
        lineage = facets.get("columnLineage", {}).get("fields")
        if isinstance(lineage, dict):
            draft.props["column_lineage"] = self._column_lineage(lineage)
        source = facets.get("dataSource", {})
        if isinstance(source.get("uri") or source.get("name"), str):
            draft.props["datasource"] = source.get("uri") or source.get("name")
        for facet, key, prop in (
            ("storage", "storageLayer", "storage_layer"),
            ("storage", "fileFormat", "file_format"),
            ("datasetType", "datasetType", "dataset_type"),
            ("lifecycleStateChange", "lifecycleStateChange", "lifecycle_state"),
        ):
            value = facets.get(facet, {}).get(key)
            if isinstance(value, str):
                draft.props[prop] = value
        return asset_id

    def _named(self, ns: str, name: str, version: str | None) -> str | None:
        """The asset whose own namespace and name these are (not an alias)."""
        own_id = dataset_id(ns, name)
        return self.index.find(ns, name, DATASET_KINDS, version) or (
            own_id if own_id in self.drafts else None
        )

    def _resolve(self, ns: str, name: str) -> str:
        return (
            self._named(ns, name, None)
            or self.index.aliases.get(dataset_id(ns, name))
            or dataset_id(ns, name)
        )

    def _draft(self, asset_id: str, kind: str, ns: str, name: str, event: LineageEvent) -> _Draft:
        draft = self.drafts.get(asset_id)
        if draft is None:
            draft = _Draft(asset_id, kind, ns, name, event.location, event.event_time)
            self.drafts[asset_id] = draft
        return draft

    def _common_facets(self, draft: _Draft, facets: dict[str, Any], event: LineageEvent) -> None:
        description = facets.get("documentation", {}).get("description")
        if isinstance(description, str):
            draft.description = description
        owners = facets.get("ownership", {}).get("owners")
        if isinstance(owners, list):
            for owner in owners:
                if isinstance(owner, dict) and isinstance(owner.get("name"), str) and owner["name"].strip():
                    self._owner(draft, owner, event.location)
        tags = facets.get("tags", {}).get("tags")
        if isinstance(tags, list):
            for tag in tags:
                text = _tag(tag)
                if text and text not in draft.tags:
                    draft.tags.append(text)

    def _owner(self, draft: _Draft, owner: dict[str, Any], location: Location) -> None:
        owner_id = self._owner_id(owner["name"].strip(), location)
        role = owner.get("type")
        role = role.strip().lower() if isinstance(role, str) and role.strip() else DEFAULT_OWNER_ROLE
        draft.owners = draft.owners or []
        if all(o != owner_id for o, _ in draft.owners):
            draft.owners.append((owner_id, role))

    def _owner_id(self, raw: str, location: Location) -> str:
        prefix, sep, rest = raw.partition(":")
        prefix = prefix.strip().lower()
        if sep and (prefix in TEAM_PREFIXES or prefix in PERSON_PREFIXES):
            bare = rest.strip()
            kind = "team" if prefix in TEAM_PREFIXES else "person"
        else:
            bare = raw
            kind = "person" if "@" in raw or " " in raw else "team"
        lowered = bare.lower()
        wanted = [raw, bare, f"{kind}-{_slug(bare)}", _slug(bare)]
        known = self.index.owners()
        for candidate in wanted:
            for o in known:
                if o["id"] == candidate:
                    return o["id"]
        for o in known:
            email = (o.get("email") or "").lower()
            if lowered in (email, (o.get("name") or "").lower()) or (
                "@" not in lowered and email.split("@")[0] == lowered and o.get("kind") == kind
            ):
                return o["id"]
        if raw not in self.new_owners:
            record = {"id": raw, "kind": kind, "name": bare}
            if "@" in bare:
                record["email"] = bare
            self.new_owners[raw] = (record, location)
            self.index.owners().append(record)
        return raw

    def _column_lineage(self, fields: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {}
        for column, spec in sorted(fields.items()):
            inputs = spec.get("inputFields") if isinstance(spec, dict) else None
            if not isinstance(inputs, list):
                continue
            kept = []
            for item in inputs:
                if not (
                    isinstance(item, dict)
                    and all(isinstance(item.get(k), str) for k in ("namespace", "name", "field"))
                ):
                    continue
                source = self._resolve(item["namespace"], item["name"])
                entry: dict[str, Any] = {"dataset": source, "field": item["field"]}
                transformations = item.get("transformations")
                if isinstance(transformations, list) and transformations:
                    entry["transformations"] = [
                        {k: t[k] for k in ("type", "subtype", "description", "masking") if k in t}
                        for t in transformations
                        if isinstance(t, dict)
                    ]
                elif isinstance(spec.get("transformationType"), str):
                    entry["transformations"] = [{"type": spec["transformationType"]}]
                kept.append(entry)
            out[column] = kept
        return out

    def _edge(self, src: str, dst: str, rtype: str, event: LineageEvent) -> None:
        edge = self.edges.get((src, dst, rtype))
        if edge is None:
            self.edges[(src, dst, rtype)] = {
                "first_seen": event.event_time,
                "last_seen": event.event_time,
                "producer": event.producer,
                "location": event.location,
            }
            return
        edge["first_seen"] = min(edge["first_seen"], event.event_time)
        if event.event_time >= edge["last_seen"]:
            edge["last_seen"] = event.event_time
            edge["producer"] = event.producer

    # records

    def finish(self) -> Mapped:
        index = self.index
        batch = Batch()
        mapped = Mapped(batch)
        rows = index.rows(set(self.drafts))
        owned = index.ownerships({d.id for d in self.drafts.values() if d.owners})
        for draft in self.drafts.values():
            pending = index.pending.get(draft.id)
            if pending is not None:
                mapped.manifest_assets[draft.id] = _overlay(dict(pending), draft, "manifest")
            elif draft.id in rows:
                # updated_at left out: the writer stamps it when the content changes
                record = {k: v for k, v in rows[draft.id].items() if k != "updated_at"}
                if record["created_at"] is not None and draft.first_seen < record["created_at"]:
                    record["created_at"] = draft.first_seen  # seen earlier than known
                batch.assets.append(
                    (_overlay(record, draft, "graph", owned.get(draft.id, [])), draft.location)
                )
            else:
                record = {
                    "id": draft.id,
                    "kind": draft.kind,
                    "name": draft.name,
                    "namespace": draft.namespace,
                    "created_at": draft.first_seen,
                }
                batch.assets.append((_overlay(record, draft, "new"), draft.location))
        for record, location in self.new_owners.values():
            batch.owners.append((record, location))
        self._relations(batch)
        stored = index.runs(set(self.runs))
        for run_id, (row, location) in self.runs.items():
            old = stored.get(run_id)
            merged = merge_runs(old, row) if old is not None else row
            if old is not None and merged == old:
                continue
            if old is None:
                mapped.runs_added += 1
            else:
                mapped.runs_updated += 1
            batch.runs.append(
                (
                    {**merged, "inputs": sorted(merged["inputs"]), "outputs": sorted(merged["outputs"])},
                    location,
                )
            )
        for alias, (asset_id, location) in self.aliases.items():
            batch.aliases.append(({"id": alias, "asset": asset_id}, location))
        return mapped

    def _relations(self, batch: Batch) -> None:
        produced = {(dst, src) for src, dst, rtype in self.edges if rtype == "produced_by"}
        reads = {(src, dst) for src, dst, rtype in self.edges if rtype == "reads"}
        # a job that writes what it reads: keep produced_by only (see module docstring)
        skip = (reads & produced) | self.index.reverse_edges(reads - produced, "produced_by")
        for (src, dst, rtype), edge in self.edges.items():
            if rtype == "reads" and (src, dst) in skip:
                continue
            batch.relations.append(
                (
                    {
                        "from": src,
                        "to": dst,
                        "type": rtype,
                        "source": SOURCE_PREFIX + edge["producer"],
                        "first_seen": edge["first_seen"],
                        "last_seen": edge["last_seen"],
                    },
                    edge["location"],
                )
            )


def _overlay(
    record: dict[str, Any], draft: _Draft, origin: str, owners: list[tuple[str, str]] = ()
) -> dict[str, Any]:
    """`record` (an asset "new" from the events, as the "graph" holds it, or a "manifest"
    record of the same ingest) with what the events say laid over it. A manifest
    record's fields of the wrong shape are left as they are for validation to report."""
    if draft.description is not _UNSET:
        record["description"] = draft.description
    if draft.tags and isinstance(record.get("tags", []), list | tuple | type(None)):
        record["tags"] = list(dict.fromkeys([*(record.get("tags") or []), *draft.tags]))
    props = record.get("props")
    if isinstance(props, dict | type(None)):
        props = dict(props or {})
        previous_version = props.get("dataset_version")
        props.update(draft.props)
        if draft.aliases:
            props["aliases"] = sorted(set(props.get("aliases") or ()) | draft.aliases)
        if draft.dataset_version is not None:
            props["dataset_version"] = draft.dataset_version
            # the version column follows the dataset's own version, unless a manifest
            # gave the asset a version of its own
            if (
                origin == "new"
                or record.get("version") is None
                or (origin == "graph" and record["version"] == previous_version)
            ):
                record["version"] = draft.dataset_version
        if props or "props" in record:
            record["props"] = props
    if draft.owners and isinstance(record.get("owners", []), list | type(None)):
        current = (
            [{"id": o, "role": r} for o, r in owners]
            if origin == "graph"
            else list(record.get("owners") or [])
        )
        have = {o if isinstance(o, str) else o.get("id") if isinstance(o, dict) else None for o in current}
        for owner_id, role in draft.owners:
            if owner_id not in have:
                current.append(owner_id if role == DEFAULT_OWNER_ROLE else {"id": owner_id, "role": role})
                have.add(owner_id)
        record["owners"] = current
    return record


# -- facet helpers -----------------------------------------------------------------------------


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
