"""`mlg copy SRC DST`: a whole graph from one store to another, whatever their backends.

Everything a graph records is read through the storage port (assets with every column,
owners, lineage edges with who asserted them and when, ownerships with roles, runs with
their inputs and outputs, aliases) and written to an EMPTY destination as one plan, in
one transaction. Lossless for today's graph: `dump` of the copy equals `dump` of the
original, and a round trip (Kuzu -> FalkorDB -> Kuzu) gives back an identical dump
(tests/falkordb/test_copy.py). History (retired assets and relations, earlier versions,
which sources assert what: mlg.lifecycle) is not carried yet: a graph that keeps any is
refused unless `drop_history` is given.
Derived indexes are not copied: the destination rebuilds its own.
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


def _blanks_none(row: dict[str, Any], label: str) -> dict[str, Any]:
    """Optional text as None, however a backend stores its absence ("" or NULL)."""
    blank = BLANK_FOR_NULL.get(label, ())
    return {k: (None if v == "" and (k in blank or label == "Run") else v) for k, v in row.items()}


def copy_graph(
    source: str | os.PathLike[str], destination: str | os.PathLike[str], *, drop_history: bool = False
) -> IngestReport:
    """Copy the graph at `source` into the empty (or new) graph at `destination`.

    The copy carries today's graph; a source that keeps history (retired assets and
    relations, earlier versions of assets: mlg.lifecycle) is refused unless
    `drop_history=True` says to leave that history behind."""
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
            if not drop_history:
                _refuse_to_drop_history(src)
            return dst.write_plan(_plan_of(src, Plan)).report
        finally:
            dst.close()
    finally:
        src.close()


def _refuse_to_drop_history(src: GraphStore) -> None:
    """The copy carries today's graph only (no retired assets or edges, no kept versions,
    mlg.lifecycle): refuse rather than lose them silently."""
    counts = src.history_counts()
    kept = {what: n for what, n in counts.items() if n}
    if kept:
        listed = ", ".join(f"{n} {what}" for what, n in kept.items())
        raise MlgError(
            f"refusing to copy {src.location}: it keeps history that mlg copy cannot carry yet "
            f"({listed}); give --drop-history (drop_history=True) to copy today's graph only"
        )


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
