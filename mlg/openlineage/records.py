"""What the OpenLineage mapping reads of runs and aliases already in the graph.

Run and alias records themselves are the core's (mlg/records.py): checked by
validation and written by the store with the assets they name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlg.records import check_records

if TYPE_CHECKING:
    from mlg.graph import Graph

__all__ = ["check_records", "existing_aliases", "existing_io", "existing_runs"]


# -- reading -------------------------------------------------------------------------------
# (the writing is the store's: GraphStore.write_plan writes plan.runs and plan.aliases)


def existing_runs(graph: Graph, ids) -> dict[str, dict[str, Any]]:
    """The runs the graph holds among `ids`, as rows (facets as JSON text)."""
    return graph.store.runs(ids)


def existing_io(graph: Graph, ids) -> dict[str, dict[str, set[str]]]:
    """run id -> {"inputs": {asset ids}, "outputs": {asset ids}} for the runs in `ids`."""
    found: dict[str, dict[str, set[str]]] = {}
    for run_id, asset, direction in graph.store.run_io(ids):
        key = "inputs" if direction == "input" else "outputs"
        found.setdefault(run_id, {"inputs": set(), "outputs": set()})[key].add(asset)
    return found


def existing_aliases(graph: Graph, ids) -> dict[str, str]:
    """alias id -> asset id, for the aliases among `ids` that the graph holds."""
    return graph.store.aliases(ids)
