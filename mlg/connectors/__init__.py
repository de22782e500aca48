"""Connectors: the systems an estate already lives in, read into the graph.

Each connector reads one system through its official API or file format and returns a
`Batch` of one source (`<connector>:<where>`), which `Graph.ingest_batch` validates and
writes all or nothing:

    mlg ingest --from dbt PATH            g.ingest_from("dbt", "PATH")
    mlg ingest --from mlflow URI          g.ingest_from("mlflow", "sqlite:///mlflow.db")
    mlg ingest --from feast REPO          g.ingest_from("feast", "feature_repo/")
    mlg ingest --from backstage PATH...   g.ingest_from("backstage", ["catalog-info.yaml"])
    mlg ingest --from model-card PATH...  g.ingest_from("model-card", ["README.md"])

The core never imports this package; heavy client libraries are imported by the
connector that needs them, and a missing one is a `MissingExtra` naming the extra.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable
from typing import TYPE_CHECKING

from mlg.errors import MlgError

if TYPE_CHECKING:
    from mlg.batch import Batch
    from mlg.graph import Graph
    from mlg.model import IngestReport

# connector name -> (module, extra that installs its client library or None)
CONNECTORS: dict[str, tuple[str, str | None]] = {
    "dbt": ("mlg.connectors.dbt_manifest", None),
    "mlflow": ("mlg.connectors.mlflow_tracking", "mlflow"),
    "feast": ("mlg.connectors.feast_repo", "feast"),
    "backstage": ("mlg.connectors.backstage", None),
    "model-card": ("mlg.connectors.model_card", "modelcard"),
}


class MissingExtra(MlgError):
    """A connector's client library is not installed."""

    def __init__(self, connector: str, extra: str, module: str):
        super().__init__(
            f"the {connector} connector needs {module}, which is not installed: pip install 'mlg[{extra}]'"
        )
        self.connector, self.extra, self.module = connector, extra, module


def read_source(
    name: str, targets: Iterable[str | os.PathLike[str]], graph: Graph | None = None, progress=None
) -> Batch:
    """Read one connector's system into a Batch (resolved against `graph`'s assets)."""
    if name not in CONNECTORS:
        raise MlgError(f"unknown connector {name!r}; expected one of {', '.join(CONNECTORS)}")
    module_name, extra = CONNECTORS[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if extra is None or (exc.name or "").startswith("mlg"):
            raise
        raise MissingExtra(name, extra, exc.name or "?") from None
    return module.read(list(targets), graph, progress)


def ingest_from(
    graph: Graph,
    name: str,
    targets: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    sync: bool = False,
    dry_run: bool = False,
    progress=None,
) -> IngestReport:
    """Read a system with connector `name` and ingest it as one source, all or nothing.

    `sync` makes the input the whole truth of its source (what it no longer asserts is
    retired); `dry_run` validates and reports what would change without writing.
    """
    if isinstance(targets, str | os.PathLike):
        targets = [targets]
    graph._require_writable()
    batch = read_source(name, targets, graph, progress)
    return graph.ingest_batch(batch, progress=progress, sync=sync, dry_run=dry_run)


def _source(name: str):
    """The connector as an mlg.sources ingester (`g.ingest(paths, from_=name)`)."""

    def ingest(graph: Graph, paths: list, *, skip_invalid: bool = False, progress=None) -> IngestReport:
        return ingest_from(graph, name, paths, progress=progress)

    ingest.__doc__ = f"Ingest through the {name} connector."
    return ingest


ingest_dbt = _source("dbt")
ingest_mlflow = _source("mlflow")
ingest_feast = _source("feast")
ingest_backstage = _source("backstage")
ingest_model_card = _source("model-card")
