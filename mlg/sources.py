"""Sources: what turns input into Batches for the core to validate and write.

A source is a name (the CLI's `ingest --from NAME`, `Graph.ingest(from_=NAME)`) and an
ingester `(graph, paths, *, skip_invalid, progress) -> IngestReport` that reads the
paths, builds Batches (mlg.batch) and hands them to `Graph.ingest_batch`. Sources sit
above the core: the core never imports one. They are registered here by
"module:function" text, imported on first use, so this module imports none of them
either; a new source (a connector) adds one line to SOURCES, or calls `register_source`.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from mlg.errors import MlgError

if TYPE_CHECKING:
    from mlg.graph import Graph
    from mlg.model import IngestReport

Ingester = Callable[..., "IngestReport"]  # (graph, paths, *, skip_invalid, progress)

DEFAULT_SOURCE = "auto"

# name -> ingester, or "module:function" naming it; the order is the one help texts show
SOURCES: dict[str, Ingester | str] = {
    # each file sniffed: YAML/JSON manifests and OpenLineage events, mixed
    "auto": "mlg.openlineage.loader:ingest_auto",
    "manifest": "mlg.manifest:ingest_manifests",
    "openlineage": "mlg.openlineage.loader:ingest_openlineage",
    # the connectors (mlg.connectors): a system read through its own API or file format
    "dbt": "mlg.connectors:ingest_dbt",
    "mlflow": "mlg.connectors:ingest_mlflow",
    "feast": "mlg.connectors:ingest_feast",
    "backstage": "mlg.connectors:ingest_backstage",
    "model-card": "mlg.connectors:ingest_model_card",
}
# Graph.ingest_from: a connector with its own options (sync, dry_run)
CONNECTOR_INGEST = "mlg.connectors:ingest_from"


def ingest_from(graph: Graph, connector: str, targets: Any, **options: Any) -> IngestReport:
    """Read a system through the connector named `connector` (mlg.connectors) and ingest it."""
    module, _, attr = CONNECTOR_INGEST.partition(":")
    return getattr(importlib.import_module(module), attr)(graph, connector, targets, **options)


def source_names() -> tuple[str, ...]:
    """The names `--from` accepts, in registration order."""
    return tuple(SOURCES)


def register_source(name: str, ingester: Ingester | str) -> None:
    """Make `name` a source (`ingester`: a callable or "module:function")."""
    SOURCES[name] = ingester


def ingest(
    graph: Graph,
    paths: Iterable[str | os.PathLike[str]],
    source: str = DEFAULT_SOURCE,
    *,
    skip_invalid: bool = False,
    progress: Any = None,
) -> IngestReport:
    """Ingest `paths` with the source named `source`; its report."""
    ingester = SOURCES.get(source)
    if ingester is None:
        raise MlgError(f"unknown input format {source!r}; expected one of {', '.join(SOURCES)}")
    if isinstance(ingester, str):
        module, _, attr = ingester.partition(":")
        try:
            ingester = getattr(importlib.import_module(module), attr)
        except ImportError as exc:
            raise MlgError(
                f"the {source} source cannot be loaded ({exc}); is its extra installed? "
                f"(pip install 'mlg[{source}]')"
            ) from None
        SOURCES[source] = ingester
    return ingester(graph, list(paths), skip_invalid=skip_invalid, progress=progress)
