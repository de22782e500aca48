"""What the search index reads from the graph: the only Kuzu Cypher of mlg/search.

Reads of assets (all, those a write stamped after a generation, or a few by id), of
who owns them, and of every owner — each one query (or one primary-key query per id)
returning Arrow, so a storage port can answer them in its own dialect.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from mlg.lifecycle.view import view_of
from mlg.schema import ASSET_COLUMNS

if TYPE_CHECKING:
    from mlg.graph import Graph

_RETURN = ", ".join(f"a.{name} AS {name}" for name, _ in ASSET_COLUMNS)
FEW = 64  # up to this many assets are read one primary-key query each (see mlg/ingest.py)


def assets(graph: Graph, since: int | None) -> list[dict[str, Any]]:
    """Every alive asset (`since` None), or those written by a generation after `since`
    (retired ones too, with `alive` False: the index forgets them). Timestamps come as
    ISO text ("2024-06-01 12:00:00"), which is what the index keeps."""
    alive = view_of(graph).asset_alive()
    if since is None:
        return _rows(graph._arrow(f"MATCH (a:Asset) WHERE {alive} RETURN {_RETURN}, true AS alive"))
    return _rows(
        graph._arrow(
            f"MATCH (a:Asset) WHERE a.gen > $since RETURN {_RETURN}, {alive} AS alive", {"since": since}
        )
    )


def assets_by_id(graph: Graph, ids: set[str]) -> list[dict[str, Any]]:
    """The assets with these ids (a few: one primary-key look-up each)."""
    return [
        row
        for asset_id in sorted(ids)
        for row in _rows(
            graph._arrow(
                f"MATCH (a:Asset {{id: $id}}) RETURN {_RETURN}, {view_of(graph).asset_alive()} AS alive",
                {"id": asset_id},
            )
        )
    ]


def ownerships(graph: Graph, since: int | None) -> dict[str, list[tuple[str, str]]]:
    """asset id -> [(owner id, owner name)], for the same assets as `assets`."""
    where, params = ("", {}) if since is None else ("WHERE a.gen > $since ", {"since": since})
    table = graph._arrow(
        f"MATCH (a:Asset)-[:OWNED_BY]->(o:Owner) {where}RETURN a.id AS asset, o.id AS owner, o.name AS name",
        params,
    )
    owned: dict[str, list[tuple[str, str]]] = {}
    for asset_id, owner_id, name in zip(*(table.column(c).to_pylist() for c in ("asset", "owner", "name"))):
        owned.setdefault(asset_id, []).append((owner_id, name or ""))
    return owned


def ownerships_by_id(graph: Graph, ids: set[str]) -> dict[str, list[tuple[str, str]]]:
    """asset id -> [(owner id, owner name)] for these few assets."""
    owned: dict[str, list[tuple[str, str]]] = {}
    for asset_id in sorted(ids):
        for row in graph._rows(
            "MATCH (a:Asset {id: $id})-[:OWNED_BY]->(o:Owner) RETURN o.id AS owner, o.name AS name",
            {"id": asset_id},
        ):
            owned.setdefault(asset_id, []).append((row["owner"], row["name"] or ""))
    return owned


def owners(graph: Graph) -> list[tuple[str, str, str]]:
    """Every owner: (id, kind, name). Owners are few (thousands), read whole."""
    table = graph._arrow("MATCH (o:Owner) RETURN o.id AS id, o.kind AS kind, o.name AS name")
    return list(zip(*(table.column(c).to_pylist() for c in ("id", "kind", "name"))))


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
