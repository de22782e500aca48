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

if TYPE_CHECKING:
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
    from mlg.export import frame_to_csv, write_subgraph
    from mlg.graph import Graph, open
    from mlg.impact import REACHED_KINDS, AffectedAsset, AffectedAssets, Impact, OwnerToNotify
    from mlg.lineage import owners_of
    from mlg.model import Asset, AssetDetail, GraphStats, IngestReport, Neighbour, Owner
    from mlg.neighbours import CountedNeighbour, NeighbourLevel, neighbours_with_counts
    from mlg.paths import DependencyPath, PathResult
    from mlg.qualified_ids import people_write
    from mlg.reports import Consumer, Consumers, DeprecatedInUse, LiveUse, ReusedAsset, ReuseReport
    from mlg.runs import DatasetRun, Run
    from mlg.schema import (
        ASSET_COLUMNS,
        KINDS,
        OWNER_COLUMNS,
        OWNER_KINDS,
        RELATION_PROPERTIES,
        RELATION_TYPES,
    )
    from mlg.search import SearchHit, SearchResults
    from mlg.subgraph import EDGE_COLUMNS, NODE_COLUMNS, Edge, Subgraph

# Every name is imported on first use (PEP 562), so that `import mlg` costs nothing
# until a name is needed: the explorer draws its first screen before pyarrow, numpy
# and Kuzu are loaded (they come with the first query). name -> module.
_LAZY = {
    **dict.fromkeys(("Batch",), "mlg.batch"),
    **dict.fromkeys(
        (
            "AmbiguousAsset",
            "AssetNotFound",
            "CypherError",
            "GraphError",
            "GraphLocked",
            "IngestError",
            "MlgError",
            "Problem",
            "ReadOnlyGraph",
        ),
        "mlg.errors",
    ),
    **dict.fromkeys(("Graph", "open"), "mlg.graph"),
    **dict.fromkeys(
        ("REACHED_KINDS", "AffectedAsset", "AffectedAssets", "Impact", "OwnerToNotify"), "mlg.impact"
    ),
    "owners_of": "mlg.lineage",
    **dict.fromkeys(
        ("Asset", "AssetDetail", "GraphStats", "IngestReport", "Neighbour", "Owner"), "mlg.model"
    ),
    **dict.fromkeys(("CountedNeighbour", "NeighbourLevel", "neighbours_with_counts"), "mlg.neighbours"),
    **dict.fromkeys(("DependencyPath", "PathResult"), "mlg.paths"),
    "people_write": "mlg.qualified_ids",
    **dict.fromkeys(
        ("ASSET_COLUMNS", "KINDS", "OWNER_COLUMNS", "OWNER_KINDS", "RELATION_PROPERTIES", "RELATION_TYPES"),
        "mlg.schema",
    ),
    **dict.fromkeys(("EDGE_COLUMNS", "NODE_COLUMNS", "Edge", "Subgraph"), "mlg.subgraph"),
    **dict.fromkeys(
        ("Consumer", "Consumers", "DeprecatedInUse", "LiveUse", "ReuseReport", "ReusedAsset"), "mlg.reports"
    ),
    **dict.fromkeys(("DatasetRun", "Run"), "mlg.runs"),
    **dict.fromkeys(("SearchHit", "SearchResults"), "mlg.search"),
    **dict.fromkeys(("frame_to_csv", "write_subgraph"), "mlg.export"),
}


def __getattr__(name: str) -> Any:
    import importlib

    module = _LAZY.get(name)
    if module is None:
        if name == "batch":  # `mlg.batch.Batch`, for Python users, after `import mlg`
            return importlib.import_module("mlg.batch")
        raise AttributeError(f"module 'mlg' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
    "AffectedAssets",
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
