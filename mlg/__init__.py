"""mlg — the Model Lifecycle Graph.

import mlg
g = mlg.open("graph.kuzu")
g.ingest("manifests/")
g.detail("ranker-v3")
"""

import mlg.batch  # noqa: F401 - `mlg.batch.Batch` for Python users
from mlg.errors import (
    AmbiguousAsset,
    AssetNotFound,
    GraphError,
    GraphLocked,
    IngestError,
    MlgError,
    ReadOnlyGraph,
)
from mlg.graph import Graph, open
from mlg.model import Asset, AssetDetail, GraphStats, IngestReport, Neighbour, Owner

__all__ = [
    "AmbiguousAsset",
    "Asset",
    "AssetDetail",
    "AssetNotFound",
    "Graph",
    "GraphError",
    "GraphLocked",
    "GraphStats",
    "IngestError",
    "IngestReport",
    "MlgError",
    "Neighbour",
    "Owner",
    "ReadOnlyGraph",
    "open",
]
__version__ = "0.1.0"
