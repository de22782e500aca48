"""AssetIndex: the assets, aliases, owners and runs OpenLineage events may refer to, in
the graph or in the manifests of the same ingest, looked up once per call."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mlg.batch import Batch
from mlg.openlineage.events import LineageEvent
from mlg.openlineage.facets import _column_inputs, _datasets_of, _identifiers, _parent_job, _text
from mlg.openlineage.records import existing_aliases, existing_io, existing_runs
from mlg.openlineage.runs import stored_run
from mlg.qualified_ids import qualified_id

if TYPE_CHECKING:
    from mlg.graph import Graph


def dataset_id(namespace: str, name: str) -> str:
    """A dataset's id, and the id of an alias of another name (a symlink)."""
    return qualified_id("dataset", namespace, name)


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
        self._declared_owners(keys)

    def _declared_owners(self, keys: set[tuple[str, str]]) -> None:
        """A name whose physical identifier (mlg.lifecycle.identity) belongs to an asset
        someone declared (a manifest's `dataset:plays` with `props.location`) names that
        asset, as an alias would: the events add to it, as to any declared asset. Owners
        with a weaker claim are left to identity's canonical rule at ingest."""
        from mlg.lifecycle.identity import ALIAS_PREFIX, claim_rank, openlineage_id

        wanted: dict[str, list[tuple[str, str]]] = {}
        for ns, name in keys:
            ident = openlineage_id(ns, name)
            if ident and dataset_id(ns, name) not in self.aliases:
                wanted.setdefault(ALIAS_PREFIX + ident, []).append((ns, name))
        if not wanted:
            return
        for alias, owner in existing_aliases(self.graph, sorted(wanted)).items():
            if claim_rank(owner, {alias[len(ALIAS_PREFIX) :]}) == 0:
                for key in wanted[alias]:
                    self.aliases.setdefault(dataset_id(*key), owner)

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
