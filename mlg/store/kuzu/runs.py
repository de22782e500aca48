"""Kuzu Cypher for workflow runs (Run, RUN_OF, RUN_IO) and dataset aliases (AssetAlias)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mlg.model import Asset
from mlg.schema import RUN_COLUMNS
from mlg.store.kuzu.assets import ASSET_RETURN, ids_table, storable
from mlg.store.port import StoredRun

if TYPE_CHECKING:
    from mlg.store.kuzu.store import KuzuStore

RUN_RETURN = ", ".join(f"r.{n} AS {n}" for n, _ in RUN_COLUMNS)


def recent_runs(store: KuzuStore, workflow_id: str, limit: int) -> list[StoredRun]:
    if not storable([workflow_id]):
        return []
    rows = store.rows(
        f"MATCH (r:Run)-[:RUN_OF]->(w:Asset {{id: $id}}) RETURN {RUN_RETURN} "
        "ORDER BY coalesce(r.started_at, r.last_event_at) DESC, r.id DESC LIMIT $limit",
        {"id": workflow_id, "limit": max(0, int(limit))},
    )
    if not rows:
        return []
    io = store.rows(
        f"LOAD FROM $ids MATCH (r:Run {{id: id}})-[l:RUN_IO]->(a:Asset) "
        f"RETURN id AS run, l.direction AS direction, {ASSET_RETURN} ORDER BY a.id",
        {"ids": ids_table(r["id"] for r in rows)},
    )
    linked: dict[tuple[str, str], list[Asset]] = {}
    for row in io:
        linked.setdefault((row.pop("run"), row.pop("direction")), []).append(Asset.from_row(row))
    return [
        StoredRun(
            row,
            inputs=tuple(linked.get((row["id"], "input"), ())),
            outputs=tuple(linked.get((row["id"], "output"), ())),
        )
        for row in rows
    ]


def runs(store: KuzuStore, ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    ids = storable(ids)
    if not ids:
        return {}
    rows = store.arrow(
        f"LOAD FROM $ids MATCH (r:Run {{id: id}}) RETURN {RUN_RETURN}", {"ids": ids_table(ids)}
    )
    return {row["id"]: row for row in rows.to_pylist()}


def run_io(store: KuzuStore, ids: Iterable[str]) -> set[tuple[str, str, str]]:
    ids = storable(ids)
    if not ids:
        return set()
    rows = store.arrow(
        "LOAD FROM $ids MATCH (r:Run {id: id})-[l:RUN_IO]->(a:Asset) "
        "RETURN id, a.id AS asset, l.direction AS direction",
        {"ids": ids_table(ids)},
    )
    return {(r["id"], r["asset"], r["direction"]) for r in rows.to_pylist()}


def aliases(store: KuzuStore, ids: Iterable[str]) -> dict[str, str]:
    ids = storable(ids)
    if not ids:
        return {}
    rows = store.arrow(
        "LOAD FROM $ids MATCH (x:AssetAlias {id: id}) RETURN id, x.asset AS asset", {"ids": ids_table(ids)}
    )
    return {r["id"]: r["asset"] for r in rows.to_pylist()}


def aliases_of(store: KuzuStore, asset_ids: Iterable[str]) -> dict[str, str]:
    rows = store.rows(
        "LOAD FROM $ids MATCH (x:AssetAlias) WHERE x.asset = id RETURN x.id AS alias, id",
        {"ids": ids_table(asset_ids)},
    )
    return {r["alias"]: r["id"] for r in rows}


def runs_using(store: KuzuStore, asset_ids: Iterable[str]) -> set[str]:
    rows = store.rows(
        "LOAD FROM $ids MATCH (r:Run)-[:RUN_IO]->(a:Asset {id: id}) RETURN DISTINCT r.id AS run",
        {"ids": ids_table(asset_ids)},
    )
    return {r["run"] for r in rows}
