"""What a write does to sources and lifetimes: the steps Kuzu's write_plan adds to its
transaction (sync and retirement, placeholders, kept versions; mlg.lifecycle, issue 15).

`plan_lifecycle` reads what it needs from the graph, decides in Python, and hands
back statements for `mlg.ingest`'s one transaction (a step is (what, statement,
rows)). Each statement is written for one row (its columns as `$parameters`, one
primary-key statement, ~1 ms); more than FEW rows run as one set-based statement over
the Arrow table instead (`bulk`: `LOAD FROM $rows ...`, the parameters read from the
table's columns), since Kuzu plans such a join as a scan of the table (~1 s at 1M
assets) however few the rows. The reads of the planner do the same. Nothing here is
written outside that transaction, so a sync is all-or-nothing, and a second run of
the same sync finds nothing to change.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from mlg.lifespan import FOREVER, RETIRED_BY_HAND, RETIRED_BY_SYNC
from mlg.schema import ASSET_COLUMNS
from mlg.store.kuzu.assets import FEW
from mlg.store.kuzu.schema import ASSET_HISTORY, FOREVER_LITERAL, OWNER_LINK_HISTORY, RETIRED_EDGES

if TYPE_CHECKING:
    from mlg.graph import Graph
    from mlg.validation import EdgeKey, Plan

Step = tuple[str, str, pa.Table]
# Up to FEW rows run (or are read) one primary-key statement each; more, one LOAD FROM
# statement over them all (mlg.store.kuzu.assets.FEW says why).


def db(graph_or_store):
    """The store behind a Graph (or the store itself): what these queries run on."""
    return getattr(graph_or_store, "store", graph_or_store)


LIFE_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("sources", pa.list_(pa.string())),
        ("valid_to", pa.timestamp("us")),
        ("retired_by", pa.string()),
        ("placeholder", pa.bool_()),
    ]
)
_STRINGS = pa.list_(pa.string())

# -- statements, each for one row (Lifecycle.add runs many rows as one, `bulk`) -------------

SET_ASSET_LIFE = (
    "MATCH (a:Asset {id: $id}) SET a.sources = $sources, a.valid_from = $valid_from, "
    "a.valid_to = $valid_to, a.retired_by = $retired_by, a.retired_reason = $reason, "
    "a.placeholder = $placeholder, a.gen = $gen"
)
SET_ASSET_SOURCES = "MATCH (a:Asset {id: $id}) SET a.sources = $sources"
_EDGE_COPY = "type: e.type, source: e.source, first_seen: e.first_seen, last_seen: e.last_seen"
RETIRE_EDGE = (
    "MATCH (a:Asset {id: $src})-[e:DEPENDS_ON]->(b:Asset {id: $dst}) WHERE e.type = $rtype "
    f"CREATE (a)-[:{RETIRED_EDGES} {{{_EDGE_COPY}, sources: $sources, valid_from: e.valid_from, "
    "valid_to: $now, reason: $reason, last_sources: e.sources}]->(b) DELETE e"
)
# an asset retired: its edges go with it, still asserted by their sources (dormant)
RETIRE_EDGES_OF = tuple(
    f"MATCH (a:Asset){left}[e:DEPENDS_ON]{right}(b:Asset) WHERE {end}.id = $id "
    f"CREATE (a)-[:{RETIRED_EDGES} {{{_EDGE_COPY}, sources: e.sources, valid_from: e.valid_from, "
    "valid_to: $now, reason: $reason, last_sources: e.sources}]->(b) DELETE e"
    for left, right, end in (("-", "->", "a"), ("-", "->", "b"))
)
SET_EDGE_SOURCES = (
    "MATCH (a:Asset {id: $src})-[e:DEPENDS_ON]->(b:Asset {id: $dst}) WHERE e.type = $rtype "
    "SET e.sources = $sources"
)
SET_DORMANT_SOURCES = (
    f"MATCH (a:Asset {{id: $src}})-[e:{RETIRED_EDGES}]->(b:Asset {{id: $dst}}) "
    "WHERE e.type = $rtype AND size(e.sources) > 0 SET e.sources = $sources"
)
CREATE_DORMANT = (
    "MATCH (a:Asset {id: $src}), (b:Asset {id: $dst}) "
    f"CREATE (a)-[:{RETIRED_EDGES} {{type: $rtype, source: $source, first_seen: $first_seen, "
    "last_seen: $last_seen, sources: $sources, valid_from: $now, valid_to: $now, "
    "reason: 'an end is retired'}]->(b)"
)
REVIVE_DORMANT = (
    f"MATCH (a:Asset {{id: $src}})-[e:{RETIRED_EDGES}]->(b:Asset {{id: $dst}}) "
    "WHERE e.type = $rtype AND size(e.sources) > 0 "
    f"CREATE (a)-[:DEPENDS_ON {{{_EDGE_COPY}, sources: e.sources, valid_from: $now}}]->(b) "
    "SET e.sources = []"
)
SET_OWNED_SOURCES = (
    "MATCH (a:Asset {id: $asset})-[o:OWNED_BY]->(w:Owner {id: $owner}) WHERE o.role = $role "
    "SET o.sources = $sources"
)
# An owner link about to go, kept with the interval it held (OwnerLinkHistory); runs
# before the DELETE. $key: owned_history_rows.
PUSH_OWNED = (
    "MATCH (a:Asset {id: $asset})-[o:OWNED_BY]->(w:Owner {id: $owner}) WHERE o.role = $role "
    f"CREATE (:{OWNER_LINK_HISTORY} {{key: $key, asset: a.id, owner: w.id, role: o.role, "
    "sources: o.sources, valid_from: o.valid_from, valid_to: $now})"
)
DROP_OWNED = "MATCH (a:Asset {id: $asset})-[o:OWNED_BY]->(w:Owner {id: $owner}) WHERE o.role = $role DELETE o"
TOUCH = "MATCH (a:Asset {id: $id}) SET a.gen = $gen"


@dataclass
class Lifecycle:
    """The lifecycle part of one write, decided before anything is written."""

    now: datetime
    steps: list[Step] = field(default_factory=list)
    # asset id -> alive after this write (for the assets whose state is known here)
    alive_after: dict[str, bool] = field(default_factory=dict)
    retired: list[str] = field(default_factory=list)
    revived: list[str] = field(default_factory=list)
    edges_retired: int = 0
    dormant: dict[EdgeKey, set[str]] = field(default_factory=dict)
    was_alive: dict[str, bool] = field(default_factory=dict)  # the plan's assets already in the graph
    cascaded: set = field(default_factory=set)  # live edges moved with their retired asset
    # versions this write replaces (id -> closed: the asset was retired), kept in
    # AssetHistory first, and the assets whose new version starts now (history.py)
    versioned: dict[str, bool] = field(default_factory=dict)
    reopened: list[str] = field(default_factory=list)

    def add(self, what: str, statement: str, rows: list[dict[str, Any]], schema: pa.Schema) -> None:
        """Add `statement` (written for one row) over `rows`: one statement per row for
        a few, one set-based statement (`bulk`) for more."""
        if rows:
            self.steps.append(_step(what, statement, rows, schema))


def bulk(statement: str, schema: pa.Schema) -> str:
    """`statement`, written for one row with its columns as `$parameters`, as one
    statement over a table of such rows: `LOAD FROM $rows` with each `$column` read
    from the row (other parameters, like `$gen`, stay parameters)."""
    names = set(schema.names)
    body = re.sub(r"\$(\w+)", lambda m: f"`{m[1]}`" if m[1] in names else m[0], statement)
    return "LOAD FROM $rows " + body


def asserted_by(graph: Graph, query: str, sources: set[str]) -> list[dict[str, Any]]:
    """What `query` returns for the rows any of `sources` asserts: one scan, whatever the
    number of sources (a day's sync of several manifests). Its `{var}` placeholder
    becomes the condition on `var.sources`."""
    var = re.search(r"\{(\w+)\}", query)[1]
    # an OR of list_contains: Kuzu 0.11.3 fails on a parameter inside any(x IN .. WHERE ..)
    params = {f"s{i}": source for i, source in enumerate(sorted(sources))}
    condition = " OR ".join(f"list_contains({var}.sources, ${p})" for p in params)
    return db(graph).arrow(query.replace("{" + var + "}", f"({condition})"), params).to_pylist()


def read_rows(
    graph: Graph, query: str, rows: list[dict[str, Any]], schema: pa.Schema
) -> list[dict[str, Any]]:
    """What `query` (written for one row, its columns as `$parameters`) returns over
    all `rows`: one primary-key query per row for a few, one LOAD FROM for more."""
    if not rows:
        return []
    if len(rows) <= FEW:
        return [r for row in rows for r in db(graph).rows(query, row)]
    table = pa.Table.from_pylist(rows, schema=schema)
    names = set(schema.names)
    body = re.sub(r"\$(\w+)", lambda m: f"`{m[1]}`" if m[1] in names else m[0], query)
    return db(graph).arrow("LOAD FROM $rows " + body, {"rows": table}).to_pylist()


def _schema(**types: pa.DataType) -> pa.Schema:
    return pa.schema(list(types.items()))


_S, _T = pa.string(), pa.timestamp("us")
LIFE_ROW = _schema(
    id=_S, sources=_STRINGS, valid_from=_T, valid_to=_T, retired_by=_S, reason=_S, placeholder=pa.bool_()
)
ID_SOURCES = _schema(id=_S, sources=_STRINGS)
EDGE_SOURCES = _schema(src=_S, dst=_S, rtype=_S, sources=_STRINGS)
EDGE_RETIRE = _schema(src=_S, dst=_S, rtype=_S, sources=_STRINGS, now=_T, reason=_S)
ID_NOW = _schema(id=_S, now=_T, reason=_S)
EDGE_KEY = _schema(src=_S, dst=_S, rtype=_S, now=_T)
DORMANT_NEW = _schema(
    src=_S, dst=_S, rtype=_S, source=_S, first_seen=_T, last_seen=_T, sources=_STRINGS, now=_T
)
OWNED_SOURCES = _schema(asset=_S, owner=_S, role=_S, sources=_STRINGS)
OWNED_KEY = _schema(asset=_S, owner=_S, role=_S)
OWNED_PUSH = _schema(asset=_S, owner=_S, role=_S, key=_S, now=_T)
ID_ONLY = _schema(id=_S)
EDGE_ONLY = _schema(src=_S, dst=_S, rtype=_S)
# the live edges at asset $id, out and in (two primary-key patterns, not an OR)
EDGES_AT = (
    "(a:Asset {id: $id})-[e:DEPENDS_ON]->(b:Asset)",
    "(a:Asset)-[e:DEPENDS_ON]->(b:Asset {id: $id})",
)


def existing_life(graph: Graph, ids: list[str]) -> dict[str, dict[str, Any]]:
    """id -> {sources, valid_to, retired_by, placeholder} of the assets in the graph."""
    from mlg.store.kuzu.write import _existing

    return _existing(db(graph), "Asset", ids, LIFE_SCHEMA) if ids else {}


def is_alive(life: dict[str, Any]) -> bool:
    return life["valid_to"] == FOREVER


def plan_lifecycle(graph: Graph, plan: Plan, empty: bool, now: datetime) -> Lifecycle:
    """Sources and lifetimes of the assets, edges and owner links `plan` touches.

    Assets of the plan gain its sources (an asset retired by a sync comes back; a
    placeholder given by a source becomes a full asset). With `plan.sync`, each of
    `plan.sources` loses what it no longer asserts; what no source asserts is retired.
    """
    life = Lifecycle(now)
    synced = set(plan.sources) if plan.sync else set()
    referenced = [i for i in plan.references if i not in plan.assets]
    old = {} if empty else existing_life(graph, list(plan.asset_sources) + referenced)
    life.was_alive = {i: is_alive(r) for i, r in old.items() if i in plan.asset_sources}

    # assets: the plan's plus, for a sync, those its sources asserted before
    claimed: dict[str, dict[str, Any]] = dict(old)
    if synced and not empty:
        rows = asserted_by(
            graph,
            "MATCH (a:Asset) WHERE {a} RETURN a.id AS id, a.sources AS sources, "
            "a.valid_to AS valid_to, a.retired_by AS retired_by, a.placeholder AS placeholder",
            synced,
        )
        claimed.update((r["id"], r) for r in rows)
    life_rows, source_rows = [], []
    for asset_id, row in claimed.items():
        mine = plan.asset_sources.get(asset_id, set())
        before = set(row["sources"] or ())
        # a placeholder is asserted by the sources that reference it; so is an asset, by a
        # source that asserted it before and still refers to it when the batch says that
        # references assert (a connector's; Batch.references_assert)
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
            # the version alive until now is kept; the row is its last state, seen by no moment
            life.versioned[asset_id] = False
            life_rows.append(
                _life_row(asset_id, after, now, now, RETIRED_BY_SYNC, reason, row["placeholder"])
            )
        else:
            life.alive_after[asset_id] = alive
            if after != before:
                source_rows.append({"id": asset_id, "sources": sorted(after)})
                life.versioned.setdefault(asset_id, not alive)  # who asserted it is history too
                life.reopened.append(asset_id)
        if asset_id in life.revived:
            life.versioned[asset_id] = True
    life.add("retiring", SET_ASSET_LIFE, life_rows, LIFE_ROW)
    life.add("sources", SET_ASSET_SOURCES, source_rows, ID_SOURCES)
    _retire_edges_of_synced(graph, plan, life, synced)
    return life


def _retire_edges_of_synced(graph: Graph, plan: Plan, life: Lifecycle, synced: set[str]) -> None:
    """The live edges of the assets a sync retires go with them, keeping the sources
    that still assert them after the sync (dormant, if any)."""
    rows, seen = [], set()
    ids = [{"id": i} for i in life.retired]
    found = [
        r
        for pattern in EDGES_AT
        for r in read_rows(
            graph,
            f"MATCH {pattern} RETURN a.id AS src, b.id AS dst, e.type AS rtype, e.sources AS sources",
            ids,
            ID_ONLY,
        )
    ]
    for r in sorted(found, key=lambda r: (r["src"], r["dst"], r["rtype"])):
        key = (r["src"], r["dst"], r["rtype"])
        if key in seen:
            continue
        seen.add(key)
        after = (set(r["sources"] or ()) - synced) | plan.edge_sources.get(key, set())
        reason = "an end was retired by a sync"
        rows.append({**_key(key), "sources": sorted(after), "now": life.now, "reason": reason})
        life.cascaded.add(key)
        life.edges_retired += 1
    life.add("retiring", RETIRE_EDGE, rows, EDGE_RETIRE)


def _life_row(asset_id, sources, valid_from, valid_to, retired_by, reason, placeholder) -> dict[str, Any]:
    return {
        "id": asset_id,
        "sources": sorted(sources),
        "valid_from": valid_from,
        "valid_to": valid_to,
        "retired_by": retired_by,
        "reason": reason,
        "placeholder": bool(placeholder),
    }


def retire_edges_of(life: Lifecycle, ids: list[str], now: datetime, reason: str) -> None:
    """Move every live edge of the assets `ids` to the retired edges, keeping their
    sources (dormant: they come back with the asset)."""
    rows = [{"id": i, "now": now, "reason": reason} for i in ids]
    for statement in RETIRE_EDGES_OF:
        life.add("retiring", statement, rows, ID_NOW)


def plan_edges(
    graph: Graph,
    plan: Plan,
    life: Lifecycle,
    old_edges: dict[EdgeKey, dict[str, Any]],
    new_edges: list[dict[str, Any]],
    empty: bool,
) -> list[dict[str, Any]]:
    """Sources of the plan's edges, the sync's retired edges, and the edges revived
    with their assets. Returns the new edges that go into DEPENDS_ON (both ends alive);
    the others are kept dormant."""
    now = life.now
    synced = set(plan.sources) if plan.sync else set()
    ends = {k[i] for k in plan.edge_sources for i in (0, 1)} - life.alive_after.keys()
    if ends and not empty:
        life.alive_after.update((i, is_alive(r)) for i, r in existing_life(graph, sorted(ends)).items())
    # plan's assets that were not in the graph are created alive
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
    # an edge already dormant gains the new sources instead of a second dormant record
    existing_dormant = {} if empty or not dormant_rows else _dormant(graph, [r for r in dormant_rows])
    create, update = [], []
    for r in dormant_rows:
        key = (r["src"], r["dst"], r["rtype"])
        if key in existing_dormant:
            update.append({**_key(key), "sources": sorted(existing_dormant[key] | set(r["sources"]))})
        else:
            create.append({k: r[k] for k in DORMANT_NEW.names})
    life.add("relations", CREATE_DORMANT, create, DORMANT_NEW)
    life.add("relations", SET_DORMANT_SOURCES, update, EDGE_SOURCES)

    # live edges the plan asserts again, and (sync) those its sources dropped
    claimed = {k: set(v.get("sources") or ()) for k, v in old_edges.items()}
    dormant_claimed: dict[EdgeKey, set[str]] = {}
    if synced and not empty:
        for r in asserted_by(
            graph,
            "MATCH (a:Asset)-[e:DEPENDS_ON]->(b:Asset) WHERE {e} "
            "RETURN a.id AS src, b.id AS dst, e.type AS rtype, e.sources AS sources",
            synced,
        ):
            claimed[(r["src"], r["dst"], r["rtype"])] = set(r["sources"])
        for r in asserted_by(
            graph,
            f"MATCH (a:Asset)-[e:{RETIRED_EDGES}]->(b:Asset) WHERE {{e}} "
            "RETURN a.id AS src, b.id AS dst, e.type AS rtype, e.sources AS sources",
            synced,
        ):
            dormant_claimed[(r["src"], r["dst"], r["rtype"])] = set(r["sources"])
    sources_rows, retire_rows = [], []
    for key, before in claimed.items():
        if key in life.cascaded:
            continue  # moved with its asset, its sources settled there
        after = (before - synced) | plan.edge_sources.get(key, set())
        if not after and before:
            life.edges_retired += 1
            reason = "no source asserts it any more (last: " + ", ".join(sorted(before)) + ")"
            retire_rows.append({**_key(key), "sources": [], "now": now, "reason": reason})
        elif after != before:
            sources_rows.append({**_key(key), "sources": sorted(after)})
    life.add("relations", SET_EDGE_SOURCES, sources_rows, EDGE_SOURCES)
    life.add("retiring", RETIRE_EDGE, retire_rows, EDGE_RETIRE)
    # dormant edges a synced source no longer asserts lose it
    dormant_rows2 = []
    for key, before in dormant_claimed.items():
        if key in life.dormant:
            continue
        after = (before - synced) | plan.edge_sources.get(key, set())
        if after != before:
            dormant_rows2.append({**_key(key), "sources": sorted(after)})
    life.add("relations", SET_DORMANT_SOURCES, dormant_rows2, EDGE_SOURCES)

    # edges of revived assets come back when their other end is alive too
    if life.revived and not empty:
        revive = []
        ids = [{"id": i} for i in life.revived]
        found = [
            r
            for pattern in EDGES_AT
            for r in read_rows(
                graph,
                f"MATCH {pattern.replace('DEPENDS_ON', RETIRED_EDGES)} WHERE size(e.sources) > 0 "
                "RETURN a.id AS src, b.id AS dst, e.type AS rtype, "
                "e.sources AS sources, a.valid_to AS a_to, b.valid_to AS b_to",
                ids,
                ID_ONLY,
            )
        ]
        live_keys = {(e["src"], e["dst"], e["rtype"]) for e in live}
        for r in sorted(found, key=lambda r: (r["src"], r["dst"], r["rtype"])):
            key = (r["src"], r["dst"], r["rtype"])
            if key in old_edges or key in live_keys:
                continue
            after = (set(r["sources"]) - synced) | plan.edge_sources.get(key, set())
            ends_alive = all(
                life.alive_after.get(end, to == FOREVER)
                for end, to in ((key[0], r["a_to"]), (key[1], r["b_to"]))
            )
            if after and ends_alive:
                revive.append({**_key(key), "now": now})
        life.add("relations", REVIVE_DORMANT, list({tuple(r.values()): r for r in revive}.values()), EDGE_KEY)
    return live


def _key(key: EdgeKey) -> dict[str, str]:
    return {"src": key[0], "dst": key[1], "rtype": key[2]}


def _dormant(graph: Graph, rows: list[dict[str, Any]]) -> dict[EdgeKey, set[str]]:
    keys = [{"src": r["src"], "dst": r["dst"], "rtype": r["rtype"]} for r in rows]
    found = read_rows(
        graph,
        f"MATCH (a:Asset {{id: $src}})-[e:{RETIRED_EDGES}]->(b:Asset {{id: $dst}}) "
        "WHERE e.type = $rtype AND size(e.sources) > 0 "
        "RETURN a.id AS src, b.id AS dst, e.type AS rtype, e.sources AS sources",
        keys,
        EDGE_ONLY,
    )
    return {(r["src"], r["dst"], r["rtype"]): set(r["sources"]) for r in found}


def plan_ownerships(
    graph: Graph,
    plan: Plan,
    life: Lifecycle,
    old_owned: dict[str, dict[tuple[str, str], list[str]]],
    add: list[dict[str, Any]],
    drop: list[dict[str, Any]],
    empty: bool,
) -> list[str]:
    """Sources of owner links: new links carry the plan's, kept links gain them; with a
    sync, links a source no longer asserts lose it and go when none is left. Returns
    the assets whose owners changed (for the search index)."""
    synced = set(plan.sources) if plan.sync else set()
    for r in add:
        r["sources"] = sorted(plan.ownership_sources.get(r["asset"], ()))
        r["valid_from"] = life.now
    dropping = {(r["asset"], r["owner"], r["role"]) for r in drop}
    claimed: dict[tuple[str, str, str], set[str]] = {}
    for asset_id, links in old_owned.items():
        for (owner, role), sources in links.items():
            claimed[(asset_id, owner, role)] = set(sources)
    if synced and not empty:
        for r in asserted_by(
            graph,
            "MATCH (a:Asset)-[o:OWNED_BY]->(w:Owner) WHERE {o} "
            "RETURN a.id AS asset, w.id AS owner, o.role AS role, o.sources AS sources",
            synced,
        ):
            claimed[(r["asset"], r["owner"], r["role"])] = set(r["sources"])
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
    life.add("owners", SET_OWNED_SOURCES, keep_rows, OWNED_SOURCES)
    life.steps.extend(push_owned_steps(drop_rows, life.now))
    life.add("owners", DROP_OWNED, drop_rows, OWNED_KEY)
    return sorted({r["asset"] for r in drop_rows})


def push_owned_steps(links: list[dict[str, Any]], now: datetime) -> list[Step]:
    """Steps that keep the owner links `links` ({asset, owner, role}) in
    OwnerLinkHistory, closed `now`; they run before the links are deleted."""
    if not links:
        return []
    stamp = now.isoformat()
    rows = [
        {**{k: r[k] for k in ("asset", "owner", "role")}, "key": _link_key(r, stamp), "now": now}
        for r in links
    ]
    return [_step("owners", PUSH_OWNED, rows, OWNED_PUSH)]


def _link_key(link: dict[str, Any], stamp: str) -> str:
    # the parts can hold any character: a JSON list keeps them apart
    return json.dumps([link["asset"], link["owner"], link["role"], stamp])


# -- kept versions (mlg.lifecycle.history) ----------------------------------------------------

_COPY = ", ".join(f"{n}: a.{n}" for n, _ in ASSET_COLUMNS if n != "id")
# The current version of asset $id into AssetHistory, closed now ($closed False) or
# at its valid_to (a retired asset's last version, $closed True).
PUSH_VERSION = (
    "MATCH (a:Asset {id: $id}) WHERE (NOT $closed AND a.valid_from < $now) "
    "OR ($closed AND a.valid_from < a.valid_to) "
    f"CREATE (:{ASSET_HISTORY} {{key: $key, asset: a.id, {_COPY}, sources: a.sources, "
    "placeholder: a.placeholder, valid_from: a.valid_from, "
    f"valid_to: CASE WHEN $closed THEN a.valid_to ELSE $now END}})"
)
# after a new version was written: alive, it starts now; retired, it starts (and ends)
# at valid_to, so no moment sees it before it was written
REOPEN = (
    f"MATCH (a:Asset {{id: $id}}) SET a.valid_from = CASE WHEN a.valid_to = {FOREVER_LITERAL} "
    "THEN $now ELSE a.valid_to END"
)
_PUSH_ROWS = pa.schema(
    [("id", pa.string()), ("key", pa.string()), ("now", pa.timestamp("us")), ("closed", pa.bool_())]
)
_ID_NOW = pa.schema([("id", pa.string()), ("now", pa.timestamp("us"))])


def version_steps(pushes: dict[str, bool], now: datetime) -> list[tuple[str, str, pa.Table]]:
    """Steps that keep the current version of each asset of `pushes` (id -> closed:
    retired) before a write replaces it. They must run before the write's updates."""
    if not pushes:
        return []
    stamp = now.isoformat()
    rows = [{"id": i, "key": f"{i}@{stamp}", "now": now, "closed": c} for i, c in sorted(pushes.items())]
    return [_step("history", PUSH_VERSION, rows, _PUSH_ROWS)]


def reopen_steps(ids: list[str], now: datetime) -> list[tuple[str, str, pa.Table]]:
    """Steps run after content updates: the new versions start now."""
    if not ids:
        return []
    rows = [{"id": i, "now": now} for i in sorted(ids)]
    return [_step("history", REOPEN, rows, _ID_NOW)]


def _step(what: str, statement: str, rows: list[dict[str, Any]], schema: pa.Schema) -> Step:
    table = pa.Table.from_pylist(rows, schema=schema)
    return (what, statement if len(rows) <= FEW else bulk(statement, schema), table)
