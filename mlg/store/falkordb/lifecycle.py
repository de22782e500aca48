"""What a write does to sources and lifetimes on FalkorDB (mlg.lifespan, issue 15).

The same decisions as the Kuzu backend's (mlg/store/kuzu/lifecycle.py, the reference):
each asset, lineage edge and owner link carries the sources that assert it; a sync
takes from its sources what they no longer assert, and what no source asserts is
retired (kept, `valid_to` set); a source asserting it again revives it; an asset
retired by hand stays retired until `restore`; the version a write replaces is kept as
an AssetHistory node. Only the Cypher differs: FalkorDB holds timestamps as integers
(connection.py), has no column defaults (every lifecycle property is written when a
node or edge is created), and every statement here is an `UNWIND $rows` queued in the
write's one MULTI/EXEC (writes.py), so a sync is all or nothing and a second run of
it finds nothing to change.

`plan_lifecycle`, `plan_edges` and `plan_ownerships` read what they need, decide in
Python and hand back statements; writes.py orders them as Kuzu's write_plan does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mlg.lifespan import FOREVER, RETIRED_BY_HAND, RETIRED_BY_SYNC
from mlg.schema import ASSET_COLUMNS
from mlg.store.falkordb.connection import from_micros, to_micros
from mlg.store.falkordb.views import ASSET_HISTORY, FOREVER_US, OWNER_LINK_HISTORY, RETIRED_EDGES

if TYPE_CHECKING:
    from mlg.store.falkordb.store import FalkorStore
    from mlg.validation import EdgeKey, Plan

Statement = tuple[str, dict[str, Any]]
CHUNK = 2_000

# -- statements: each an UNWIND over its rows (times as integers, see connection.py) -------

SET_ASSET_LIFE = (
    "UNWIND $rows AS r MATCH (a:Asset {id: r.id}) SET a.sources = r.sources, "
    "a.valid_from = r.valid_from, a.valid_to = r.valid_to, a.retired_by = r.retired_by, "
    "a.retired_reason = r.reason, a.placeholder = r.placeholder, a.gen = $gen"
)
SET_ASSET_SOURCES = "UNWIND $rows AS r MATCH (a:Asset {id: r.id}) SET a.sources = r.sources"
_EDGE_COPY = "type: e.type, source: e.source, first_seen: e.first_seen, last_seen: e.last_seen"
RETIRE_EDGE = (
    "UNWIND $rows AS r MATCH (a:Asset {id: r.src})-[e:DEPENDS_ON]->(b:Asset {id: r.dst}) "
    f"WHERE e.type = r.rtype CREATE (a)-[:{RETIRED_EDGES} {{{_EDGE_COPY}, sources: r.sources, "
    "valid_from: e.valid_from, valid_to: r.now, reason: r.reason, last_sources: e.sources}]->(b) DELETE e"
)
# an asset retired: its edges go with it, still asserted by their sources (dormant)
RETIRE_EDGES_OF = tuple(
    f"UNWIND $rows AS r MATCH {pattern} "
    f"CREATE (a)-[:{RETIRED_EDGES} {{{_EDGE_COPY}, sources: e.sources, valid_from: e.valid_from, "
    "valid_to: r.now, reason: r.reason, last_sources: e.sources}]->(b) DELETE e"
    for pattern in (
        "(a:Asset {id: r.id})-[e:DEPENDS_ON]->(b:Asset)",
        "(a:Asset)-[e:DEPENDS_ON]->(b:Asset {id: r.id})",
    )
)
SET_EDGE_SOURCES = (
    "UNWIND $rows AS r MATCH (a:Asset {id: r.src})-[e:DEPENDS_ON]->(b:Asset {id: r.dst}) "
    "WHERE e.type = r.rtype SET e.sources = r.sources"
)
SET_DORMANT_SOURCES = (
    f"UNWIND $rows AS r MATCH (a:Asset {{id: r.src}})-[e:{RETIRED_EDGES}]->(b:Asset {{id: r.dst}}) "
    "WHERE e.type = r.rtype AND size(e.sources) > 0 SET e.sources = r.sources"
)
CREATE_DORMANT = (
    "UNWIND $rows AS r MATCH (a:Asset {id: r.src}), (b:Asset {id: r.dst}) "
    f"CREATE (a)-[:{RETIRED_EDGES} {{type: r.rtype, source: r.source, first_seen: r.first_seen, "
    "last_seen: r.last_seen, sources: r.sources, valid_from: r.now, valid_to: r.now, "
    "reason: 'an end is retired', last_sources: []}]->(b)"
)
REVIVE_DORMANT = (
    f"UNWIND $rows AS r MATCH (a:Asset {{id: r.src}})-[e:{RETIRED_EDGES}]->(b:Asset {{id: r.dst}}) "
    "WHERE e.type = r.rtype AND size(e.sources) > 0 "
    f"CREATE (a)-[:DEPENDS_ON {{{_EDGE_COPY}, sources: e.sources, valid_from: r.now, "
    f"valid_to: {FOREVER_US}}}]->(b) SET e.sources = []"
)
SET_OWNED_SOURCES = (
    "UNWIND $rows AS r MATCH (a:Asset {id: r.asset})-[o:OWNED_BY]->(w:Owner {id: r.owner}) "
    "WHERE o.role = r.role SET o.sources = r.sources"
)
DROP_OWNED = (
    "UNWIND $rows AS r MATCH (a:Asset {id: r.asset})-[o:OWNED_BY]->(w:Owner {id: r.owner}) "
    "WHERE o.role = r.role DELETE o"
)
# An owner link about to go, kept with the interval it held (before its DELETE)
PUSH_OWNED = (
    "UNWIND $rows AS r MATCH (a:Asset {id: r.asset})-[o:OWNED_BY]->(w:Owner {id: r.owner}) "
    f"WHERE o.role = r.role CREATE (:{OWNER_LINK_HISTORY} {{key: r.key, asset: a.id, owner: w.id, "
    "role: o.role, sources: o.sources, valid_from: coalesce(o.valid_from, 0), valid_to: r.now})"
)

_COPY = ", ".join(f"{n}: a.{n}" for n, _ in ASSET_COLUMNS if n != "id")
# The current version of asset r.id into AssetHistory, closed now (r.closed false) or
# at its valid_to (a retired asset's last version, r.closed true).
PUSH_VERSION = (
    "UNWIND $rows AS r MATCH (a:Asset {id: r.id}) WHERE (NOT r.closed AND a.valid_from < r.now) "
    "OR (r.closed AND a.valid_from < a.valid_to) "
    f"CREATE (:{ASSET_HISTORY} {{key: r.key, asset: a.id, {_COPY}, sources: a.sources, "
    "placeholder: a.placeholder, valid_from: a.valid_from, "
    "valid_to: CASE WHEN r.closed THEN a.valid_to ELSE r.now END})"
)
# after a new version was written: alive, it starts now; retired, it starts (and ends)
# at valid_to, so no moment sees it before it was written
REOPEN = (
    "UNWIND $rows AS r MATCH (a:Asset {id: r.id}) SET a.valid_from = "
    f"CASE WHEN a.valid_to = {FOREVER_US} THEN r.now ELSE a.valid_to END"
)


def statements(query: str, rows: list[dict[str, Any]]) -> list[Statement]:
    """`query` over `rows` in chunks, datetimes as integers (connection.to_micros)."""
    stored = [{k: to_micros(v) if isinstance(v, datetime) else v for k, v in r.items()} for r in rows]
    return [(query, {"rows": stored[i : i + CHUNK]}) for i in range(0, len(stored), CHUNK)]


@dataclass
class Lifecycle:
    """The lifecycle part of one write, decided before anything is written."""

    now: datetime
    steps: list[Statement] = field(default_factory=list)
    alive_after: dict[str, bool] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)
    revived: list[str] = field(default_factory=list)
    edges_retired: int = 0
    dormant: dict[EdgeKey, set[str]] = field(default_factory=dict)
    was_alive: dict[str, bool] = field(default_factory=dict)
    cascaded: set = field(default_factory=set)
    versioned: dict[str, bool] = field(default_factory=dict)
    reopened: list[str] = field(default_factory=list)

    def add(self, query: str, rows: list[dict[str, Any]]) -> None:
        self.steps += statements(query, rows)


def _chunked(items: list, size: int = 5_000):
    for start in range(0, len(items), size):
        yield items[start : start + size]


def existing_life(store: FalkorStore, ids: list[str]) -> dict[str, dict[str, Any]]:
    """id -> {sources, valid_to, retired_by, placeholder} of the assets in the graph."""
    out = {}
    for chunk in _chunked(list(dict.fromkeys(ids))):
        for row in store._rows(
            "UNWIND $ids AS i MATCH (a:Asset {id: i}) "
            "RETURN a.id, a.sources, a.valid_to, a.retired_by, a.placeholder",
            {"ids": chunk},
        ):
            out[row[0]] = _life(row)
    return out


def _life(row: list) -> dict[str, Any]:
    return {
        "id": row[0],
        "sources": list(row[1] or ()),
        "valid_to": from_micros(row[2]) if row[2] is not None else FOREVER,
        "retired_by": row[3] or "",
        "placeholder": bool(row[4]),
    }


def is_alive(life: dict[str, Any]) -> bool:
    return life["valid_to"] == FOREVER


def _life_row(asset_id, sources, valid_from, valid_to, retired_by, reason, placeholder) -> dict[str, Any]:
    return {
        "id": asset_id,
        "sources": sorted(sources),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "retired_by": retired_by or "",
        "reason": reason,
        "placeholder": bool(placeholder),
    }


def plan_lifecycle(store: FalkorStore, plan: Plan, now: datetime) -> Lifecycle:
    """Sources and lifetimes of the assets `plan` touches (Kuzu's plan_lifecycle)."""
    life = Lifecycle(now)
    synced = set(plan.sources) if plan.sync else set()
    referenced = [i for i in plan.references if i not in plan.assets]
    old = existing_life(store, list(plan.asset_sources) + referenced)
    life.was_alive = {i: is_alive(r) for i, r in old.items() if i in plan.asset_sources}
    claimed: dict[str, dict[str, Any]] = dict(old)
    for source in sorted(synced):
        for row in store._rows(
            "MATCH (a:Asset) WHERE $s IN a.sources "
            "RETURN a.id, a.sources, a.valid_to, a.retired_by, a.placeholder",
            {"s": source},
        ):
            claimed[row[0]] = _life(row)
    life_rows, source_rows = [], []
    for asset_id, row in claimed.items():
        mine = plan.asset_sources.get(asset_id, set())
        before = set(row["sources"] or ())
        referring = plan.references.get(asset_id, set())
        if row["placeholder"]:
            refs = referring
        else:
            refs = referring & before if plan.references_assert else set()
        after = (before - synced) | mine | refs
        alive = is_alive(row)
        if (mine or refs) and not alive and row["retired_by"] != RETIRED_BY_HAND:
            life.revived.append(asset_id)
            life.alive_after[asset_id] = True
            still_placeholder = bool(row["placeholder"]) and not mine
            life_rows.append(_life_row(asset_id, after, now, FOREVER, "", "", still_placeholder))
        elif mine and row["placeholder"]:
            life.alive_after[asset_id] = alive
            life_rows.append(_life_row(asset_id, after, now, row["valid_to"], row["retired_by"], "", False))
        elif not after and alive and before:
            life.retired.append(asset_id)
            life.alive_after[asset_id] = False
            reason = "no source asserts it any more (last: " + ", ".join(sorted(before)) + ")"
            life.versioned[asset_id] = False
            life_rows.append(
                _life_row(asset_id, after, now, now, RETIRED_BY_SYNC, reason, row["placeholder"])
            )
        else:
            life.alive_after[asset_id] = alive
            if after != before:
                source_rows.append({"id": asset_id, "sources": sorted(after)})
                life.versioned.setdefault(asset_id, not alive)
                life.reopened.append(asset_id)
        if asset_id in life.revived:
            life.versioned[asset_id] = True
    life.add(SET_ASSET_LIFE, life_rows)
    life.add(SET_ASSET_SOURCES, source_rows)
    _retire_edges_of_synced(store, plan, life, synced)
    return life


def _retire_edges_of_synced(store: FalkorStore, plan: Plan, life: Lifecycle, synced: set[str]) -> None:
    rows, seen = [], set()
    for chunk in _chunked(life.retired):
        found = []
        for pattern in (
            "(a:Asset {id: i})-[e:DEPENDS_ON]->(b:Asset)",
            "(a:Asset)-[e:DEPENDS_ON]->(b:Asset {id: i})",
        ):
            found += store._rows(
                f"UNWIND $ids AS i MATCH {pattern} RETURN a.id, b.id, e.type, e.sources", {"ids": chunk}
            )
        for src, dst, rtype, sources in found:
            key = (src, dst, rtype)
            if key in seen:
                continue
            seen.add(key)
            after = (set(sources or ()) - synced) | plan.edge_sources.get(key, set())
            reason = "an end was retired by a sync"
            rows.append({**_key(key), "sources": sorted(after), "now": life.now, "reason": reason})
            life.cascaded.add(key)
            life.edges_retired += 1
    life.add(RETIRE_EDGE, rows)


def retire_edges_of(life: Lifecycle, ids: list[str], now: datetime, reason: str) -> None:
    """Move every live edge of the assets `ids` to the retired edges, keeping their
    sources (dormant: they come back with the asset)."""
    rows = [{"id": i, "now": now, "reason": reason} for i in ids]
    for query in RETIRE_EDGES_OF:
        life.add(query, rows)


def _key(key: EdgeKey) -> dict[str, str]:
    return {"src": key[0], "dst": key[1], "rtype": key[2]}


def _edges_with(store: FalkorStore, label: str, keys: list[EdgeKey], dormant: bool) -> dict[EdgeKey, list]:
    """(src, dst, type) -> sources of the `label` edges among `keys` (dormant ones only
    for the retired edges)."""
    out: dict[EdgeKey, list] = {}
    extra = " AND size(e.sources) > 0" if dormant else ""
    for chunk in _chunked([_key(k) for k in keys]):
        for src, dst, rtype, sources in store._rows(
            f"UNWIND $keys AS k MATCH (a:Asset {{id: k.src}})-[e:{label}]->(b:Asset {{id: k.dst}}) "
            f"WHERE e.type = k.rtype{extra} RETURN a.id, b.id, e.type, e.sources",
            {"keys": chunk},
        ):
            out[(src, dst, rtype)] = list(sources or ())
    return out


def plan_edges(
    store: FalkorStore,
    plan: Plan,
    life: Lifecycle,
    old_edges: dict[EdgeKey, dict[str, Any]],
    new_edges: list[dict[str, Any]],
) -> list[dict[str, Any]]:
    """Sources of the plan's edges, the sync's retired edges, and the edges revived with
    their assets (Kuzu's plan_edges). Returns the new edges that go into DEPENDS_ON (both
    ends alive); the others are kept dormant."""
    now = life.now
    synced = set(plan.sources) if plan.sync else set()
    ends = {k[i] for k in plan.edge_sources for i in (0, 1)} - life.alive_after.keys()
    if ends:
        life.alive_after.update((i, is_alive(r)) for i, r in existing_life(store, sorted(ends)).items())
    for asset_id in plan.asset_sources:
        life.alive_after.setdefault(asset_id, True)

    live, dormant_rows = [], []
    for edge in new_edges:
        key = (edge["src"], edge["dst"], edge["rtype"])
        edge["sources"] = sorted(plan.edge_sources.get(key, ()))
        edge["valid_from"] = now
        if life.alive_after.get(key[0], True) and life.alive_after.get(key[1], True):
            live.append(edge)
        else:
            life.dormant[key] = set(edge["sources"])
            dormant_rows.append({**edge, "now": now})
    existing_dormant = (
        _edges_with(store, RETIRED_EDGES, [(r["src"], r["dst"], r["rtype"]) for r in dormant_rows], True)
        if dormant_rows
        else {}
    )
    create, update = [], []
    for r in dormant_rows:
        key = (r["src"], r["dst"], r["rtype"])
        if key in existing_dormant:
            update.append({**_key(key), "sources": sorted(set(existing_dormant[key]) | set(r["sources"]))})
        else:
            create.append(
                {
                    k: r[k]
                    for k in ("src", "dst", "rtype", "source", "first_seen", "last_seen", "sources", "now")
                }
            )
    life.add(CREATE_DORMANT, create)
    life.add(SET_DORMANT_SOURCES, update)

    claimed = {k: set(v.get("sources") or ()) for k, v in old_edges.items()}
    dormant_claimed: dict[EdgeKey, set[str]] = {}
    for source in sorted(synced):
        for src, dst, rtype, sources in store._rows(
            "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) WHERE $s IN e.sources "
            "RETURN a.id, b.id, e.type, e.sources",
            {"s": source},
        ):
            claimed[(src, dst, rtype)] = set(sources)
        for src, dst, rtype, sources in store._rows(
            f"MATCH (a:Asset)-[e:{RETIRED_EDGES}]->(b:Asset) WHERE $s IN e.sources "
            "RETURN a.id, b.id, e.type, e.sources",
            {"s": source},
        ):
            dormant_claimed[(src, dst, rtype)] = set(sources)
    sources_rows, retire_rows = [], []
    for key, before in claimed.items():
        if key in life.cascaded:
            continue
        after = (before - synced) | plan.edge_sources.get(key, set())
        if not after and before:
            life.edges_retired += 1
            reason = "no source asserts it any more (last: " + ", ".join(sorted(before)) + ")"
            retire_rows.append({**_key(key), "sources": [], "now": now, "reason": reason})
        elif after != before:
            sources_rows.append({**_key(key), "sources": sorted(after)})
    life.add(SET_EDGE_SOURCES, sources_rows)
    life.add(RETIRE_EDGE, retire_rows)
    dormant_rows2 = []
    for key, before in dormant_claimed.items():
        if key in life.dormant:
            continue
        after = (before - synced) | plan.edge_sources.get(key, set())
        if after != before:
            dormant_rows2.append({**_key(key), "sources": sorted(after)})
    life.add(SET_DORMANT_SOURCES, dormant_rows2)

    if life.revived:
        revive: dict[tuple, dict[str, Any]] = {}
        live_keys = {(e["src"], e["dst"], e["rtype"]) for e in live}
        for chunk in _chunked(life.revived):
            found = []
            for pattern in (
                f"(a:Asset {{id: i}})-[e:{RETIRED_EDGES}]->(b:Asset)",
                f"(a:Asset)-[e:{RETIRED_EDGES}]->(b:Asset {{id: i}})",
            ):
                found += store._rows(
                    f"UNWIND $ids AS i MATCH {pattern} WHERE size(e.sources) > 0 "
                    "RETURN a.id, b.id, e.type, e.sources, a.valid_to, b.valid_to",
                    {"ids": chunk},
                )
            for src, dst, rtype, sources, a_to, b_to in found:
                key = (src, dst, rtype)
                if key in old_edges or key in live_keys:
                    continue
                after = (set(sources) - synced) | plan.edge_sources.get(key, set())
                ends_alive = all(
                    life.alive_after.get(end, to == FOREVER_US) for end, to in ((src, a_to), (dst, b_to))
                )
                if after and ends_alive:
                    revive[key] = {**_key(key), "now": now}
        life.add(REVIVE_DORMANT, list(revive.values()))
    return live


def plan_ownerships(
    store: FalkorStore,
    plan: Plan,
    life: Lifecycle,
    old_owned: dict[str, dict[tuple[str, str], list[str]]],
    add: list[dict[str, Any]],
    drop: list[dict[str, Any]],
) -> list[str]:
    """Sources of owner links (Kuzu's plan_ownerships); the assets whose owners changed."""
    synced = set(plan.sources) if plan.sync else set()
    for r in add:
        r["sources"] = sorted(plan.ownership_sources.get(r["asset"], ()))
        r["valid_from"] = to_micros(life.now)
    dropping = {(r["asset"], r["owner"], r["role"]) for r in drop}
    claimed: dict[tuple[str, str, str], set[str]] = {}
    for asset_id, links in old_owned.items():
        for (owner, role), sources in links.items():
            claimed[(asset_id, owner, role)] = set(sources)
    for source in sorted(synced):
        for asset, owner, role, sources in store._rows(
            "MATCH (a:Asset)-[o:OWNED_BY]->(w:Owner) WHERE $s IN o.sources "
            "RETURN a.id, w.id, o.role, o.sources",
            {"s": source},
        ):
            claimed[(asset, owner, role)] = set(sources)
    keep_rows, drop_rows = [], []
    for key, before in claimed.items():
        if key in dropping:
            continue
        asserted = (
            plan.ownership_sources.get(key[0], set())
            if key[0] in plan.ownerships and (key[1], key[2]) in plan.ownerships[key[0]]
            else set()
        )
        after = (before - synced) | asserted
        if not after and before:
            drop_rows.append(dict(zip(("asset", "owner", "role"), key)))
        elif after != before:
            keep_rows.append({**dict(zip(("asset", "owner", "role"), key)), "sources": sorted(after)})
    life.add(SET_OWNED_SOURCES, keep_rows)
    life.steps.extend(push_owned_statements(drop_rows, life.now))
    life.add(DROP_OWNED, drop_rows)
    return sorted({r["asset"] for r in drop_rows})


def push_owned_statements(links: list[dict[str, Any]], now: datetime) -> list[Statement]:
    """Statements that keep the owner links `links` ({asset, owner, role}) in
    OwnerLinkHistory, closed `now`; they run before the links are deleted."""
    stamp = now.isoformat()
    rows = [
        {
            **{k: r[k] for k in ("asset", "owner", "role")},
            "key": json.dumps([r["asset"], r["owner"], r["role"], stamp]),
            "now": now,
        }
        for r in links
    ]
    return statements(PUSH_OWNED, rows)


def version_steps(pushes: dict[str, bool], now: datetime) -> list[Statement]:
    """Statements that keep the current version of each asset of `pushes` (id -> closed:
    retired) before a write replaces it; they run before the write's updates."""
    stamp = now.isoformat()
    rows = [{"id": i, "key": f"{i}@{stamp}", "now": now, "closed": c} for i, c in sorted(pushes.items())]
    return statements(PUSH_VERSION, rows)


def reopen_steps(ids: list[str], now: datetime) -> list[Statement]:
    """Statements run after content updates: the new versions start now."""
    return statements(REOPEN, [{"id": i, "now": now} for i in sorted(set(ids))])
