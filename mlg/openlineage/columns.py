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
