"""`mlg copy SRC DST`: a whole graph from one store to another, whatever their backends.

Everything a graph records, history included, is read through the storage port as a
GraphImage (mlg.store.image: every table, every column of every row: assets alive and
retired with their lifetimes, sources, placeholders and reasons, kept versions, lineage
edges alive and retired, owners and owner links, runs with their inputs and outputs,
aliases) and written to an EMPTY destination in one transaction (GraphStore.write_image:
Kuzu's one transaction, FalkorDB's one atomic write: a MULTI/EXEC, or when large a
staged copy renamed over the graph, mlg.store.falkordb.writes), so a copy that fails or is killed
leaves the destination as empty as it was. Lossless: `full_dump` of the copy equals
`full_dump` of the original, a round trip (Kuzu -> FalkorDB -> Kuzu) gives back an
identical one, and as-of and diff answer the same (tests/falkordb/test_copy.py).

`drop_history` copies today's graph only, as one ingest plan (`dump`, the
today-only comparison, is what it keeps). Derived indexes are not copied: the
destination rebuilds its own.
"""

from __future__ import annotations

import os
from typing import Any

from mlg.errors import MlgError
from mlg.model import IngestReport
from mlg.schema import BLANK_FOR_NULL, RUN_COLUMNS
from mlg.store import open_store
from mlg.store.port import GraphStore


def dump(store: GraphStore) -> dict[str, Any]:
    """Everything the graph records, in a stable order (for comparing two graphs)."""
    assets = store.index_assets(None).sort_by("id").to_pylist()
    ids = [a["id"] for a in assets]
    records = store.relation_records()
    edges = sorted(tuple(r.values()) for r in records.edges.to_pylist())
    runs = store.runs(records.run_ids)
    return {
        # `alive` is the search index's flag (index_assets), not a column of the asset
        "assets": [_blanks_none({k: v for k, v in a.items() if k != "alive"}, "Asset") for a in assets],
        "owners": [o.to_dict() for o in store.all_owners()],
        "edges": edges,
        "ownerships": sorted((a, tuple(map(tuple, o))) for a, o in store.ownerships(ids).items()),
        "runs": [_blanks_none(runs[r], "Run") for r in sorted(runs)],
        "run_io": sorted(store.run_io(records.run_ids)),
        "aliases": sorted(store.aliases(records.alias_ids).items()),
    }


def full_dump(store: GraphStore) -> dict[str, list[dict[str, Any]]]:
    """Everything the graph records, history included, table by table in a stable order."""
    return store.image().sorted()


def _blanks_none(row: dict[str, Any], label: str) -> dict[str, Any]:
    """Optional text as None, however a backend stores its absence ("" or NULL)."""
    blank = BLANK_FOR_NULL.get(label, ())
    return {k: (None if v == "" and (k in blank or label == "Run") else v) for k, v in row.items()}


def copy_graph(
    source: str | os.PathLike[str], destination: str | os.PathLike[str], *, drop_history: bool = False
) -> IngestReport:
    """Copy the graph at `source` into the empty (or new) graph at `destination`.

    The copy carries the whole graph, history included (mlg.store.image), in one
    transaction; `drop_history=True` copies today's graph only, leaving retired assets
    and relations and earlier versions behind (mlg.lifecycle)."""
    from mlg.validation import Plan

    src = open_store(source, read_only=True, create=False)
    try:
        dst = open_store(destination)
        try:
            if src.location == dst.location:
                raise MlgError(f"source and destination are the same graph: {src.location}")
            if not dst.is_empty():
                raise MlgError(
                    f"refusing to copy into {dst.location}: it already holds a graph (copy into a new one)"
                )
            if drop_history:
                return dst.write_plan(_plan_of(src, Plan)).report
            return dst.write_image(src.image()).report
        finally:
            dst.close()
    finally:
        src.close()


def _plan_of(src: GraphStore, plan_type) -> Any:
    records = src.relation_records()
    plan = plan_type()
    for row in src.index_assets(None).to_pylist():
        row.pop("alive", None)  # the search index's flag, not a column
        plan.assets[row["id"]] = _blanks_none(row, "Asset")
    for owner in src.all_owners():
        plan.owners[owner.id] = {"id": owner.id, "kind": owner.kind, "name": owner.name, "email": owner.email}
    for row in records.edges.to_pylist():
        plan.edges[(row["source"], row["target"], row["type"])] = {
            "source": row["source_of"],
            "first_seen": row["first_seen"],
            "last_seen": row["last_seen"],
        }
    for asset_id, owners in src.ownerships(plan.assets).items():
        plan.ownerships[asset_id] = tuple(tuple(o) for o in owners)
    io: dict[str, dict[str, list[str]]] = {r: {"inputs": [], "outputs": []} for r in records.run_ids}
    for run_id, asset_id, direction in sorted(src.run_io(records.run_ids)):
        io[run_id]["inputs" if direction == "input" else "outputs"].append(asset_id)
    for run_id, row in src.runs(records.run_ids).items():
        plan.runs[run_id] = {**{n: row[n] for n, _ in RUN_COLUMNS}, **io[run_id]}
    plan.aliases.update(src.aliases(records.alias_ids))
    return plan
