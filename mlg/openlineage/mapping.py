"""OpenLineage events -> mlg records: workflows, datasets, owners, edges, runs, aliases.

- A job is a `workflow` asset, id `workflow:<namespace>/<name>`; a dataset is a
  `dataset` asset, id `dataset:<namespace>/<name>`, the namespace escaped so that no
  two (namespace, name) pairs share an id (mlg.qualified_ids). When an asset with the same
  namespace and name already exists (in the graph, or in a manifest ingested in the
  same call) the event names that asset instead, so events and manifests meet.
- Inputs become `reads` edges (workflow -> dataset), outputs `produced_by` edges
  (dataset -> workflow), with first_seen/last_seen from the event times and source
  `openlineage:<producer>`. A job that reads and writes the same dataset (a MERGE)
  gets both edges: cycles are lineage (DESIGN §2).
- Facets: documentation -> description; ownership -> owners (team or person guessed
  from a "team:"/"user:" prefix); schema -> props.fields; datasetVersion -> version
  (and props.dataset_version); symlinks -> one asset with props.aliases; columnLineage
  -> props.column_lineage; jobType -> props.job_type/integration/processing_type;
  tags -> tags.
- Facets only add: an event without a documentation facet leaves the description as
  it is, tags and owners are added to those the asset has.
- Newest eventTime wins, per field, across calls: each field set from an event keeps
  the time of that event (props["_times"], hidden from readers); an older event that
  arrives later sets only the fields no newer event set. At equal times the larger
  value (as canonical JSON) wins, so no order of arrival changes the result.
- Symlinks: every name a dataset goes by (its own and its symlinks') forms one group
  (kept in props["_names"], the TABLE ones in props["_tables"]). The canonical asset of
  a group: an asset a manifest declared (never merged away), else the name ever given
  as a TABLE symlink (the warehouse table), else the smallest (namespace, name). When a
  symlink links names that two assets already hold, the other asset is merged into the
  canonical one: its fields (newest wins), owners, tags, edges, runs and aliases move,
  its id becomes an alias (Graph.resolve follows aliases) and it is deleted.
- RunEvents become runs (see mlg.openlineage.runs), merged with the run as stored.

Any permutation of a stream, split into any number of ingest calls, gives the same graph
(tests/openlineage/test_order.py).

This module builds the records (_Builder); what already exists is looked up by
mlg.openlineage.asset_index, fields and their event times are kept and laid over
records by mlg.openlineage.drafts, and what is read out of facets is in
mlg.openlineage.facets.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mlg.batch import Batch, Location
from mlg.openlineage.asset_index import AssetIndex, dataset_id
from mlg.openlineage.drafts import NAMES_KEY, TABLES_KEY, _Draft, _Group, _overlay
from mlg.openlineage.events import DATASET_EVENT, RUN_EVENT, DatasetRef, LineageEvent
from mlg.openlineage.facets import (
    MAX_SQL_CHARS,
    _assertions,
    _fields,
    _folded_statement,
    _identifiers,
    _input_columns,
    _is_dbt_test,
    _parent_job,
    _slug,
    _symlink_types,
    _tag,
    _text,
    _version_read_or_written,
)
from mlg.openlineage.runs import IO_PREFIX, TIMES, VERSION_PREFIX, merge_runs, run_from_event
from mlg.qualified_ids import qualified_id
from mlg.schema import DEFAULT_OWNER_ROLE

__all__ = [
    "DATASET_KINDS",
    "AssetIndex",
    "Mapped",
    "dataset_id",
    "evaluation_id",
    "map_events",
    "workflow_id",
]

DATASET_KINDS = ("dataset", "feature", "model")
SOURCE_PREFIX = "openlineage:"
TEAM_PREFIXES = ("team", "group", "squad", "org")
PERSON_PREFIXES = ("user", "person", "email", "mailto")


def workflow_id(namespace: str, name: str) -> str:
    """A job's id (mlg.qualified_ids: the namespace escaped, so ids never collide)."""
    return qualified_id("workflow", namespace, name)


def evaluation_id(namespace: str, name: str) -> str:
    """A dbt test's id: it becomes an `evaluation` of the datasets it checks."""
    return qualified_id("evaluation", namespace, name)


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


# -- building records -------------------------------------------------------------------------


class _Builder:
    def __init__(self, index: AssetIndex):
        self.index = index
        self.drafts: dict[str, _Draft] = {}
        self.edges: dict[tuple[str, str, str], dict[str, Any]] = {}
        self.runs: dict[str, tuple[dict[str, Any], Location]] = {}
        self.aliases: dict[str, tuple[str, Location]] = {}
        self.new_owners: dict[str, tuple[dict[str, Any], Location]] = {}
        self.merged: dict[str, str] = {}  # asset id -> the asset it is merged into

    # events

    def add(self, event: LineageEvent) -> None:
        if event.kind == DATASET_EVENT:
            self._dataset(event.dataset, event)
            return
        event = _folded_statement(event)
        test = _is_dbt_test(event)
        workflow = self._workflow(event, "evaluation" if test else "workflow")
        inputs = [self._dataset(ref, event) for ref in event.inputs]
        outputs = [self._dataset(ref, event) for ref in event.outputs]
        for dataset in inputs:
            self._edge(workflow, dataset, "evaluated_on" if test else "reads", event)
        for dataset in outputs if not test else ():  # a test's audit tables stay on its runs
            self._edge(dataset, workflow, "produced_by", event)
        if event.kind == RUN_EVENT:
            io_facets = {
                asset: {**ref.io_facets, **_assertions(ref)}
                for asset, ref in zip(inputs + outputs, event.inputs + event.outputs)
                if ref.io_facets or _assertions(ref)
            }
            versions = {
                (direction, asset): version
                for direction, assets, refs in (
                    ("input", inputs, event.inputs),
                    ("output", outputs, event.outputs),
                )
                for asset, ref in zip(assets, refs)
                if (version := _version_read_or_written(ref)) is not None
            }
            row = run_from_event(event, workflow, inputs, outputs, io_facets, versions)
            previous = self.runs.get(event.run_id)
            if previous is None:
                self.runs[event.run_id] = (row, event.location)
            else:
                self.runs[event.run_id] = (merge_runs(previous[0], row), previous[1])

    def _workflow(self, event: LineageEvent, kind: str = "workflow") -> str:
        ns, name = event.job_namespace, event.job_name
        asset_id = self.index.find(ns, name, (kind,)) or (
            workflow_id(ns, name) if kind == "workflow" else evaluation_id(ns, name)
        )
        draft = self._draft(asset_id, kind, ns, name, event)
        facets = event.job_facets
        self._common_facets(draft, facets, event)
        job_type = facets.get("jobType", {})
        for key, prop in (
            ("jobType", "job_type"),
            ("integration", "integration"),
            ("processingType", "processing_type"),
        ):
            if isinstance(job_type.get(key), str):
                draft.set(prop, job_type[key], event.event_time)
        location = facets.get("sourceCodeLocation", {})
        url = location.get("url") or location.get("repoUrl")
        if isinstance(url, str):
            draft.set("source_code_url", url, event.event_time)
        language = facets.get("sourceCode", {}).get("language")
        if isinstance(language, str):
            draft.set("language", language, event.event_time)
        query = facets.get("sql", {}).get("query")
        if isinstance(query, str):
            draft.set("sql", query[:MAX_SQL_CHARS], event.event_time)
        parent = _parent_job(event)
        if parent and parent != (ns, name):
            parent_id = self.index.find(*parent, ("workflow",)) or workflow_id(*parent)
            draft.set("parent", parent_id, event.event_time)
            # the parent job is a workflow of its own, which its tasks are part of
            self._draft(parent_id, "workflow", *parent, event)
            self._edge(asset_id, parent_id, "part_of", event)
        return asset_id

    def _dataset(self, ref: DatasetRef, event: LineageEvent) -> str:
        facets = ref.facets
        version = _text(facets.get("version", {}).get("datasetVersion"))
        identifiers = _identifiers(ref)
        tables = {k for k, t in zip(identifiers[1:], _symlink_types(ref)) if t == "TABLE"}
        # the assets that already have one of the names (as their own, or as an alias)
        existing: list[str] = []
        for ns, name in identifiers:
            found = self._named(ns, name, version) or self.index.aliases.get(dataset_id(ns, name))
            if found is not None and self._canon(found) not in existing:
                existing.append(self._canon(found))
        names = set(identifiers)
        declared = []
        for other in existing:
            group = self._group(other)
            if group.declared:
                declared.append((other, group.own))
            else:
                names |= group.names
                tables |= group.tables
        # The canonical asset (DESIGN §2): an asset a manifest declared wins (the smallest
        # id if several; they are never merged); else the name given as a TABLE symlink
        # anywhere (the warehouse table), else the smallest (namespace, name). Every other
        # asset of the group is merged into it, whatever order the names arrived in.
        if declared:
            asset_id, (ns, name) = min(declared)
        else:
            ns, name = min(names, key=lambda k: (k not in tables, k))
            asset_id = dataset_id(ns, name)
        for other in existing:
            if other != asset_id and not self._group(other).declared:
                self.merged[other] = asset_id
        if asset_id not in {e for e in existing} and self.index.find(ns, name, DATASET_KINDS) is None:
            self.index.add_name(ns, name, asset_id, "dataset")
        draft = self._draft(asset_id, "dataset", ns, name, event)
        if not declared:
            draft.names |= names
            draft.tables |= tables
        for other_ns, other_name in sorted(names):
            alias = dataset_id(other_ns, other_name)
            if alias == asset_id or (other_ns, other_name) == (ns, name):
                continue
            if any(alias == d for d, _ in declared):
                continue  # another declared asset's own id
            draft.aliases.add(f"{other_ns}/{other_name}")
            self.index.aliases[alias] = asset_id
            self.aliases[alias] = (asset_id, event.location)
        self._common_facets(draft, facets, event)
        if version is not None:
            draft.set("dataset_version", version, event.event_time)
        fields = facets.get("schema", {}).get("fields")
        if isinstance(fields, list):
            draft.set("fields", _fields(fields), event.event_time)
        lineage = facets.get("columnLineage", {}).get("fields")
        if isinstance(lineage, dict):
            draft.set("column_lineage", self._column_lineage(lineage), event.event_time)
        # dataset-level column lineage: input columns that touch every column (filters,
        # join and group keys), mlg.openlineage.columns.dataset_column_inputs
        shared = facets.get("columnLineage", {}).get("dataset")
        if isinstance(shared, list):
            draft.set("column_lineage_dataset", _input_columns(shared, None), event.event_time)
        source = facets.get("dataSource", {})
        if isinstance(source.get("uri") or source.get("name"), str):
            draft.set("datasource", source.get("uri") or source.get("name"), event.event_time)
        for facet, key, prop in (
            ("storage", "storageLayer", "storage_layer"),
            ("storage", "fileFormat", "file_format"),
            ("datasetType", "datasetType", "dataset_type"),
            ("lifecycleStateChange", "lifecycleStateChange", "lifecycle_state"),
        ):
            value = facets.get(facet, {}).get(key)
            if isinstance(value, str):
                draft.set(prop, value, event.event_time)
        return asset_id

    def _named(self, ns: str, name: str, version: str | None) -> str | None:
        """The asset whose own namespace and name these are (not an alias)."""
        own_id = dataset_id(ns, name)
        found = self.index.find(ns, name, DATASET_KINDS, version) or (
            own_id if own_id in self.drafts else None
        )
        return self._canon(found) if found is not None else None

    def _canon(self, asset_id: str) -> str:
        """The asset `asset_id` was merged into in this call (itself if it was not)."""
        while asset_id in self.merged:
            asset_id = self.merged[asset_id]
        return asset_id

    def _group(self, asset_id: str) -> _Group:
        """The names an existing asset goes by and which of them were TABLE symlinks."""
        draft = self.drafts.get(asset_id)
        if draft is not None and asset_id not in self.index.pending:
            own = (draft.namespace, draft.name)
            return _Group(own, {own} | draft.names, set(draft.tables), asset_id != dataset_id(*own))
        if asset_id in self.index.pending:
            record = self.index.pending[asset_id]
            return _Group((record.get("namespace"), record.get("name")), set(), set(), True)
        row = self.index.rows({asset_id}).get(asset_id)
        if row is None:
            return _Group(None, set(), set(), True)
        own = (row["namespace"], row["name"])
        props = row["props"] if isinstance(row["props"], dict) else {}
        names = {tuple(n) for n in props.get(NAMES_KEY) or () if isinstance(n, list) and len(n) == 2}
        tables = {tuple(n) for n in props.get(TABLES_KEY) or () if isinstance(n, list) and len(n) == 2}
        declared = row["kind"] != "dataset" or own[0] is None or asset_id != dataset_id(*own)
        return _Group(own, {own} | names, tables, declared)

    def _resolve(self, ns: str, name: str) -> str:
        return self._canon(
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
            draft.set("description", description, event.event_time)
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
            if isinstance(inputs, list):
                out[column] = _input_columns(inputs, spec.get("transformationType"))
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
        if (event.event_time, event.producer) >= (edge["last_seen"], edge["producer"]):
            edge["last_seen"] = event.event_time
            edge["producer"] = event.producer

    # records

    def finish(self) -> Mapped:
        index = self.index
        batch = Batch()
        mapped = Mapped(batch)
        gone = self._fold_merges()
        for old in sorted(gone):
            batch.merges.append(
                ({"id": old, "into": self._canon(old)}, self.drafts[self._canon(old)].location)
            )
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
            merged = self._canon_run(merge_runs(old, row) if old is not None else row)
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
        for alias, (asset_id, location) in sorted(self.aliases.items()):
            if alias != self._canon(asset_id):
                batch.aliases.append(({"id": alias, "asset": self._canon(asset_id)}, location))
        return mapped

    def _fold_merges(self) -> set[str]:
        """Fold every asset merged in this call into the one it merges into: drafts of
        this call, and assets the graph holds (their fields with the times that set
        them, owners, tags, edges, runs and aliases). Returns the graph's merged ids."""
        if not self.merged:
            return set()
        canon = self._canon
        for old in sorted(self.merged):
            draft = self.drafts.pop(old, None)
            if draft is not None:
                self.drafts[canon(old)].fold(draft)
        index = self.index
        rows = index.rows(set(self.merged))
        owned = index.ownerships(set(rows))
        for old, row in sorted(rows.items()):
            self.drafts[canon(old)].fold_row(row, owned.get(old, []))
        gone = set(rows)
        if not gone:
            return gone
        store = index.graph.store
        for e in sorted(store.edges_of(gone), key=lambda r: (r["src"], r["dst"], r["type"])):
            key = (canon(e["src"]), canon(e["dst"]), e["type"])
            if key[0] != key[1]:
                self._stored_edge(key, e)
        location = next(iter(self.drafts.values())).location
        for run_id, run in index.runs(store.runs_using(gone) - set(self.runs)).items():
            self.runs[run_id] = (run, location)
        for alias, asset_id in sorted(store.aliases_of(gone).items()):
            self.aliases[alias] = (canon(asset_id), location)
        return gone

    def _stored_edge(self, key: tuple[str, str, str], e: dict[str, Any]) -> None:
        first, last = e["first_seen"], e["last_seen"]
        edge = self.edges.get(key)
        if edge is None:
            self.edges[key] = {
                "first_seen": first,
                "last_seen": last,
                "producer": None,
                "source": e["source"],
                "location": next(iter(self.drafts.values())).location,
            }
            return
        if first is not None and (edge["first_seen"] is None or first < edge["first_seen"]):
            edge["first_seen"] = first
        mine = (edge["last_seen"] or datetime.min, _edge_source(edge))
        if last is not None and (last, e["source"] or "") >= mine:
            edge["last_seen"], edge["source"], edge["producer"] = last, e["source"], None

    def _canon_run(self, run: dict[str, Any]) -> dict[str, Any]:
        """A run with the merged assets it names replaced by the ones they merge into."""
        if not self.merged:
            return run
        canon = self._canon
        facets = {}
        for name, value in run["facets"].items():
            facets[self._canon_key(name)] = value
        times = run["facets"].get(TIMES)
        if isinstance(times, dict):
            facets[TIMES] = {self._canon_key(k): v for k, v in times.items()}
        return {
            **run,
            "facets": facets,
            "inputs": {canon(a) for a in run["inputs"]},
            "outputs": {canon(a) for a in run["outputs"]},
        }

    def _canon_key(self, name: str) -> str:
        """A run facet's name with the asset it names (io:<id>, version:<dir>:<id>) canonical."""
        if name.startswith(IO_PREFIX):
            return IO_PREFIX + self._canon(name[len(IO_PREFIX) :])
        if name.startswith(VERSION_PREFIX):
            direction, _, asset = name[len(VERSION_PREFIX) :].partition(":")
            return f"{VERSION_PREFIX}{direction}:{self._canon(asset)}"
        return name

    def _relations(self, batch: Batch) -> None:
        edges: dict[tuple[str, str, str], dict[str, Any]] = {}
        for (src, dst, rtype), edge in sorted(self.edges.items(), key=lambda kv: kv[0]):
            key = (self._canon(src), self._canon(dst), rtype)
            if key[0] == key[1] and (src, dst) != key[:2]:
                continue  # an edge between two names of one asset
            have = edges.get(key)
            if have is None:
                edges[key] = dict(edge)
                continue
            if edge["first_seen"] is not None and (
                have["first_seen"] is None or edge["first_seen"] < have["first_seen"]
            ):
                have["first_seen"] = edge["first_seen"]
            if (edge["last_seen"] or datetime.min, _edge_source(edge)) >= (
                have["last_seen"] or datetime.min,
                _edge_source(have),
            ):
                have.update(last_seen=edge["last_seen"], source=_edge_source(edge), producer=None)
        for (src, dst, rtype), edge in edges.items():
            batch.relations.append(
                (
                    {
                        "from": src,
                        "to": dst,
                        "type": rtype,
                        "source": _edge_source(edge),
                        "first_seen": edge["first_seen"],
                        "last_seen": edge["last_seen"],
                    },
                    edge["location"],
                )
            )


def _edge_source(edge: dict[str, Any]) -> str:
    if edge.get("producer") is not None:
        return SOURCE_PREFIX + edge["producer"]
    return edge.get("source") or ""
