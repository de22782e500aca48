"""Feast: a feature repository, read through `FeatureStore(repo).list_*` (its registry).

- each feature of a feature view -> a `feature` asset
  `feature:feast/<project>/<view>.<feature>`, `computed_from` the dataset of the view's
  batch source, named physically (a file source by its path, relative paths from the
  repository; a warehouse source by its table; mlg.connectors.identity), so that it
  meets the dbt model or OpenLineage dataset that writes it;
- each feature of an on-demand feature view -> a `feature` `derived_from` the features
  of the views it reads;
- feature services -> props.feast.feature_services of the features they group (and a
  tag `feature-service:<name>`): Feast serves them, they are not assets of their own;
- owners: the view's `owner`; the view's tags as `key:value` tags; TTL (seconds),
  entities (name, join key, description), value type, online flag in props.feast.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from feast import FeatureStore

from mlg.batch import Batch
from mlg.connectors import identity
from mlg.connectors.builder import SourceRecords
from mlg.connectors.targets import batch_of_each
from mlg.errors import IngestError, MlgError, Problem

if TYPE_CHECKING:
    from mlg.graph import Graph

# data source class -> the platform its tables live on
TABLE_PLATFORMS = {
    "BigQuerySource": "bigquery",
    "SnowflakeSource": "snowflake",
    "RedshiftSource": "redshift",
    "PostgreSQLSource": "postgres",
    "SparkSource": "spark",
    "TrinoSource": "trino",
    "AthenaSource": "athena",
    "MsSqlServerSource": "mssql",
}


def read(targets: list[str | os.PathLike[str]], graph: Graph | None = None, progress=None) -> Batch:
    """Each target is a feature repository (the directory of feature_store.yaml)."""
    return batch_of_each(targets, lambda target: read_repository(Path(target), graph, progress))


def read_repository(repo: Path, graph: Graph | None = None, progress=None) -> Batch:
    if repo.is_file() and repo.name == "feature_store.yaml":
        repo = repo.parent
    if not (repo / "feature_store.yaml").is_file():
        raise IngestError([Problem(str(repo), "directory", None, None, "holds no feature_store.yaml")])
    try:
        store = FeatureStore(repo_path=str(repo))
        entities = {e.name: e for e in store.list_entities()}
        views = store.list_feature_views()
        on_demand = store.list_on_demand_feature_views()
        services = store.list_feature_services()
    except (OSError, ValueError, RuntimeError) as exc:
        raise MlgError(f"cannot read the Feast repository at {repo}: {exc}") from None
    project = store.project
    records = SourceRecords(f"feast:{repo.resolve()}", str(repo / "feature_store.yaml"))
    served: dict[tuple[str, str], list[str]] = {}
    for service in services:
        for projection in service.feature_view_projections:
            for f in projection.features:
                served.setdefault((projection.name, f.name), []).append(service.name)
    view_features: dict[str, list[str]] = {}
    for done, view in enumerate(views):
        if progress and done % 100 == 0:
            progress("reading Feast views", done, len(views))
        where = f"feature_views[{view.name!r}]"
        dataset = _source_dataset(records, view.batch_source, project, repo, where + ".source")
        common = {
            "project": project,
            "feature_view": view.name,
            "entities": [_entity(entities.get(n), n) for n in view.entities],
            "online": bool(view.online),
            "source": view.batch_source.name if view.batch_source is not None else None,
        }
        if view.ttl:
            common["ttl_seconds"] = int(view.ttl.total_seconds())
        for f in view.features:
            feature = _feature(records, project, view, f, common, served, where)
            view_features.setdefault(view.name, []).append(feature)
            if dataset is not None:
                records.relate(feature, "computed_from", dataset, where)
    for view in on_demand:
        where = f"on_demand_feature_views[{view.name!r}]"
        common = {"project": project, "feature_view": view.name, "on_demand": True}
        parents = [
            f"feature:feast/{project}/{p.name}.{f.name}"
            for p in view.source_feature_view_projections.values()
            for f in p.features
        ]
        for f in view.features:
            feature = _feature(records, project, view, f, common, served, where)
            for parent in parents:
                records.relate(feature, "derived_from", parent, where + ".sources")
    return records.finish(graph)


def _feature(records, project, view, field, common, served, where) -> str:
    services = sorted(served.get((view.name, field.name), ()))
    record: dict[str, Any] = {
        "id": f"feature:feast/{project}/{view.name}.{field.name}",
        "kind": "feature",
        "name": f"{view.name}.{field.name}",
        "namespace": f"feast/{project}",
        "family": f"{view.name}.{field.name}",
        "description": field.description or view.description or None,
        "tags": [f"{k}:{v}" for k, v in sorted((view.tags or {}).items())]
        + [f"feature-service:{s}" for s in services],
        "props": {
            "feast": {
                **{k: v for k, v in common.items() if v is not None},
                "dtype": str(field.dtype),
                **({"feature_services": services} if services else {}),
            }
        },
    }
    if view.owner:
        record["owners"] = [records.owner(view.owner, where + ".owner")]
    return records.asset(record, f"{where}.features[{field.name!r}]")


def _entity(entity, name: str) -> dict[str, Any]:
    if entity is None:
        return {"name": name}
    return {
        k: v
        for k, v in {"name": name, "join_key": entity.join_key, "description": entity.description}.items()
        if v
    }


def _source_dataset(records: SourceRecords, source, project: str, repo: Path, where: str) -> str | None:
    if source is None:
        return None
    kind = type(source).__name__
    path = getattr(source, "path", None)
    names: list[identity.PhysicalName] = []
    if isinstance(path, str) and path:
        names.append(identity.location(path, base=repo))
    table = getattr(source, "table", None)
    if isinstance(table, str) and table and kind in TABLE_PLATFORMS:
        parts = [getattr(source, "database", None), getattr(source, "schema", None), table]
        names.append(identity.table(TABLE_PLATFORMS[kind], *[p for p in parts if isinstance(p, str)]))
    if not names:  # a push, request or stream source: no physical name to meet
        names.append(("feast", f"{project}/{source.name}"))
    return records.dataset(names, where)
