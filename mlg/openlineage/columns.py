"""Column lineage kept from OpenLineage's columnLineage facet (in props.column_lineage)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlg.graph import Graph


def column_lineage(graph: Graph, dataset: str, column: str | None = None) -> list[dict[str, Any]]:
    """Where each column of `dataset` (or just `column`) comes from, one row per input:
    {column, input_dataset, input_column, transformations}."""
    asset = graph.resolve(dataset)
    lineage = asset.props.get("column_lineage") or {}
    return [
        {
            "column": name,
            "input_dataset": source["dataset"],
            "input_column": source["field"],
            "transformations": source.get("transformations", []),
        }
        for name, sources in sorted(lineage.items())
        if column in (None, name)
        for source in sources
    ]
