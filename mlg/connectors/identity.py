"""Physical names: how one table or file seen by several systems becomes one asset.

Every connector names a dataset by what it physically is, in OpenLineage's
namespace/name form, so that the ids meet those OpenLineage events give
(`dataset:<namespace>/<name>`, mlg.openlineage.mapping):

- a table: namespace = the platform (`duckdb`, `postgres`, `snowflake`, `bigquery`,
  ...; lower case), name = `database.schema.table` with quotes removed, lower case;
- a local file: namespace `file`, name = its absolute, normalised path;
- an object-store or other URI: namespace `scheme://authority`, name = the path
  without its leading slash (`s3://bucket/a/b.parquet` -> `s3://bucket` + `a/b.parquet`).

A connector that knows several names of one dataset (dbt: the relation and an external
location) gives them all; `Identities` picks the asset any of them already names (in
the graph, as an asset id or an alias), else the first, and the other names become
aliases. This is the minimal rule set the connectors need; the cross-source identity
rules of source tracking refine it.
"""

from __future__ import annotations

import os
import posixpath
import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from mlg.qualified_ids import qualified_id

if TYPE_CHECKING:
    from mlg.graph import Graph

PhysicalName = tuple[str, str]  # (namespace, name)

_QUOTED_PART = re.compile(r'"([^"]*)"|`([^`]*)`|\[([^\]]*)\]|([^.]+)')


def dataset_id(name: PhysicalName) -> str:
    """The asset id of a physical dataset, as OpenLineage events name it."""
    return qualified_id("dataset", name[0], name[1])


def table(platform: str, *parts: str | None) -> PhysicalName:
    """A warehouse table: (platform, database.schema.table), unquoted, lower case."""
    kept = [p.strip().strip('"`[]').lower() for p in parts if p and p.strip()]
    return platform.strip().lower(), ".".join(kept)


def relation(platform: str, relation_name: str) -> PhysicalName:
    """A quoted relation name (`"db"."main"."orders"`) as a table."""
    parts = [next(g for g in m.groups() if g is not None) for m in _QUOTED_PART.finditer(relation_name)]
    return table(platform, *parts)


def location(uri_or_path: str, base: str | os.PathLike[str] | None = None) -> PhysicalName:
    """A file or URI. Relative paths are taken from `base` (else the working directory)."""
    text = uri_or_path.strip()
    parts = urlsplit(text)
    if parts.scheme in ("", "file") or (len(parts.scheme) == 1 and os.name == "nt"):
        path = unquote(parts.path) if parts.scheme == "file" else text
        if not os.path.isabs(path):
            path = os.path.join(os.fspath(base) if base is not None else os.getcwd(), path)
        return "file", posixpath.normpath(os.path.abspath(path).replace(os.sep, "/"))
    authority = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
    return authority, parts.path.lstrip("/")


class Identities:
    """Which asset, if any, the graph already has under each physical name."""

    def __init__(self, graph: Graph | None):
        self.graph = graph
        self.assets: set[str] = set()
        self.aliases: dict[str, str] = {}

    def look_up(self, ids: set[str]) -> None:
        """Learn, in two store reads, which of `ids` are asset ids or aliases in the graph."""
        if self.graph is None or not ids:
            return
        wanted = sorted(ids)
        self.assets.update(self.graph.store.asset_kinds(wanted))
        self.aliases.update(self.graph.store.aliases(wanted))

    def existing(self, candidate: str) -> str | None:
        """The asset the graph holds under this id or alias."""
        if candidate in self.assets:
            return candidate
        return self.aliases.get(candidate)
