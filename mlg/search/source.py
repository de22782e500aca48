"""What the search index reads from the graph, through the storage port.

Reads of assets (all, those a write stamped after a generation, or a few by id), of
who owns them, and of every owner: `GraphStore.index_assets`, `index_ownerships`,
`asset_rows`, `all_owners`, each one store call (or one per id for a few).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    from mlg.graph import Graph

FEW = 64  # up to this many assets are read one primary-key look-up each (as the Kuzu store does)


def assets(graph: Graph, since: int | None) -> list[dict[str, Any]]:
    """Every asset (`since` None), or those written by a generation after `since`.
    Timestamps come as ISO text ("2024-06-01 12:00:00"), which is what the index keeps."""
    return _lived(_rows(graph.store.index_assets(since)))


def assets_by_id(graph: Graph, ids: set[str]) -> list[dict[str, Any]]:
    """The assets with these ids (a few: one primary-key look-up each)."""
    rows = [row for asset_id in sorted(ids) for row in _rows(graph.store.asset_rows([asset_id]))]
    retired = {a.id for a in graph.store.assets(ids).values() if a.retired}  # the index forgets them
    for row in rows:
        row["alive"] = row["id"] not in retired
    return _lived(rows)


def _lived(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each row with `alive` (the index forgets retired assets, mlg.lifecycle) and
    without the other lifecycle columns a store may add."""
    for row in rows:
        valid_to = row.pop("valid_to", None)
        for name in ("placeholder", "retired_reason", "sources"):
            row.pop(name, None)
        if "alive" not in row:
            row["alive"] = valid_to is None or str(valid_to).startswith("9999-12-31")
    return rows


def asset_table(graph: Graph) -> pa.Table:
    """Every asset the index keeps, as the store's Arrow table (rows made from it a
    slice at a time with `slice_rows`)."""
    return graph.store.index_assets(None)


def slice_rows(table: pa.Table) -> list[dict[str, Any]]:
    """A slice of `asset_table` as the rows `assets` gives."""
    return _lived(_rows(table))


def ownership_table(graph: Graph) -> pa.Table:
    """Every ownership, (asset, owner, name) strings, sorted by asset id: the store's
    own table when it has one (`index_ownership_table`), else made from
    `index_ownerships`."""
    read = getattr(graph.store, "index_ownership_table", None)
    if read is not None:
        table = read().select(["asset", "owner", "name"])
    else:
        rows = [(a, o, n) for a, pairs in graph.store.index_ownerships(None).items() for o, n in pairs]
        table = pa.table(
            [pa.array([r[i] for r in rows], pa.string()) for i in range(3)], ["asset", "owner", "name"]
        )
    table = table.cast(pa.schema([(n, pa.string()) for n in ("asset", "owner", "name")]))
    return table.take(pc.sort_indices(table, [("asset", "ascending")])).combine_chunks()


def ownerships(graph: Graph, since: int | None) -> dict[str, list[tuple[str, str]]]:
    """asset id -> [(owner id, owner name)], for the same assets as `assets`."""
    return graph.store.index_ownerships(since)


def ownerships_by_id(graph: Graph, ids: set[str]) -> dict[str, list[tuple[str, str]]]:
    """asset id -> [(owner id, owner name)] for these few assets."""
    return graph.store.index_ownerships(ids=ids)


def owners(graph: Graph) -> list[tuple[str, str, str]]:
    """Every owner: (id, kind, name). Owners are few (thousands), read whole."""
    return [(o.id, o.kind, o.name) for o in graph.store.all_owners()]


def _rows(table: pa.Table) -> list[dict[str, Any]]:
    # column by column, timestamps cast to text by Arrow: several times faster than
    # Table.to_pylist (one datetime object per value) on a million rows
    columns = []
    for name in table.column_names:
        column = table.column(name)
        if pa.types.is_timestamp(column.type):
            column = pc.cast(column, pa.string())
        columns.append(column.to_pylist())
    return [dict(zip(table.column_names, values)) for values in zip(*columns)]
