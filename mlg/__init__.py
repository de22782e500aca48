"""mlg — the Model Lifecycle Graph.

    import mlg

    with mlg.open("graph.kuzu") as g:
        g.ingest("manifests/")
        g.detail("ranker-v3")
        g.downstream("dataset:events", depth=2)   # a Subgraph
        g.impact("dataset:events")                # an Impact

Everything a user (and mlg's own explorer and notebook widget) gets back is exported
here; the modules behind these names may move, these names do not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import mlg.batch  # noqa: F401 - `mlg.batch.Batch` for Python users
from mlg.batch import Batch
from mlg.errors import (
    AmbiguousAsset,
    AssetNotFound,
    CypherError,
    GraphError,
    GraphLocked,
    IngestError,
    MlgError,
    Problem,
    ReadOnlyGraph,
)
from mlg.graph import Graph, open
from mlg.impact import REACHED_KINDS, AffectedAsset, Impact, OwnerToNotify
from mlg.lineage import owners_of
from mlg.model import Asset, AssetDetail, GraphStats, IngestReport, Neighbour, Owner
from mlg.neighbours import CountedNeighbour, NeighbourLevel, neighbours_with_counts
from mlg.paths import DependencyPath, PathResult
from mlg.qualified_ids import people_write
from mlg.schema import ASSET_COLUMNS, KINDS, OWNER_COLUMNS, OWNER_KINDS, RELATION_PROPERTIES, RELATION_TYPES
from mlg.subgraph import EDGE_COLUMNS, NODE_COLUMNS, Edge, Subgraph

if TYPE_CHECKING:
    from mlg.export import frame_to_csv, write_subgraph
    from mlg.reports import Consumer, Consumers, DeprecatedInUse, LiveUse, ReusedAsset, ReuseReport
    from mlg.runs import DatasetRun, Run
    from mlg.search import SearchHit, SearchResults

# Imported on first use (they pull in SQLite, pandas, ...): name -> module.
_LAZY = {
    "Consumer": "mlg.reports",
    "Consumers": "mlg.reports",
    "DeprecatedInUse": "mlg.reports",
    "LiveUse": "mlg.reports",
    "ReuseReport": "mlg.reports",
    "ReusedAsset": "mlg.reports",
    "DatasetRun": "mlg.runs",
    "Run": "mlg.runs",
    "SearchHit": "mlg.search",
    "SearchResults": "mlg.search",
    "frame_to_csv": "mlg.export",
    "write_subgraph": "mlg.export",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mlg' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "ASSET_COLUMNS",
    "EDGE_COLUMNS",
    "KINDS",
    "NODE_COLUMNS",
    "OWNER_COLUMNS",
    "OWNER_KINDS",
    "REACHED_KINDS",
    "RELATION_PROPERTIES",
    "RELATION_TYPES",
    "AffectedAsset",
    "AmbiguousAsset",
    "Asset",
    "AssetDetail",
    "AssetNotFound",
    "Batch",
    "Consumer",
    "Consumers",
    "CountedNeighbour",
    "CypherError",
    "DatasetRun",
    "DependencyPath",
    "DeprecatedInUse",
    "Edge",
    "Graph",
    "GraphError",
    "GraphLocked",
    "GraphStats",
    "Impact",
    "IngestError",
    "IngestReport",
    "LiveUse",
    "MlgError",
    "Neighbour",
    "NeighbourLevel",
    "Owner",
    "OwnerToNotify",
    "PathResult",
    "Problem",
    "ReadOnlyGraph",
    "ReuseReport",
    "ReusedAsset",
    "Run",
    "SearchHit",
    "SearchResults",
    "Subgraph",
    "frame_to_csv",
    "neighbours_with_counts",
    "open",
    "owners_of",
    "people_write",
    "write_subgraph",
]
__version__ = "0.1.0"
