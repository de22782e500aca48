"""Retiring and restoring an asset by hand on FalkorDB (`mlg retire`, `mlg restore`).

The same rules as the Kuzu backend's (mlg/store/kuzu/retire.py): a manual retirement
holds until `restore`; both are writes like any other, one atomic write with the
generation bump (writes.transaction), planned again if another write came first, and a
second call changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mlg.lifespan import FOREVER, RETIRED_BY_HAND, LifeChange
from mlg.store.falkordb.connection import from_micros
from mlg.store.falkordb.lifecycle import (
    REVIVE_DORMANT,
    SET_ASSET_LIFE,
    Lifecycle,
    retire_edges_of,
    version_steps,
)
from mlg.store.falkordb.views import FOREVER_US, RETIRED_EDGES

if TYPE_CHECKING:
    from mlg.model import Asset
    from mlg.store.falkordb.store import FalkorStore


def retire(store: FalkorStore, asset: Asset, reason: str | None = None) -> LifeChange:
    """Retire `asset` and its edges, keeping both (valid_to = now)."""
    if asset.retired:
        return LifeChange(asset.id, False)
    counted: dict[str, int] = {}

    def plan(gen: int):
        current = store._rows(
            "MATCH (a:Asset {id: $id}) RETURN a.valid_from, a.valid_to, a.sources, a.placeholder",
            {"id": asset.id},
        )
        if not current or current[0][1] != FOREVER_US:
            return None  # gone, or retired meanwhile
        valid_from, _, sources, placeholder = current[0]
        now = _now()
        life = Lifecycle(now)
        life.add(
            SET_ASSET_LIFE,
            [
                {
                    "id": asset.id,
                    "sources": list(sources or ()),
                    "valid_from": from_micros(valid_from),
                    "valid_to": now,
                    "retired_by": RETIRED_BY_HAND,
                    "reason": reason or "retired by hand",
                    "placeholder": bool(placeholder),
                }
            ],
        )
        counted["edges"] = _count(
            store, "MATCH (a:Asset {id: $id})-[e:DEPENDS_ON]-(:Asset) RETURN count(e)", asset.id
        )
        retire_edges_of(life, [asset.id], now, f"{asset.id} was retired by hand")
        return _with_gen(life, gen)

    generation = _write(store, plan)
    return LifeChange(asset.id, generation is not None, counted.get("edges", 0) if generation else 0)


def restore(store: FalkorStore, asset: Asset) -> LifeChange:
    """Bring a retired asset back, with the edges its sources still assert whose other
    end is alive."""
    if not asset.retired:
        return LifeChange(asset.id, False)
    counted: dict[str, int] = {}

    def plan(gen: int):
        current = store._rows(
            "MATCH (a:Asset {id: $id}) RETURN a.valid_to, a.sources, a.placeholder", {"id": asset.id}
        )
        if not current or current[0][0] == FOREVER_US:
            return None
        _, sources, placeholder = current[0]
        now = _now()
        life = Lifecycle(now)
        life.steps += version_steps({asset.id: True}, now)  # its last version, kept
        life.add(
            SET_ASSET_LIFE,
            [
                {
                    "id": asset.id,
                    "sources": list(sources or ()),
                    "valid_from": now,
                    "valid_to": FOREVER,
                    "retired_by": "",
                    "reason": "",
                    "placeholder": bool(placeholder),
                }
            ],
        )
        found = set()
        for pattern in (
            f"(a:Asset {{id: $id}})-[e:{RETIRED_EDGES}]->(b:Asset)",
            f"(a:Asset)-[e:{RETIRED_EDGES}]->(b:Asset {{id: $id}})",
        ):
            for src, dst, rtype in store._rows(
                f"MATCH {pattern} WHERE size(e.sources) > 0 AND (a.id = $id OR a.valid_to = {FOREVER_US}) "
                f"AND (b.id = $id OR b.valid_to = {FOREVER_US}) "
                "RETURN a.id, b.id, e.type",
                {"id": asset.id},
            ):
                found.add((src, dst, rtype))
        counted["edges"] = len(found)
        life.add(REVIVE_DORMANT, [{"src": s, "dst": d, "rtype": t, "now": now} for s, d, t in sorted(found)])
        return _with_gen(life, gen)

    generation = _write(store, plan)
    return LifeChange(asset.id, generation is not None, counted.get("edges", 0) if generation else 0)


def _with_gen(life: Lifecycle, gen: int):
    return [(q, {**p, "gen": gen}) for q, p in life.steps]


def _write(store: FalkorStore, plan) -> int | None:
    from mlg.store.falkordb.writes import transaction

    generation, _ = transaction(store, plan)
    return generation or None


def _count(store: FalkorStore, query: str, asset_id: str) -> int:
    rows = store._rows(query, {"id": asset_id})
    return int(rows[0][0]) if rows else 0


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
