"""Kuzu Cypher for writing a validated Plan: one transaction, all or nothing.

Rows are handed to Kuzu as Arrow tables (`LOAD FROM $table ...`), never one
statement per row. Nothing here can fail on the data: validation already ran.
COPY is not used: it cannot run inside a transaction and meets the primary-key
defects listed in DESIGN §4.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from mlg.errors import MlgError
from mlg.model import IngestReport, keeping_bookkeeping
from mlg.schema import ASSET_COLUMNS, BLANK_FOR_NULL, RELATION_PROPERTIES, RUN_COLUMNS
from mlg.store.kuzu.assets import FEW, ids_table, owner_links, storable
from mlg.store.kuzu.generation import BUMP_STATEMENT, next_generation
from mlg.store.kuzu.lifecycle import (
    plan_edges,
    plan_lifecycle,
    plan_ownerships,
    push_owned_steps,
    reopen_steps,
    version_steps,
)
from mlg.store.kuzu.runs import aliases, run_io, runs
from mlg.store.port import ASSET_SCHEMA, Progress, WriteOutcome

if TYPE_CHECKING:
    from mlg.store.kuzu.store import KuzuStore
    from mlg.validation import Plan

CONTENT_COLUMNS = ("kind", "name", "namespace", "family", "version", "description", "domain", "tags", "props")

_ARROW_TYPES = {"STRING": pa.string(), "STRING[]": pa.list_(pa.string()), "TIMESTAMP": pa.timestamp("us")}
OWNER_SCHEMA = pa.schema([(n, pa.string()) for n in ("id", "kind", "name", "email")])
EDGE_SCHEMA = pa.schema(
    [("src", pa.string()), ("dst", pa.string()), ("rtype", pa.string())]
    + [(n, _ARROW_TYPES[t]) for n, t in RELATION_PROPERTIES if n != "type"]
)
OWNERSHIP_SCHEMA = pa.schema([("asset", pa.string()), ("owner", pa.string()), ("role", pa.string())])
# what new rows carry besides their columns: who asserts them and since when (mlg.lifecycle)
_LIFE = [("sources", pa.list_(pa.string())), ("valid_from", pa.timestamp("us"))]
NEW_ASSET_SCHEMA = pa.schema(list(ASSET_SCHEMA) + _LIFE + [("placeholder", pa.bool_())])
NEW_EDGE_SCHEMA = pa.schema(list(EDGE_SCHEMA) + _LIFE)
NEW_OWNERSHIP_SCHEMA = pa.schema(list(OWNERSHIP_SCHEMA) + _LIFE)

# Every asset written carries the write's generation (mlg/generation.py), bound as $gen.
_ASSET_SET = ", ".join(f"a.{n} = {n}" for n, _ in ASSET_COLUMNS if n != "id") + ", a.gen = $gen"
_ASSET_CREATE = (
    ", ".join(f"{n}: {n}" for n, _ in ASSET_COLUMNS)
    + ", gen: $gen, sources: sources, valid_from: valid_from, placeholder: placeholder"
)
ID_SCHEMA = pa.schema([("id", pa.string())])


def is_empty(store: KuzuStore) -> bool:
    return (
        store.count("MATCH (a:Asset) RETURN count(*)") == 0
        and store.count("MATCH (o:Owner) RETURN count(*)") == 0
    )


def asset_kinds(store: KuzuStore, ids: Iterable[str]) -> dict[str, str]:
    ids = storable(ids)
    if not ids:
        return {}
    rows = store.arrow(
        "LOAD FROM $ids MATCH (a:Asset {id: id}) RETURN a.id AS id, a.kind AS kind", {"ids": ids_table(ids)}
    )
    return dict(zip(rows.column("id").to_pylist(), rows.column("kind").to_pylist()))


def owner_ids(store: KuzuStore, ids: Iterable[str]) -> set[str]:
    ids = storable(ids)
    if not ids:
        return set()
    rows = store.arrow("LOAD FROM $ids MATCH (o:Owner {id: id}) RETURN o.id AS id", {"ids": ids_table(ids)})
    return set(rows.column("id").to_pylist())


def write_plan(
    store: KuzuStore, plan: Plan, progress: Progress | None = None, dry_run: bool = False
) -> WriteOutcome:
    work, outcome = _plan_steps(store, plan)
    generation = _run_transaction(store, work, progress) if work and not dry_run else None
    return dataclasses.replace(outcome, generation=generation)


def write_plans(store: KuzuStore, plans: Iterable[Plan], progress: Progress | None = None) -> WriteOutcome:
    """Write plans one after another in ONE transaction, each planned against what the
    ones before it wrote (reads on this connection see the transaction's own writes), so
    that only one plan is in memory at a time. `plans` may be lazy: whatever it raises
    (an IngestError of a late chunk) rolls everything back and is raised again. What
    was written, summed over the plans."""
    totals: dict[str, int] = {}
    files: list[str] = []
    owners_changed = False
    with _transaction(store, progress) as txn:
        for plan in plans:
            work, outcome = _plan_steps(store, plan)
            for what, statement, rows in work:
                if progress:
                    progress(f"writing {what}", txn.done, 0)
                txn.run(statement, rows)
            for name, value in dataclasses.asdict(outcome.report).items():
                if isinstance(value, int):
                    totals[name] = totals.get(name, 0) + value
            files.extend(f for f in plan.files if f not in files)
            owners_changed = owners_changed or outcome.owners_changed
    if progress:
        progress("done", txn.done, txn.done)
    # written: None - the ids of every chunk would grow with the input; the search index
    # finds what changed by the generation instead
    return WriteOutcome(
        IngestReport(**totals, files=tuple(files)),
        None,
        owners_changed,
        txn.generation,
    )


def _plan_steps(store: KuzuStore, plan: Plan) -> tuple[list[tuple[str, str, pa.Table]], WriteOutcome]:
    """The (what, statement, rows) steps that write `plan`, with nonempty rows, and what
    they will have written (generation None)."""
    empty = is_empty(store)
    moment = datetime.now(UTC).replace(tzinfo=None)  # valid_from/valid_to: to the microsecond
    now = moment.replace(microsecond=0)
    report: dict[str, int] = {}
    steps: list[tuple[str, str, pa.Table]] = []  # (what, statement, rows)
    life = plan_lifecycle(store, plan, empty, moment)

    # assets
    existing = {} if empty else _existing(store, "Asset", plan.assets.keys(), ASSET_SCHEMA)
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
                    "valid_from": moment,
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
    steps.append(
        (
            "assets",
            f"LOAD FROM $rows CREATE (:Asset {{{_ASSET_CREATE}}})",
            _table(new_rows, NEW_ASSET_SCHEMA, "Asset"),
        )
    )
    if len(changed_rows) <= FEW:
        # A few updates: each sets only the columns that changed, by primary key. Kuzu
        # rewrites every column a statement sets when it checkpoints (1 s at 1M assets
        # for a whole row, against a join over the table plus that for LOAD FROM).
        for row in changed_rows:
            old = existing[row["id"]]
            columns = [n for n, _ in ASSET_COLUMNS if n != "id" and _differs(old, row, n)] or ["updated_at"]
            statement = "MATCH (a:Asset {id: $id}) SET " + ", ".join(f"a.{n} = ${n}" for n in columns)
            steps.append(("assets", statement + ", a.gen = $gen", _table([row], ASSET_SCHEMA, "Asset")))
    else:
        steps.append(
            (
                "assets",
                f"LOAD FROM $rows MATCH (a:Asset {{id: id}}) SET {_ASSET_SET}",
                _table(changed_rows, ASSET_SCHEMA, "Asset"),
            )
        )

    # history: the versions these updates (and revivals) replace are kept first
    replaced = {r["id"]: not life.was_alive.get(r["id"], True) for r in changed_rows}
    replaced.update(life.versioned)
    steps[:0] = version_steps(replaced, moment)
    steps.extend(reopen_steps([r["id"] for r in changed_rows] + life.reopened, moment))

    # owners
    existing_owners = {} if empty else _existing(store, "Owner", plan.owners.keys(), OWNER_SCHEMA)
    new_owners = [r for k, r in plan.owners.items() if k not in existing_owners]
    changed_owners = [r for k, r in plan.owners.items() if k in existing_owners and existing_owners[k] != r]
    report.update(owners_added=len(new_owners), owners_updated=len(changed_owners))
    steps.append(
        (
            "owners",
            "LOAD FROM $rows CREATE (:Owner {id: id, kind: kind, name: name, email: email})",
            _table(new_owners, OWNER_SCHEMA, "Owner"),
        )
    )
    steps.append(
        (
            "owners",
            "LOAD FROM $rows MATCH (o:Owner {id: id}) SET o.kind = kind, o.name = name, o.email = email",
            _table(changed_owners, OWNER_SCHEMA, "Owner"),
        )
    )

    # relations
    old_edges = {} if empty else _existing_edges(store, plan.edges.keys())
    new_edges, changed_edges = [], []
    default_source = "manifest:" + ",".join(plan.files) if plan.files else "manifest"
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
        if merged != old:
            changed_edges.append(merged)
    new_edges = plan_edges(store, plan, life, old_edges, new_edges, empty)
    report.update(
        relations_added=len(new_edges),
        relations_updated=len(changed_edges),
        relations_unchanged=len(plan.edges) - len(new_edges) - len(changed_edges),
    )
    steps.append(
        (
            "relations",
            "LOAD FROM $rows MATCH (a:Asset {id: src}) MATCH (b:Asset {id: dst}) "
            "CREATE (a)-[:DEPENDS_ON {type: rtype, source: source, first_seen: first_seen, "
            "last_seen: last_seen, sources: sources, valid_from: valid_from}]->(b)",
            _table(new_edges, NEW_EDGE_SCHEMA),
        )
    )
    steps.append(
        (
            "relations",
            "LOAD FROM $rows MATCH (a:Asset {id: src})-[e:DEPENDS_ON]->"
            "(b:Asset {id: dst}) WHERE e.type = rtype SET e.source = source, "
            "e.first_seen = first_seen, e.last_seen = last_seen",
            _table(changed_edges, EDGE_SCHEMA),
        )
    )

    # ownership: an asset record that lists owners replaces that asset's owners
    old_owned = {} if empty else _existing_ownerships(store, plan.ownerships.keys())
    drop, add = [], []
    for asset_id, owners in plan.ownerships.items():
        current = set(old_owned.get(asset_id, {}))
        wanted = set(owners)
        drop.extend({"asset": asset_id, "owner": o, "role": r} for o, r in current - wanted)
        add.extend({"asset": asset_id, "owner": o, "role": r} for o, r in owners if (o, r) not in current)
    unowned = plan_ownerships(store, plan, life, old_owned, add, drop, empty)
    report.update(ownerships_added=len(add))
    steps.extend(push_owned_steps(drop, life.now))  # kept, with the interval each held
    steps.append(
        (
            "owners",
            "LOAD FROM $rows MATCH (a:Asset {id: asset})-[o:OWNED_BY]->"
            "(w:Owner {id: owner}) WHERE o.role = role DELETE o",
            _table(drop, OWNERSHIP_SCHEMA),
        )
    )
    steps.append(
        (
            "owners",
            "LOAD FROM $rows MATCH (a:Asset {id: asset}) MATCH (w:Owner {id: owner}) "
            "CREATE (a)-[:OWNED_BY {role: role, sources: sources, valid_from: valid_from}]->(w)",
            _table(add, NEW_OWNERSHIP_SCHEMA),
        )
    )

    # What the search index shows of an asset includes its owners' names: an asset
    # whose owners changed, or whose owner was renamed, is written again for the index.
    touched = sorted({r["asset"] for r in drop + add} | set(unowned) | set(life.retired) | set(life.revived))
    steps.append(
        (
            "owners",
            "LOAD FROM $rows MATCH (a:Asset {id: id}) SET a.gen = $gen",
            _table([{"id": i} for i in touched], ID_SCHEMA),
        )
    )
    renamed = [{"id": r["id"]} for r in changed_owners if r["name"] != existing_owners[r["id"]]["name"]]
    steps.append(
        (
            "owners",
            "LOAD FROM $rows MATCH (a:Asset)-[:OWNED_BY]->(o:Owner {id: id}) SET a.gen = $gen",
            _table(renamed, ID_SCHEMA),
        )
    )

    steps.extend(life.steps)  # sources, retirements, revivals (mlg/lifecycle/sync.py)
    report.update(
        assets_retired=len(life.retired),
        assets_revived=len(life.revived),
        relations_retired=life.edges_retired,
        placeholders_added=sum(1 for r in new_rows if r["placeholder"]),
    )

    if plan.runs or plan.aliases or plan.merged:
        steps.extend(_record_steps(store, plan, empty))

    work = [s for s in steps if s[2].num_rows]
    written = (
        None
        if renamed or plan.merged
        else frozenset({r["id"] for r in new_rows + changed_rows} | set(touched))
    )
    return work, WriteOutcome(
        IngestReport(**report, files=tuple(plan.files)),
        written,
        bool(new_owners or changed_owners),
        None,
    )


# The by-id updates of write_plan, as one statement per row: what a few rows take
# instead of `LOAD FROM $rows MATCH (n {id: id})`, which Kuzu plans as a join over the
# whole table (see FEW).
_BY_PRIMARY_KEY = {
    f"LOAD FROM $rows MATCH (a:Asset {{id: id}}) SET {_ASSET_SET}": "MATCH (a:Asset {id: $id}) SET "
    + ", ".join(f"a.{n} = ${n}" for n, _ in ASSET_COLUMNS if n != "id")
    + ", a.gen = $gen",
    "LOAD FROM $rows MATCH (o:Owner {id: id}) SET o.kind = kind, o.name = name, o.email = email": (
        "MATCH (o:Owner {id: $id}) SET o.kind = $kind, o.name = $name, o.email = $email"
    ),
    "LOAD FROM $rows MATCH (a:Asset {id: id}) SET a.gen = $gen": "MATCH (a:Asset {id: $id}) SET a.gen = $gen",
}


def _run_transaction(store: KuzuStore, steps, progress: Progress | None) -> int:
    """Run the steps in one transaction with the generation bump; the new generation."""
    total = sum(rows.num_rows for _, _, rows in steps)
    with _transaction(store, progress, total) as txn:
        for what, statement, rows in steps:
            if progress:
                progress(f"writing {what}", txn.done, total)
            txn.run(statement, rows)
    if progress:
        progress("done", total, total)
    return txn.generation


@dataclasses.dataclass
class _Transaction:
    """An open write transaction: its connection, the generation it writes, the rows
    written so far."""

    conn: Any
    generation: int
    done: int = 0

    def run(self, statement: str, rows: pa.Table) -> None:
        _run_step(self.conn, statement, rows, self.generation)
        self.done += rows.num_rows


@contextmanager
def _transaction(
    store: KuzuStore, progress: Progress | None, total: int | None = None
) -> Iterator[_Transaction]:
    """One write transaction (a `_Transaction` inside), then the generation bump and
    COMMIT; ROLLBACK on anything raised inside (an IngestError of a late chunk, an
    interrupt), which is raised again, a Kuzu failure as an MlgError. `total`: the rows
    to write, for progress (None: what was written by COMMIT)."""
    conn = store.connection()
    conn.execute("BEGIN TRANSACTION")
    try:
        txn = _Transaction(conn, next_generation(conn))
        yield txn
        conn.execute(BUMP_STATEMENT, {"generation": str(txn.generation)})
        if progress:
            progress("committing", txn.done, txn.done if total is None else total)
        conn.execute("COMMIT")
    except BaseException as exc:
        try:
            conn.execute("ROLLBACK")
        except RuntimeError:
            pass  # Kuzu has already rolled back after a failed statement (DESIGN §4)
        if isinstance(exc, RuntimeError):
            raise MlgError(f"writing to {store.path} failed and was rolled back: {exc}") from None
        raise


def _run_step(conn, statement: str, rows: pa.Table, generation: int) -> None:
    one_by_one = _BY_PRIMARY_KEY.get(statement) if rows.num_rows <= FEW else None
    if "$rows" not in statement:  # a statement per row, its values as parameters
        one_by_one = statement
    if one_by_one:  # a few rows: primary-key statements, not a join over the table
        used = set(re.findall(r"\$(\w+)", one_by_one))  # Kuzu refuses unused parameters
        for row in rows.to_pylist():
            values = {**row, "gen": generation}
            conn.execute(one_by_one, {k: v for k, v in values.items() if k in used})
    else:
        params: dict[str, Any] = {"rows": rows}
        if "$gen" in statement:
            params["gen"] = generation
        conn.execute(statement, params)


def _table(rows: list[dict[str, Any]], schema: pa.Schema, label: str | None = None) -> pa.Table:
    # Column by column: several times faster than pa.Table.from_pylist on large inputs.
    blank = BLANK_FOR_NULL.get(label, ())  # never a NULL into these (schema.BLANK_FOR_NULL)
    columns = []
    for f in schema:
        values = [row[f.name] for row in rows]
        if f.name in blank:
            values = ["" if v is None else v for v in values]
        columns.append(pa.array(values, f.type))
    return pa.table(columns, schema=schema)


def _existing(store: KuzuStore, label: str, ids: Iterable[str], schema: pa.Schema) -> dict[str, dict]:
    ids = list(ids)
    if not ids:
        return {}
    columns = ", ".join(f"n.{f.name} AS {f.name}" for f in schema)
    if len(ids) <= FEW:
        rows = [
            row
            for i in ids
            for row in store.arrow(f"MATCH (n:{label} {{id: $id}}) RETURN {columns}", {"id": i}).to_pylist()
        ]
    else:
        rows = store.arrow(
            f"LOAD FROM $ids MATCH (n:{label} {{id: id}}) RETURN {columns}",
            {"ids": pa.table({"id": pa.array(ids, pa.string())})},
        ).to_pylist()
    blank = BLANK_FOR_NULL.get(label, ())
    for row in rows:
        for name in blank:
            if row.get(name) == "":
                row[name] = None
    return {row["id"]: row for row in rows}


def _existing_edges(store: KuzuStore, keys: Iterable[tuple[str, str, str]]) -> dict:
    keys = list(keys)
    if not keys:
        return {}
    table = pa.table(
        {"src": [k[0] for k in keys], "dst": [k[1] for k in keys], "rtype": [k[2] for k in keys]}
    )
    rows = store.arrow(
        "LOAD FROM $keys MATCH (a:Asset {id: src})-[e:DEPENDS_ON]->(b:Asset {id: dst}) "
        "WHERE e.type = rtype RETURN src, dst, rtype, e.source AS source, "
        "e.first_seen AS first_seen, e.last_seen AS last_seen, e.sources AS sources",
        {"keys": table},
    )
    return {(r["src"], r["dst"], r["rtype"]): r for r in rows.to_pylist()}


def _existing_ownerships(store: KuzuStore, asset_ids: Iterable[str]) -> dict[str, dict]:
    """asset id -> {(owner id, role): sources} of its owner links."""
    found = owner_links(store, asset_ids)
    owned: dict[str, dict[tuple[str, str], list[str]]] = {}
    for r in found:
        owned.setdefault(r["id"], {})[(r["owner"], r["role"])] = r["sources"] or []
    return owned


def _differs(old: dict[str, Any], row: dict[str, Any], name: str) -> bool:
    """Whether an update changes column `name` (as `_asset_changed` compares them)."""
    if name in ("created_at", "updated_at"):
        return row[name] is not None and row[name] != old[name]
    if name == "tags":
        return tuple(row[name] or ()) != tuple(old[name] or ())
    return row[name] != old[name]


def _asset_changed(old: dict[str, Any], row: dict[str, Any]) -> bool:
    for name in CONTENT_COLUMNS:
        new_value = row[name]
        old_value = old[name]
        if name == "tags":
            old_value = tuple(old_value or ())
        if new_value != old_value:
            return True
    return any(row[n] is not None and row[n] != old[n] for n in ("created_at", "updated_at"))


# -- runs and aliases -----------------------------------------------------------------------

RUN_SCHEMA = pa.schema([(n, pa.timestamp("us") if t == "TIMESTAMP" else pa.string()) for n, t in RUN_COLUMNS])
LINK_SCHEMA = pa.schema([("run", pa.string()), ("asset", pa.string()), ("direction", pa.string())])
ALIAS_SCHEMA = pa.schema([("id", pa.string()), ("asset", pa.string())])
_RUN_CREATE = ", ".join(f"{n}: {n}" for n, _ in RUN_COLUMNS)
_RUN_SET = ", ".join(f"r.{n} = {n}" for n, _ in RUN_COLUMNS if n not in ("id", "workflow"))
_IO_KEYS = (("inputs", "input"), ("outputs", "output"))


def _record_steps(store: KuzuStore, plan: Plan, empty: bool) -> list[tuple[str, str, pa.Table]]:
    """The (what, statement, rows) steps that write plan.runs and plan.aliases."""
    steps: list[tuple[str, str, pa.Table]] = []
    columns = [n for n, _ in RUN_COLUMNS]
    old_runs = {} if empty else runs(store, plan.runs.keys())
    new_rows, changed_rows, links = [], [], []
    for run_id, row in plan.runs.items():
        values = {n: row[n] for n in columns}
        old = old_runs.get(run_id)
        if old is None:
            new_rows.append(values)
            links.append({"run": run_id, "asset": row["workflow"], "direction": None})
        elif any(old[n] != values[n] for n in columns if n not in ("id", "workflow")):
            changed_rows.append(values)
    steps.append(
        (
            "runs",
            f"LOAD FROM $rows CREATE (:Run {{{_RUN_CREATE}}})",
            pa.Table.from_pylist(new_rows, schema=RUN_SCHEMA),
        )
    )
    steps.append(
        (
            "runs",
            f"LOAD FROM $rows MATCH (r:Run {{id: id}}) SET {_RUN_SET}",
            pa.Table.from_pylist(changed_rows, schema=RUN_SCHEMA),
        )
    )
    steps.append(
        (
            "runs",
            "LOAD FROM $rows MATCH (r:Run {id: run}) MATCH (a:Asset {id: asset}) CREATE (r)-[:RUN_OF]->(a)",
            pa.Table.from_pylist(links, schema=LINK_SCHEMA),
        )
    )

    old_io = set() if empty else run_io(store, plan.runs.keys())
    io = [
        {"run": run_id, "asset": asset, "direction": direction}
        for run_id, row in plan.runs.items()
        for key, direction in _IO_KEYS
        for asset in row[key]
        if (run_id, asset, direction) not in old_io
    ]
    steps.append(
        (
            "runs",
            "LOAD FROM $rows MATCH (r:Run {id: run}) MATCH (a:Asset {id: asset}) "
            "CREATE (r)-[:RUN_IO {direction: direction}]->(a)",
            pa.Table.from_pylist(io, schema=LINK_SCHEMA),
        )
    )

    old_aliases = {} if empty else aliases(store, plan.aliases.keys())
    new_aliases = [{"id": a, "asset": t} for a, t in plan.aliases.items() if a not in old_aliases]
    moved = [
        {"id": a, "asset": t} for a, t in plan.aliases.items() if a in old_aliases and old_aliases[a] != t
    ]
    steps.append(
        (
            "aliases",
            "LOAD FROM $rows CREATE (:AssetAlias {id: id, asset: asset})",
            pa.Table.from_pylist(new_aliases, schema=ALIAS_SCHEMA),
        )
    )
    steps.append(
        (
            "aliases",
            "LOAD FROM $rows MATCH (x:AssetAlias {id: id}) SET x.asset = asset",
            pa.Table.from_pylist(moved, schema=ALIAS_SCHEMA),
        )
    )
    # merged assets go last: everything they held was written onto the asset they merge into;
    # the aliases still naming one (physical identifiers: mlg.lifecycle.identity) follow it
    steps.append(
        (
            "merges",
            "LOAD FROM $rows MATCH (x:AssetAlias) WHERE x.asset = id SET x.asset = asset",
            pa.Table.from_pylist(
                [{"id": i, "asset": t} for i, t in sorted(plan.merged.items())], schema=ALIAS_SCHEMA
            ),
        )
    )
    steps.append(
        (
            "merges",
            "LOAD FROM $rows MATCH (a:Asset {id: id}) DETACH DELETE a",
            pa.Table.from_pylist([{"id": i} for i in sorted(plan.merged)], schema=ID_SCHEMA),
        )
    )
    return steps
