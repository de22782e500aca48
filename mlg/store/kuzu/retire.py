"""Retiring and restoring an asset by hand (`mlg retire`, `mlg restore`).

A manual retirement holds until `restore`: a source asserting the asset again
updates it but does not bring it back (a sync retirement, by contrast, ends when a
source asserts the asset again). Both are writes like any other: one transaction,
the generation bumped, and a second call changes nothing.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mlg.lifespan import FOREVER, RETIRED_BY_HAND, LifeChange
from mlg.store.kuzu.lifecycle import (
    EDGE_KEY,
    LIFE_ROW,
    REVIVE_DORMANT,
    SET_ASSET_LIFE,
    Lifecycle,
    retire_edges_of,
    version_steps,
)
from mlg.store.kuzu.schema import RETIRED_EDGES

if TYPE_CHECKING:
    from mlg.model import Asset
    from mlg.store.kuzu.store import KuzuStore


def retire(store: KuzuStore, asset: Asset, reason: str | None = None) -> LifeChange:
    """Retire `ref` (id or name) and its edges, keeping both (valid_to = now)."""
    store.require_writable()
    if asset.retired:
        return LifeChange(asset.id, False)
    now = _now()
    life = Lifecycle(now)
    life.add(
        "retiring",
        SET_ASSET_LIFE,
        [
            {
                "id": asset.id,
                "sources": list(asset.sources),
                "valid_from": _valid_from(store, asset.id),
                "valid_to": now,
                "retired_by": RETIRED_BY_HAND,
                "reason": reason or "retired by hand",
                "placeholder": asset.placeholder,
            }
        ],
        LIFE_ROW,
    )
    edges = store.count("MATCH (a:Asset {id: $id})-[e:DEPENDS_ON]-(:Asset) RETURN count(e)", {"id": asset.id})
    retire_edges_of(life, [asset.id], now, f"{asset.id} was retired by hand")
    _write(store, life)
    return LifeChange(asset.id, True, edges)


def restore(store: KuzuStore, asset: Asset) -> LifeChange:
    """Bring a retired asset back, with the edges its sources still assert whose
    other end is alive."""
    store.require_writable()
    if not asset.retired:
        return LifeChange(asset.id, False)
    now = _now()
    life = Lifecycle(now)
    life.steps.extend(version_steps({asset.id: True}, now))  # its last version, kept
    life.add(
        "restoring",
        SET_ASSET_LIFE,
        [
            {
                "id": asset.id,
                "sources": list(asset.sources),
                "valid_from": now,
                "valid_to": FOREVER,
                "retired_by": "",
                "reason": "",
                "placeholder": asset.placeholder,
            }
        ],
        LIFE_ROW,
    )
    rows = store.rows(
        f"MATCH (a:Asset)-[e:{RETIRED_EDGES}]->(b:Asset) WHERE (a.id = $id OR b.id = $id) "
        "AND size(e.sources) > 0 AND (a.id = $id OR a.valid_to = timestamp('9999-12-31')) "
        "AND (b.id = $id OR b.valid_to = timestamp('9999-12-31')) "
        "RETURN DISTINCT a.id AS src, b.id AS dst, e.type AS rtype",
        {"id": asset.id},
    )
    life.add("restoring", REVIVE_DORMANT, [{**r, "now": now} for r in rows], EDGE_KEY)
    _write(store, life)
    return LifeChange(asset.id, True, len(rows))


def _write(store: KuzuStore, life: Lifecycle) -> None:
    """One transaction (the search index is brought along by Graph.retire/restore)."""
    from mlg.store.kuzu.write import _run_transaction

    _run_transaction(store, [s for s in life.steps if s[2].num_rows], None)


def _valid_from(store: KuzuStore, asset_id: str) -> datetime:
    rows = store.rows("MATCH (a:Asset {id: $id}) RETURN a.valid_from AS v", {"id": asset_id})
    return rows[0]["v"]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
