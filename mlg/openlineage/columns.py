"""Column lineage kept from OpenLineage's columnLineage facet (in props.column_lineage).

Each input column is stored by the namespace and name the event gave its dataset, and
resolved to an asset when read: the asset a name stands for can change after the event
(a symlink seen later merges two assets), so resolving at write time would make the
graph depend on the order events arrive in.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlg.graph import Graph

DATASET_LEVEL = "column_lineage_dataset"  # props key: the facet's dataset-level inputs


def column_lineage(graph: Graph, dataset: str, column: str | None = None) -> list[dict[str, Any]]:
    """Where each column of `dataset` (or just `column`) comes from, one row per input:
    {column, input_dataset, input_column, transformations}."""
    asset = graph.resolve(dataset)
    lineage = asset.props.get("column_lineage") or {}
    resolved: dict[tuple[str, str], str] = {}
    rows = []
    for name, sources in sorted(lineage.items()):
        if column not in (None, name):
            continue
        for source in sources:
            rows.append(
                {
                    "column": name,
                    "input_dataset": _input_dataset(graph, source, resolved),
                    "input_column": source["field"],
                    "transformations": source.get("transformations", []),
                }
            )
    return rows


def _input_dataset(graph: Graph, source: dict[str, Any], resolved: dict[tuple[str, str], str]) -> str:
    """The asset an input column's dataset is: the asset with that namespace and name,
    else the one the name is an alias of, else the id the name would have."""
    from mlg.openlineage.mapping import DATASET_KINDS, dataset_id

    if "dataset" in source:  # written before columns were kept by name
        return source["dataset"]
    key = (source["namespace"], source["name"])
    if key not in resolved:
        named = graph.store.assets_named([key[1]]).to_pylist()
        own = sorted(
            r["id"] for r in named if (r["namespace"] or None) == key[0] and r["kind"] in DATASET_KINDS
        )
        alias = graph.store.aliases([dataset_id(*key)]).get(dataset_id(*key))
        resolved[key] = own[0] if own else alias or dataset_id(*key)
    return resolved[key]


def column_upstream(
    graph: Graph, dataset: str, column: str, depth: int | None = None
) -> list[dict[str, Any]]:
    """Which upstream columns feed `column` of `dataset`, directly or not, nearest first:
    one row per (dataset, column) -> (input dataset, input column) step, with `hops`
    from the column asked about. `via` is "column" for a column fed by another, or
    "dataset" for a column a dataset-level input (a filter, a join key) touches: the
    columnLineage facet's `dataset` part. Each (dataset, column) is followed once, so
    column cycles end."""
    from mlg.errors import AssetNotFound

    start = graph.resolve(dataset).id
    seen = {(start, column)}
    frontier = [(start, column)]
    rows: list[dict[str, Any]] = []
    hops = 0
    while frontier and (depth is None or hops < depth):
        hops += 1
        following = []
        for ds, col in frontier:
            try:
                direct = column_lineage(graph, ds, col)
                shared = dataset_column_inputs(graph, ds)
            except AssetNotFound:
                continue  # a dataset only named by column lineage: nothing known upstream
            for row, via in [(r, "column") for r in direct] + [(r, "dataset") for r in shared]:
                step = (row["input_dataset"], row["input_column"])
                rows.append(
                    {
                        "dataset": ds,
                        "column": col,
                        "input_dataset": step[0],
                        "input_column": step[1],
                        "transformations": row["transformations"],
                        "via": via,
                        "hops": hops,
                    }
                )
                if step not in seen:
                    seen.add(step)
                    following.append(step)
        frontier = following
    return rows


def dataset_column_inputs(graph: Graph, dataset: str) -> list[dict[str, Any]]:
    """The input columns that touch every column of `dataset` (the columnLineage facet's
    dataset-level part: filters, join and group keys): {input_dataset, input_column,
    transformations}."""
    asset = graph.resolve(dataset)
    resolved: dict[tuple[str, str], str] = {}
    return [
        {
            "input_dataset": _input_dataset(graph, source, resolved),
            "input_column": source["field"],
            "transformations": source.get("transformations", []),
        }
        for source in asset.props.get(DATASET_LEVEL) or []
    ]
