"""Retiring and restoring an asset by hand (`mlg retire`, `mlg restore`).

A manual retirement holds until `restore`: a source asserting the asset again
updates it but does not bring it back (a sync retirement, by contrast, ends when a
source asserts the asset again). Both are writes like any other: one transaction,
the generation bumped, and a second call changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from mlg.lifecycle.columns import FOREVER, RETIRED_BY_HAND, RETIRED_EDGES, db
from mlg.lifecycle.history import version_steps
from mlg.lifecycle.sync import EDGE_KEY, LIFE_ROW, REVIVE_DORMANT, SET_ASSET_LIFE, Lifecycle, retire_edges_of

if TYPE_CHECKING:
    from mlg.graph import Graph


@dataclass(frozen=True)
class LifeChange:
    """What `retire` or `restore` did: `changed` is False when there was nothing to do."""

    asset: str
    changed: bool
    edges: int = 0  # edges retired with the asset, or brought back with it

    def to_dict(self) -> dict:
        return {"asset": self.asset, "changed": self.changed, "edges": self.edges}


def retire(graph: Graph, ref: str, reason: str | None = None) -> LifeChange:
    """Retire `ref` (id or name) and its edges, keeping both (valid_to = now)."""
    graph._require_writable()
    asset = graph.viewing(include_retired=True).resolve(ref)
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
                "valid_from": _valid_from(graph, asset.id),
                "valid_to": now,
                "retired_by": RETIRED_BY_HAND,
                "reason": reason or "retired by hand",
                "placeholder": asset.placeholder,
            }
        ],
        LIFE_ROW,
    )
    edges = db(graph).count(
        "MATCH (a:Asset {id: $id})-[e:DEPENDS_ON]-(:Asset) RETURN count(e)", {"id": asset.id}
    )
    retire_edges_of(life, [asset.id], now, f"{asset.id} was retired by hand")
    _write(graph, life, asset.id)
    return LifeChange(asset.id, True, edges)


def restore(graph: Graph, ref: str) -> LifeChange:
    """Bring a retired asset back, with the edges its sources still assert whose
    other end is alive."""
    graph._require_writable()
    asset = graph.viewing(include_retired=True).resolve(ref)
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
    rows = db(graph).rows(
        f"MATCH (a:Asset)-[e:{RETIRED_EDGES}]->(b:Asset) WHERE (a.id = $id OR b.id = $id) "
        "AND size(e.sources) > 0 AND (a.id = $id OR a.valid_to = timestamp('9999-12-31')) "
        "AND (b.id = $id OR b.valid_to = timestamp('9999-12-31')) "
        "RETURN DISTINCT a.id AS src, b.id AS dst, e.type AS rtype",
        {"id": asset.id},
    )
    life.add("restoring", REVIVE_DORMANT, [{**r, "now": now} for r in rows], EDGE_KEY)
    _write(graph, life, asset.id)
    return LifeChange(asset.id, True, len(rows))


def _write(graph: Graph, life: Lifecycle, asset_id: str) -> None:
    from mlg.search.index import refresh_after_write
    from mlg.store.kuzu.write import _run_transaction

    _run_transaction(db(graph), [s for s in life.steps if s[2].num_rows], None)
    refresh_after_write(graph, None, written={asset_id}, owners_changed=False)


def _valid_from(graph: Graph, asset_id: str) -> datetime:
    rows = db(graph).rows("MATCH (a:Asset {id: $id}) RETURN a.valid_from AS v", {"id": asset_id})
    return rows[0]["v"]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)
