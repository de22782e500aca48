"""Re-keying assets at run time: an asset the graph holds under one id takes another,
with everything it has - its row, kept versions (AssetHistory), edges both ways
(DEPENDS_ON, RETIRED_DEPENDS_ON), owner links and their history, runs, the aliases
naming it (mlg.lifecycle.identity: a better claimant of a physical identifier arrived).

The phases are those of the schema 4 -> 5 upgrade (mlg.store.kuzu.qualified_upgrade):
Kuzu 0.11.3 links the wrong rows when one transaction creates and deletes links of the
same nodes, so each phase is a transaction of its own that records itself in MlgMeta
(`rekey_plan`, `rekey_phase`); a crash in between is finished on the next read-write
open (`resume`). A re-key therefore commits before the batch that asked for it."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import kuzu

from mlg.errors import MlgError
from mlg.store.kuzu.qualified_upgrade import _rows, run_phases

if TYPE_CHECKING:
    from mlg.store.kuzu.store import KuzuStore

PLAN_KEY = "rekey_plan"
PHASE_KEY = "rekey_phase"


def rekey_assets(store: KuzuStore, rekeyed: dict[str, str]) -> None:
    """Give each asset `old` of `rekeyed` the id `new`; refused (nothing written) when an
    old id is not an asset or a new one already is."""
    store.require_writable()
    if not rekeyed:
        return
    conn = store.connection()
    ids = sorted(set(rekeyed) | set(rekeyed.values()))
    present = {row[0] for row in _rows(conn, "MATCH (a:Asset) WHERE a.id IN $ids RETURN a.id", {"ids": ids})}
    for old, new in sorted(rekeyed.items()):
        if old not in present or new in present or old == new:
            raise MlgError(
                f"cannot re-key asset {old!r} as {new!r} in {store.path}: "
                + ("it is not in the graph" if old not in present else f"{new!r} is already an asset")
            )
    store.mark_untracked()  # the derived indexes rebuild: ids change (and stay stale after a crash)
    try:
        run_phases(conn, dict(rekeyed), 0, PLAN_KEY, PHASE_KEY)
    except RuntimeError as exc:
        raise MlgError(
            f"re-keying assets in {store.path} failed (finished on the next open): {exc}"
        ) from None


def resume(conn: kuzu.Connection) -> None:
    """Finish a re-key a crash interrupted (read-write open)."""
    meta = dict(
        _rows(conn, f"MATCH (m:MlgMeta) WHERE m.key IN ['{PLAN_KEY}', '{PHASE_KEY}'] RETURN m.key, m.value")
    )
    if PHASE_KEY in meta and PLAN_KEY in meta:
        run_phases(conn, json.loads(meta[PLAN_KEY]), int(meta[PHASE_KEY]), PLAN_KEY, PHASE_KEY)
        from mlg.generation import GENERATION_KEY, UNTRACKED_KEY

        conn.execute("BEGIN TRANSACTION")
        rows = _rows(conn, f"MATCH (m:MlgMeta {{key: '{GENERATION_KEY}'}}) RETURN m.value")
        generation = str(int(rows[0][0]) + 1 if rows else 1)
        for key in (GENERATION_KEY, UNTRACKED_KEY):  # a new generation the indexes rebuild from
            conn.execute(f"MERGE (m:MlgMeta {{key: '{key}'}}) SET m.value = $v", {"v": generation})
        conn.execute("COMMIT")
