"""Backstage: `catalog-info.yaml` files (several entities per file, `---` separated).

- `Component` with `spec.type: service` -> a `service` asset
  `service:backstage/<namespace>/<name>`; other component types (website, library,
  ...) are not production services and are left out;
- `Resource` -> a `dataset` `dataset:backstage/<namespace>/<name>`, or, when the
  annotation `mlg.io/dataset` gives its physical name, the dataset of that name
  (`postgres/shop.public.orders`, `s3://bucket/path`, a file path; see
  mlg.connectors.identity), so that it meets what dbt, Feast or OpenLineage call it
  (a dataset the graph already holds keeps what its own source says of it);
- `spec.dependsOn`: a component -> `calls`, a resource -> `reads`;
- `spec.owner` (an entity reference; a bare name is a group) -> the owner;
- metadata.description, tags, title, lifecycle, system and links -> description,
  tags and props.backstage.

The annotation convention linking a service to the models it serves:

    metadata:
      annotations:
        mlg.io/serves: "models:/churn@champion, model:dbt/exposure.shop.churn_model"

a comma-separated list of mlg asset ids, MLflow model URIs `models:/<name>/<version>`
(the `model:mlflow/<name>@<version>` asset) or `models:/<name>@<alias>` (the version of
that registered model the alias points at, as the graph holds it after an MLflow
ingest). Each becomes a `serves` edge; a model the graph does not hold is an error.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlg.batch import Batch
from mlg.connectors import identity
from mlg.connectors.builder import SourceRecords
from mlg.connectors.targets import files_in
from mlg.errors import IngestError, Problem
from mlg.safe_load import DocumentError, load_yaml_documents, read_text

if TYPE_CHECKING:
    from mlg.graph import Graph

SERVES_ANNOTATION = "mlg.io/serves"
DATASET_ANNOTATION = "mlg.io/dataset"
CATALOG_NAMES = ("catalog-info.yaml", "catalog-info.yml")


def read(targets: list[str | os.PathLike[str]], graph: Graph | None = None, progress=None) -> Batch:
    """Each target is a catalog file, or a directory searched for catalog-info.yaml files."""
    files = files_in(targets, lambda p: p.name in CATALOG_NAMES, "catalog-info.yaml")
    source = ",".join(str(Path(t).resolve()) for t in targets)
    records = SourceRecords(f"backstage:{source}", str(files[0]) if files else source)
    entities: dict[tuple[str, str], str] = {}  # (kind, namespace/name) -> asset id
    pending: list[tuple[str, dict, str, str]] = []  # (asset, entity, file, where)
    problems: list[Problem] = []
    for file in files:
        records.file = str(file)
        _entities(file, records, entities, pending, problems)
    for asset, doc, file, where in pending:
        records.file = file
        spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
        for i, dep in enumerate(spec.get("dependsOn") or ()):
            target = _entity_ref(dep)
            found = entities.get(target) if target else None
            fld = f"spec.dependsOn[{i}]"
            if found is None:
                problems.append(
                    Problem(file, where, doc["metadata"]["name"], fld, f"names {dep!r}, not in the catalog")
                )
            elif asset.startswith("service:"):
                records.relate(
                    asset, "calls" if target[0] == "component" else "reads", found, f"{where}.{fld}"
                )
        annotations = doc["metadata"].get("annotations") or {}
        if asset.startswith("service:") and isinstance(annotations.get(SERVES_ANNOTATION), str):
            for model in _served(annotations[SERVES_ANNOTATION], graph, problems, file, where):
                records.relate(asset, "serves", model, f"{where}.metadata.annotations[{SERVES_ANNOTATION!r}]")
    if problems:
        raise IngestError(problems)
    batch = records.finish(graph)
    batch.files = [str(f) for f in files]
    return batch


def _entities(file: Path, records: SourceRecords, entities: dict, pending: list, problems: list) -> None:
    """First pass over one file: its services and datasets."""
    name = str(file)
    try:
        documents = load_yaml_documents(read_text(file))
    except (OSError, UnicodeDecodeError, DocumentError) as exc:
        problems.append(Problem(name, "file", None, None, f"cannot be read: {exc}"))
        return
    for index, doc in enumerate(documents):
        where = f"documents[{index}]"
        if doc is None:
            continue
        if not isinstance(doc, dict) or not isinstance(doc.get("metadata"), dict):
            problems.append(Problem(name, where, None, "metadata", "is not a Backstage entity (no metadata)"))
            continue
        kind = str(doc.get("kind", "")).lower()
        meta, spec = doc["metadata"], doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
        if not isinstance(meta.get("name"), str) or not meta["name"]:
            problems.append(Problem(name, where, None, "metadata.name", "is required"))
            continue
        ref = f"{meta.get('namespace') or 'default'}/{meta['name']}"
        if kind == "component" and spec.get("type") == "service":
            asset = records.asset(_record(records, "service", ref, meta, spec, where), where)
            entities[("component", ref)] = asset
        elif kind == "resource":
            physical = (meta.get("annotations") or {}).get(DATASET_ANNOTATION)
            names = [_physical(physical, file.parent)] if isinstance(physical, str) and physical else []
            record = _record(records, "dataset", ref, meta, spec, where)
            record.pop("id")
            if names:
                record.update(namespace=names[0][0], name=names[0][1])
            asset = records.dataset(
                names or [("backstage", ref)],
                where,
                record,
                extra_ids=(f"dataset:backstage/{ref}",),
                fill_only=bool(names),  # a table another source describes is left as it says
            )
            entities[("resource", ref)] = asset
        else:
            continue
        pending.append((asset, doc, name, where))


def _record(
    records: SourceRecords, kind: str, ref: str, meta: dict, spec: dict, where: str
) -> dict[str, Any]:
    props = {
        k: v
        for k, v in {
            "entity": ref,
            "type": spec.get("type"),
            "lifecycle": spec.get("lifecycle"),
            "system": spec.get("system"),
            "title": meta.get("title"),
            "links": meta.get("links"),
        }.items()
        if v
    }
    record: dict[str, Any] = {
        "id": f"{kind}:backstage/{ref}",
        "kind": kind,
        "name": meta["name"],
        "namespace": "backstage/" + ref.rpartition("/")[0],
        "description": meta.get("description") or None,
        "tags": [t for t in meta.get("tags") or () if isinstance(t, str) and t],
        "props": {"backstage": props},
    }
    owner = spec.get("owner")
    if isinstance(owner, str) and owner:
        record["owners"] = [records.owner(owner if ":" in owner else f"group:{owner}", where + ".spec.owner")]
    return record


def _entity_ref(ref: Any) -> tuple[str, str] | None:
    """`component:default/name` -> ("component", "default/name")."""
    if not isinstance(ref, str) or ":" not in ref:
        return None
    kind, _, rest = ref.partition(":")
    return kind.strip().lower(), rest.strip() if "/" in rest else f"default/{rest.strip()}"


def _physical(value: str, base: Path) -> identity.PhysicalName:
    if "://" in value or value.startswith(("/", ".")):
        return identity.location(value, base=base)
    platform, _, table = value.partition("/")
    return identity.relation(platform, table) if table else identity.location(value, base=base)


def _served(value: str, graph: Graph | None, problems: list[Problem], file: str, where: str) -> list[str]:
    found = []
    for item in (v.strip() for v in value.split(",")):
        if not item:
            continue
        if item.startswith("models:/"):
            name, sep, version = item.removeprefix("models:/").partition("/")
            if sep:
                found.append(f"model:mlflow/{name}@{version}")
                continue
            name, sep, alias = name.partition("@")
            model = _aliased(graph, name, alias) if sep else None
            if model is None:
                problems.append(
                    Problem(
                        file,
                        where,
                        None,
                        f"metadata.annotations[{SERVES_ANNOTATION!r}]",
                        f"{item}: no MLflow model version in the graph carries that alias"
                        if sep
                        else f"{item}: give models:/<name>/<version> or models:/<name>@<alias>",
                    )
                )
            else:
                found.append(model)
        else:
            found.append(item)
    return found


def _aliased(graph: Graph | None, name: str, alias: str) -> str | None:
    if graph is None:
        return None
    named = graph.store.assets_named([name]).column("id").to_pylist()
    found = sorted(
        a.id
        for a in graph.store.assets(named).values()
        if a.kind == "model" and a.namespace == "mlflow" and a.family == name and alias in a.tags
    )
    return found[0] if found else None
