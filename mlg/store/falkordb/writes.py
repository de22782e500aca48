"""Writing to FalkorDB: one ingest is one optimistic transaction, all or nothing.

How atomicity is had: every statement of a write (UNWIND batches of rows) is queued in
one Redis MULTI/EXEC together with the generation bump, under WATCH of the graph key.
Redis runs an EXEC as one unit: no other client's command runs in between, and a client
that dies (kill -9) before EXEC leaves nothing applied, since the server drops the queued
commands with the connection. A write that another client committed meanwhile touches
the watched key, EXEC is refused, and the write is planned again from the new state (so
two ingests never diff against stale rows). Statements cannot fail on the data:
validation has already checked it (DESIGN §4), and each GRAPH.QUERY is itself atomic.
With AOF persistence the EXEC is logged as one MULTI...EXEC block, replayed whole or,
if truncated by a crash, not at all (redis-check-aof drops an unfinished block).
Idempotency is that of the Kuzu backend: rows are compared with what is stored and
only differences written, so the same input twice writes nothing the second time.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mlg.errors import GraphError, MlgError
from mlg.generation import GENERATION_KEY, UNTRACKED_KEY
from mlg.model import IngestReport
from mlg.schema import ASSET_COLUMNS, META_TABLE, RUN_COLUMNS
from mlg.store.falkordb.connection import from_micros, to_micros
from mlg.store.port import WriteOutcome

if TYPE_CHECKING:
    from mlg.store.falkordb.store import FalkorStore

CHUNK = 2_000
RETRIES = 20
Statement = tuple[str, dict[str, Any]]

_ASSET_NAMES = [n for n, _ in ASSET_COLUMNS]
_ASSET_TIMES = {n for n, t in ASSET_COLUMNS if t == "TIMESTAMP"}
_RUN_NAMES = [n for n, _ in RUN_COLUMNS]
_RUN_TIMES = {n for n, t in RUN_COLUMNS if t == "TIMESTAMP"}
_BLANK = {"namespace", "family", "version", "description", "domain", "props"}


def create_schema(store: FalkorStore, meta: dict[str, str]) -> None:
    """A new graph: its indexes and MlgMeta rows, in one MULTI/EXEC."""
    from mlg.store.falkordb.store import INDEXES

    conn = store.conn
    pipe = conn.redis.pipeline(transaction=True)
    for statement in INDEXES:
        pipe.execute_command("GRAPH.QUERY", conn.target.graph, statement, "--compact")
    pipe.execute_command(
        "GRAPH.QUERY",
        conn.target.graph,
        conn.header({"rows": [{"key": k, "value": v} for k, v in meta.items()]})
        + f"UNWIND $rows AS r CREATE (:{META_TABLE} {{key: r.key, value: r.value}})",
        "--compact",
    )
    try:
        pipe.execute()
    except conn._redis_errors as exc:
        raise GraphError(f"creating the graph {store.location} failed: {exc}") from None


def transaction(
    store: FalkorStore, plan_statements: Callable[[int], list[Statement]], *, untracked: bool = False
) -> tuple[int, Any]:
    """Run the statements `plan_statements(generation)` returns, with the generation bump,
    in one MULTI/EXEC under WATCH; planned again if another write came first. Returns
    (generation, what plan_statements left in `store._last_plan`)."""
    conn = store.conn
    name = conn.target.graph
    for _ in range(RETRIES):
        with conn.redis.pipeline(transaction=True) as pipe:
            try:
                pipe.watch(name)
                rows = conn.rows(f"MATCH (m:{META_TABLE} {{key: $k}}) RETURN m.value", {"k": GENERATION_KEY})
                generation = int(rows[0][0]) + 1 if rows else 1
                statements = plan_statements(generation)
                if statements is None:
                    return 0, None
                statements = list(statements) + [
                    (
                        f"MATCH (m:{META_TABLE} {{key: $k}}) SET m.value = $v",
                        {"k": GENERATION_KEY, "v": str(generation)},
                    )
                ]
                if untracked:
                    statements.append(
                        (
                            f"MERGE (m:{META_TABLE} {{key: $k}}) SET m.value = $v",
                            {"k": UNTRACKED_KEY, "v": str(generation)},
                        )
                    )
                pipe.multi()
                for query, params in statements:
                    pipe.execute_command("GRAPH.QUERY", name, conn.header(params) + query, "--compact")
                replies = pipe.execute(raise_on_error=False)
            except conn._watch_error:
                continue
            except conn._redis_errors as exc:
                raise GraphError(f"writing to {store.location} failed (nothing was written): {exc}") from None
        failed = [r for r in replies if isinstance(r, Exception)]
        if failed:
            # cannot happen for validated data; say so plainly if it does
            raise GraphError(
                f"writing to {store.location}: a statement failed inside the transaction: {failed[0]}"
            )
        return generation, None
    raise GraphError(f"writing to {store.location}: other writers kept committing first ({RETRIES} attempts)")


def _rows_of(items: list[dict], query: str) -> list[Statement]:
    return [(query, {"rows": items[i : i + CHUNK]}) for i in range(0, len(items), CHUNK)]


def _stored_asset(row: dict[str, Any], gen: int) -> dict[str, Any]:
    out = {}
    for n in _ASSET_NAMES:
        value = row.get(n)
        if n in _ASSET_TIMES:
            value = to_micros(value)
        elif n == "tags":
            value = list(value or [])
        elif n in _BLANK and value is None:
            value = ""
        out[n] = value
    out["gen"] = gen
    return out


def write_plan(store: FalkorStore, plan, progress=None, dry_run: bool = False) -> WriteOutcome:
    """Write a validated mlg.validation.Plan (see the module doc); with `dry_run`, only
    what it would change (the report), nothing sent."""
    if getattr(plan, "sync", False):
        # Source tracking and retirement (mlg.lifecycle, schema 4) are Kuzu-only so far:
        # refuse rather than write a sync that retires nothing.
        raise MlgError(
            "--sync (retiring what a source no longer asserts) is not available on a FalkorDB "
            "graph yet; ingest without --sync, or use a Kuzu graph"
        )
    result: dict[str, Any] = {}
    if dry_run:
        _, report, _, _ = _plan(store, plan, 0)
        return WriteOutcome(IngestReport(**report, files=tuple(plan.files)), frozenset(), False, None)

    def statements(gen: int) -> list[Statement] | None:
        out, report, written, owners_changed = _plan(store, plan, gen)
        result.update(report=report, written=written, owners_changed=owners_changed, n=len(out))
        return out if out else None

    generation, _ = transaction(store, statements)
    if progress:
        progress("writing", 1, 1)
    report = IngestReport(**result["report"], files=tuple(plan.files))
    if not result.get("n"):
        return WriteOutcome(report, frozenset(), False, None)
    written = result["written"]
    return WriteOutcome(
        report, frozenset(written) if written is not None else None, result["owners_changed"], generation
    )


def _plan(store: FalkorStore, plan, gen: int):
    from mlg.store.falkordb.store import ASSET_RETURN, OWNER_RETURN, _chunks

    _check_keys(store, plan)
    now = datetime.now(UTC).replace(tzinfo=None, microsecond=0)
    out: list[Statement] = []
    report: dict[str, int] = {}
    # assets
    existing: dict[str, dict] = {}
    for chunk in _chunks(list(plan.assets)):
        for row in store._rows(
            f"UNWIND $ids AS i MATCH (a:Asset {{id: i}}) RETURN {ASSET_RETURN}", {"ids": chunk}
        ):
            record = dict(zip(_ASSET_NAMES, row))
            for n in _ASSET_TIMES:
                record[n] = from_micros(record[n])
            existing[record["id"]] = record
    new_rows, changed_rows = [], []
    for asset_id, row in plan.assets.items():
        old = existing.get(asset_id)
        if old is None:
            new_rows.append(
                {**row, "created_at": row["created_at"] or now, "updated_at": row["updated_at"] or now}
            )
        elif _asset_changed(old, row):
            changed_rows.append(
                {
                    **row,
                    "created_at": row["created_at"] or old["created_at"],
                    "updated_at": row["updated_at"] or now,
                }
            )
    report.update(
        assets_added=len(new_rows),
        assets_updated=len(changed_rows),
        assets_unchanged=len(plan.assets) - len(new_rows) - len(changed_rows),
    )
    out += _rows_of([_stored_asset(r, gen) for r in new_rows], "UNWIND $rows AS r CREATE (a:Asset) SET a = r")
    out += _rows_of(
        [_stored_asset(r, gen) for r in changed_rows],
        "UNWIND $rows AS r MATCH (a:Asset {id: r.id}) SET a = r",
    )
    # owners
    old_owners = {}
    for chunk in _chunks(list(plan.owners)):
        for row in store._rows(
            f"UNWIND $ids AS i MATCH (o:Owner {{id: i}}) RETURN {OWNER_RETURN}", {"ids": chunk}
        ):
            old_owners[row[0]] = {"id": row[0], "kind": row[1], "name": row[2], "email": row[3] or None}
    new_owners = [r for k, r in plan.owners.items() if k not in old_owners]
    changed_owners = [
        r
        for k, r in plan.owners.items()
        if k in old_owners and old_owners[k] != {**r, "email": r.get("email") or None}
    ]
    report.update(owners_added=len(new_owners), owners_updated=len(changed_owners))

    def owner_row(r):
        return {"id": r["id"], "kind": r["kind"], "name": r["name"], "email": r.get("email") or ""}

    out += _rows_of([owner_row(r) for r in new_owners], "UNWIND $rows AS r CREATE (o:Owner) SET o = r")
    out += _rows_of(
        [owner_row(r) for r in changed_owners], "UNWIND $rows AS r MATCH (o:Owner {id: r.id}) SET o = r"
    )
    # relations
    old_edges: dict[tuple, dict] = {}
    sources = list({k[0] for k in plan.edges})
    for chunk in _chunks(sources):
        for row in store._rows(
            "UNWIND $ids AS i MATCH (a:Asset {id: i})-[e:DEPENDS_ON]->(b:Asset) "
            "RETURN a.id, b.id, e.type, e.source, e.first_seen, e.last_seen",
            {"ids": chunk},
        ):
            old_edges[(row[0], row[1], row[2])] = {
                "src": row[0],
                "dst": row[1],
                "rtype": row[2],
                "source": row[3],
                "first_seen": from_micros(row[4]),
                "last_seen": from_micros(row[5]),
            }
    default_source = "manifest:" + ",".join(plan.files) if plan.files else "manifest"
    new_edges, changed_edges = [], []
    for (src, dst, rtype), edge in plan.edges.items():
        old = old_edges.get((src, dst, rtype))
        if old is None:
            new_edges.append(
                {
                    "src": src,
                    "dst": dst,
                    "rtype": rtype,
                    "source": edge["source"] or default_source,
                    "first_seen": edge["first_seen"] or edge["last_seen"] or now,
                    "last_seen": edge["last_seen"] or edge["first_seen"] or now,
                }
            )
            continue
        merged = dict(old)
        if edge["source"] is not None:
            merged["source"] = edge["source"]
        if edge["first_seen"] is not None and (
            old["first_seen"] is None or edge["first_seen"] < old["first_seen"]
        ):
            merged["first_seen"] = edge["first_seen"]
        if edge["last_seen"] is not None and (
            old["last_seen"] is None or edge["last_seen"] > old["last_seen"]
        ):
            merged["last_seen"] = edge["last_seen"]
        if merged != old:
            changed_edges.append(merged)
    report.update(
        relations_added=len(new_edges),
        relations_updated=len(changed_edges),
        relations_unchanged=len(plan.edges) - len(new_edges) - len(changed_edges),
    )

    def edge_row(e):
        return {**e, "first_seen": to_micros(e["first_seen"]), "last_seen": to_micros(e["last_seen"])}

    out += _rows_of(
        [edge_row(e) for e in new_edges],
        "UNWIND $rows AS r MATCH (a:Asset {id: r.src}), (b:Asset {id: r.dst}) "
        "CREATE (a)-[:DEPENDS_ON {type: r.rtype, source: r.source, first_seen: r.first_seen, "
        "last_seen: r.last_seen}]->(b)",
    )
    out += _rows_of(
        [edge_row(e) for e in changed_edges],
        "UNWIND $rows AS r MATCH (a:Asset {id: r.src})-[e:DEPENDS_ON]->(b:Asset {id: r.dst}) "
        "WHERE e.type = r.rtype "
        "SET e.source = r.source, e.first_seen = r.first_seen, e.last_seen = r.last_seen",
    )
    # ownerships: an asset record that lists owners replaces that asset's owners
    old_owned = store.ownerships(plan.ownerships.keys())
    drop, add = [], []
    for asset_id, owners in plan.ownerships.items():
        current = set(old_owned.get(asset_id, ()))
        wanted = set(owners)
        drop.extend({"asset": asset_id, "owner": o, "role": r} for o, r in current - wanted)
        add.extend({"asset": asset_id, "owner": o, "role": r} for o, r in owners if (o, r) not in current)
    report.update(ownerships_added=len(add))
    out += _rows_of(
        drop,
        "UNWIND $rows AS r MATCH (a:Asset {id: r.asset})-[o:OWNED_BY]->(w:Owner {id: r.owner}) "
        "WHERE o.role = r.role DELETE o",
    )
    out += _rows_of(
        add,
        "UNWIND $rows AS r MATCH (a:Asset {id: r.asset}), (w:Owner {id: r.owner}) "
        "CREATE (a)-[:OWNED_BY {role: r.role}]->(w)",
    )
    touched = sorted({r["asset"] for r in drop + add})
    out += _rows_of(
        [{"id": i} for i in touched], "UNWIND $rows AS r MATCH (a:Asset {id: r.id}) SET a.gen = $gen"
    )
    renamed = [{"id": r["id"]} for r in changed_owners if r["name"] != old_owners[r["id"]]["name"]]
    out += _rows_of(
        renamed, "UNWIND $rows AS r MATCH (a:Asset)-[:OWNED_BY]->(o:Owner {id: r.id}) SET a.gen = $gen"
    )
    out = [(q, {**p, "gen": gen}) for q, p in out]
    # runs and aliases
    if plan.runs or plan.aliases:
        out += _record_statements(store, plan)
    written = None if renamed else {r["id"] for r in new_rows + changed_rows} | set(touched)
    return out, report, written, bool(new_owners or changed_owners)


def _check_keys(store: FalkorStore, plan) -> None:
    """Refuse, before anything is sent, a plan whose rows are not filed under their own id.

    FalkorDB has no primary keys, and Redis does not roll back the commands of an EXEC
    that ran before a failing one: a statement must not be able to fail once the write
    is under way. What the database would refuse (a second node with an existing id) is
    refused here instead, while nothing has been written."""
    for label, rows in (("asset", plan.assets), ("owner", plan.owners), ("run", plan.runs)):
        for key, row in rows.items():
            if row.get("id") != key:
                raise GraphError(
                    f"write to {store.location} refused: the {label} row filed under {key!r} "
                    f"has id {row.get('id')!r}; nothing was written"
                )


def _record_statements(store: FalkorStore, plan) -> list[Statement]:
    out: list[Statement] = []
    old_runs = store.runs(plan.runs.keys())
    new_rows, changed_rows, links = [], [], []
    for run_id, row in plan.runs.items():
        values = {n: row[n] for n in _RUN_NAMES}
        old = old_runs.get(run_id)
        if old is None:
            new_rows.append(values)
            links.append({"run": run_id, "asset": row["workflow"]})
        elif any(old[n] != values[n] for n in _RUN_NAMES if n not in ("id", "workflow")):
            changed_rows.append(values)

    def stored(values):
        return {n: (to_micros(v) if n in _RUN_TIMES else v) for n, v in values.items()}

    out += _rows_of([stored(r) for r in new_rows], "UNWIND $rows AS r CREATE (x:Run) SET x = r")
    out += _rows_of([stored(r) for r in changed_rows], "UNWIND $rows AS r MATCH (x:Run {id: r.id}) SET x = r")
    out += _rows_of(
        links,
        "UNWIND $rows AS r MATCH (x:Run {id: r.run}), (a:Asset {id: r.asset}) CREATE (x)-[:RUN_OF]->(a)",
    )
    old_io = store.run_io(plan.runs.keys())
    io = [
        {"run": run_id, "asset": asset, "direction": direction}
        for run_id, row in plan.runs.items()
        for key, direction in (("inputs", "input"), ("outputs", "output"))
        for asset in row[key]
        if (run_id, asset, direction) not in old_io
    ]
    out += _rows_of(
        io,
        "UNWIND $rows AS r MATCH (x:Run {id: r.run}), (a:Asset {id: r.asset}) "
        "CREATE (x)-[:RUN_IO {direction: r.direction}]->(a)",
    )
    old_aliases = store.aliases(plan.aliases.keys())
    new_aliases = [{"id": a, "asset": t} for a, t in plan.aliases.items() if a not in old_aliases]
    moved = [
        {"id": a, "asset": t} for a, t in plan.aliases.items() if a in old_aliases and old_aliases[a] != t
    ]
    out += _rows_of(new_aliases, "UNWIND $rows AS r CREATE (:AssetAlias {id: r.id, asset: r.asset})")
    out += _rows_of(moved, "UNWIND $rows AS r MATCH (x:AssetAlias {id: r.id}) SET x.asset = r.asset")
    return out


def _differs(old: dict[str, Any], row: dict[str, Any], name: str) -> bool:
    new = row.get(name)
    if name in _BLANK:
        return (old.get(name) or None) != (new or None)
    if name == "tags":
        return list(old.get(name) or []) != list(new or [])
    return old.get(name) != new


def _asset_changed(old: dict[str, Any], row: dict[str, Any]) -> bool:
    return any(
        _differs(old, row, n)
        for n in _ASSET_NAMES
        if n not in ("id", "created_at", "updated_at") or (n in _ASSET_TIMES and row.get(n) is not None)
    )
