"""dbt: a project's `target/manifest.json` (schema v12), read as JSON; dbt is not imported.

- models, seeds, snapshots and sources -> `dataset` assets named by their relation
  (`<adapter>/<database>.<schema>.<table>`, mlg.connectors.identity), with the dbt
  unique id (`dbt:<unique_id>`) and an external model's location as aliases;
- `depends_on.nodes` -> `derived_from` (tests, macros and the like are not assets);
- exposures of type `ml` -> `model` assets (`model:dbt/<unique_id>`) `trained_on`
  the datasets they depend on; other exposures are left out;
- owners: `meta.owner` (a string or a list), else the model's group's owner, else
  (exposures) the exposure's owner;
- tags, descriptions; props.dbt holds the unique id, resource type, package, path,
  materialization and the documented columns (name -> {description, data_type}).
- A versioned model (`version:`) is one dataset per version, with `version` and a
  shared `family`.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlg.batch import Batch
from mlg.connectors import identity
from mlg.connectors.builder import SourceRecords
from mlg.errors import IngestError, Problem
from mlg.safe_load import DocumentError, load_json, read_text

if TYPE_CHECKING:
    from mlg.graph import Graph

DATASET_TYPES = ("model", "seed", "snapshot", "source")
SUPPORTED_SCHEMAS = ("v10", "v11", "v12")


def manifest_path(target: str | os.PathLike[str]) -> Path:
    """A manifest.json, or a dbt project directory (its target/manifest.json)."""
    path = Path(target)
    if path.is_dir():
        for candidate in (path / "target" / "manifest.json", path / "manifest.json"):
            if candidate.is_file():
                return candidate
        raise IngestError(
            [
                Problem(
                    str(path), "directory", None, None, "holds no target/manifest.json; run `dbt parse` first"
                )
            ]
        )
    if not path.is_file():
        raise IngestError([Problem(str(path), "path", None, None, "no such file or directory")])
    return path


def read(targets: list[str | os.PathLike[str]], graph: Graph | None = None, progress=None) -> Batch:
    """Each target is a manifest.json or a dbt project directory."""
    batch = Batch()
    for target in targets:
        path = manifest_path(target)
        try:
            document = load_json(read_text(path))
        except (OSError, UnicodeDecodeError, DocumentError) as exc:
            raise IngestError([Problem(str(path), "file", None, None, f"cannot be read: {exc}")]) from None
        part = read_manifest(document, str(path), graph, progress)
        batch.extend(part)
        batch.source = part.source if batch.source is None else f"{batch.source},{part.source}"
    return batch


def read_manifest(manifest: Any, file: str, graph: Graph | None = None, progress=None) -> Batch:
    """Map one parsed manifest; `file` names it in messages and in the source name."""
    _check_manifest(manifest, file)
    records = SourceRecords(f"dbt:{os.path.abspath(file)}", file)
    platform = manifest["metadata"].get("adapter_type")
    platform = platform if isinstance(platform, str) and platform.strip() else "dbt"
    groups = {g.get("name"): g for g in _mapping(manifest.get("groups")).values() if isinstance(g, dict)}
    nodes = {
        **{k: v for k, v in _mapping(manifest.get("nodes")).items() if isinstance(v, dict)},
        **{k: v for k, v in _mapping(manifest.get("sources")).items() if isinstance(v, dict)},
    }
    keys: dict[str, str] = {}
    problems: list[Problem] = []
    datasets = [(k, n) for k, n in nodes.items() if n.get("resource_type") in DATASET_TYPES]
    for done, (unique_id, node) in enumerate(datasets):
        if progress and done % 500 == 0:
            progress("reading dbt nodes", done, len(datasets))
        with _shape_problems(problems, file, _where(unique_id, node)):
            keys[unique_id] = _dataset(records, unique_id, node, platform, groups, file)
    for unique_id, node in datasets:
        where = _where(unique_id, node)
        with _shape_problems(problems, file, where):
            for parent in _parents(node):
                if parent in keys and unique_id in keys:
                    records.relate(keys[unique_id], "derived_from", keys[parent], where + ".depends_on")
    exposures = manifest.get("exposures") or {}
    for unique_id, exposure in exposures.items() if isinstance(exposures, dict) else ():
        if isinstance(exposure, dict) and exposure.get("type") == "ml":
            with _shape_problems(problems, file, f"exposures[{unique_id!r}]"):
                _model(records, unique_id, exposure, keys)
    if problems:
        raise IngestError(problems[:20], len(problems))
    return records.finish(graph)


def _mapping(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _where(unique_id: str, node: dict) -> str:
    return f"{'sources' if node.get('resource_type') == 'source' else 'nodes'}[{unique_id!r}]"


@contextmanager
def _shape_problems(problems: list[Problem], file: str, where: str):
    """A node whose fields are not of the shapes dbt writes: one problem naming it."""
    try:
        yield
    except (TypeError, AttributeError, ValueError, KeyError) as exc:
        problems.append(Problem(file, where, None, None, f"is not shaped as dbt writes it: {exc}"))


def _check_manifest(manifest: Any, file: str) -> None:
    if not isinstance(manifest, dict) or not isinstance(manifest.get("metadata"), dict):
        raise IngestError(
            [Problem(file, "document", None, "metadata", "is not a dbt manifest (no metadata)")]
        )
    version = str(manifest["metadata"].get("dbt_schema_version", ""))
    if not any(version.rstrip("/").endswith(f"manifest/{v}.json") for v in SUPPORTED_SCHEMAS):
        raise IngestError(
            [
                Problem(
                    file,
                    "metadata",
                    None,
                    "dbt_schema_version",
                    f"is {version or 'missing'}; mlg reads dbt manifests of schema "
                    + ", ".join(SUPPORTED_SCHEMAS),
                )
            ]
        )


def _dataset(
    records: SourceRecords, unique_id: str, node: dict, platform: str, groups: dict, file: str
) -> str:
    where = _where(unique_id, node)
    config = node.get("config") if isinstance(node.get("config"), dict) else {}
    names: list[identity.PhysicalName] = []
    if isinstance(node.get("relation_name"), str) and node["relation_name"]:
        names.append(identity.relation(platform, node["relation_name"]))
    else:
        table = node.get("identifier") or node.get("alias") or node.get("name")
        names.append(identity.table(platform, node.get("database"), node.get("schema"), table))
    if isinstance(config.get("location"), str) and config["location"]:
        names.append(identity.location(config["location"], base=Path(file).parent.parent))
    meta = {**(config.get("meta") or {}), **(node.get("meta") or {})}
    version = node.get("version")
    columns = {
        name: {k: c[k] for k in ("description", "data_type") if c.get(k)}
        for name, c in (node.get("columns") or {}).items()
        if isinstance(c, dict)
    }
    dbt_props = {
        "unique_id": unique_id,
        "resource_type": node.get("resource_type"),
        "package": node.get("package_name"),
        "path": node.get("original_file_path"),
    }
    if config.get("materialized"):
        dbt_props["materialized"] = config["materialized"]
    if columns:
        dbt_props["columns"] = columns
    label = (
        node.get("name")
        if node.get("resource_type") != "source"
        else f"{node.get('source_name')}.{node.get('name')}"
    )
    record: dict[str, Any] = {
        "kind": "dataset",
        "namespace": names[0][0],
        "name": names[0][1],
        "family": names[0][1],
        "description": node.get("description") or None,
        "tags": _tags(node.get("tags"), config.get("tags")),
        "props": {"dbt": {k: v for k, v in dbt_props.items() if v is not None}, "dbt_name": label}
        | ({"meta": meta} if meta else {}),
    }
    if version is not None:
        record["version"] = str(version)
    owners = _owners(records, meta, groups.get(node.get("group")), where)
    if owners is not None:
        record["owners"] = owners
    return records.dataset(names, where, record, extra_ids=(f"dbt:{unique_id}",))


def _model(records: SourceRecords, unique_id: str, exposure: dict, keys: dict[str, str]) -> None:
    where = f"exposures[{unique_id!r}]"
    meta = {**((exposure.get("config") or {}).get("meta") or {}), **(exposure.get("meta") or {})}
    record: dict[str, Any] = {
        "id": f"model:dbt/{unique_id}",
        "kind": "model",
        "name": exposure.get("label") or exposure.get("name") or unique_id,
        "namespace": "dbt",
        "description": exposure.get("description") or None,
        "tags": _tags(exposure.get("tags")),
        "props": {
            "dbt": {"unique_id": unique_id, "resource_type": "exposure", "type": "ml"}
            | {k: exposure[k] for k in ("maturity", "url", "package_name") if exposure.get(k)},
        }
        | ({"meta": meta} if meta else {}),
    }
    owners = _owners(records, meta, None, where)
    owner = exposure.get("owner") if isinstance(exposure.get("owner"), dict) else {}
    if owners is None and (owner.get("name") or owner.get("email")):
        owners = [
            records.owner(owner.get("name") or owner["email"], where + ".owner", "team", owner.get("email"))
        ]
    if owners is not None:
        record["owners"] = owners
    model = records.asset(record, where)
    for parent in _parents(exposure):
        if parent in keys:
            records.relate(model, "trained_on", keys[parent], where + ".depends_on")


def _owners(records: SourceRecords, meta: dict, group: dict | None, where: str) -> list[str] | None:
    owner = meta.get("owner")
    if isinstance(owner, str) and owner.strip():
        return [records.owner(owner, where + ".meta.owner")]
    if isinstance(owner, list) and owner:
        return [
            records.owner(o, f"{where}.meta.owner[{i}]") for i, o in enumerate(owner) if isinstance(o, str)
        ]
    if group and isinstance(group.get("owner"), dict):
        g = group["owner"]
        name = g.get("name") or group.get("name")
        return [records.owner(name, f"groups[{group.get('name')!r}].owner", "team", g.get("email"))]
    return None


def _parents(node: dict) -> list[str]:
    depends = node.get("depends_on") if isinstance(node.get("depends_on"), dict) else {}
    return [p for p in depends.get("nodes") or () if isinstance(p, str)]


def _tags(*lists: Any) -> list[str]:
    return list(
        dict.fromkeys(t for tags in lists if isinstance(tags, list) for t in tags if isinstance(t, str) and t)
    )
