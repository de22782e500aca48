"""Runs and asset aliases inside the core ingest: checked by `mlg.validation.validate`,
written by `mlg.ingest.write_plan` in the same all-or-nothing transaction as the
assets and edges they refer to.

A run record, as the mapping produces it (already merged with the run as the graph
holds it, see mlg.openlineage.runs):
    {id, workflow, state, started_at, ended_at, last_event_at, error, producer,
     facets: {..}, inputs: [asset id, ..], outputs: [asset id, ..]}
An alias record: {id: the id the other name would have had, asset: the asset it names}.
A merge record: {id: an asset, into: the asset it becomes} (a symlink linked two assets
the graph held apart); the mapping writes what the merged asset held onto `into`, and the
merged asset is deleted last, in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pyarrow as pa

from mlg.batch import Batch, Location
from mlg.openlineage.events import EVENT_TYPES
from mlg.schema import RUN_COLUMNS

if TYPE_CHECKING:
    from mlg.graph import Graph
    from mlg.validation import GraphLookup, Plan

AddProblem = Callable[[Location, "str | None", "str | None", str], None]

RUN_SCHEMA = pa.schema([(n, pa.timestamp("us") if t == "TIMESTAMP" else pa.string()) for n, t in RUN_COLUMNS])
LINK_SCHEMA = pa.schema([("run", pa.string()), ("asset", pa.string()), ("direction", pa.string())])
ALIAS_SCHEMA = pa.schema([("id", pa.string()), ("asset", pa.string())])
ID_SCHEMA = pa.schema([("id", pa.string())])

_RUN_CREATE = ", ".join(f"{n}: {n}" for n, _ in RUN_COLUMNS)
_RUN_SET = ", ".join(f"r.{n} = {n}" for n, _ in RUN_COLUMNS if n not in ("id", "workflow"))
_RUN_RETURN = ", ".join(f"r.{n} AS {n}" for n, _ in RUN_COLUMNS)
_IO_KEYS = (("inputs", "input"), ("outputs", "output"))


def check_records(batch: Batch, plan: Plan, lookup: GraphLookup, add: AddProblem) -> None:
    """Normalise runs and aliases into `plan`, reporting every problem through `add`."""
    refs: list[tuple[str, Location, str, str, set[str] | None]] = []
    run_locs: dict[str, Location] = {}
    for record, loc in batch.runs:
        row = _run_row(record, loc, add)
        if row is None:
            continue
        if row["id"] in plan.runs:
            if plan.runs[row["id"]] != row:
                first = run_locs[row["id"]]
                add(
                    loc,
                    row["id"],
                    None,
                    f"run given twice with different content: conflicts with {first.file}: {first.record}",
                )
            continue
        plan.runs[row["id"]] = row
        run_locs[row["id"]] = loc
        refs.append((row["workflow"], loc, row["id"], "workflow", {"workflow", "evaluation"}))
        for key, _ in _IO_KEYS:
            refs.extend((asset, loc, row["id"], key, None) for asset in row[key])
    for record, loc in batch.merges:
        if not (
            isinstance(record, dict)
            and set(record) == {"id", "into"}
            and all(isinstance(record[k], str) and record[k] for k in ("id", "into"))
            and record["id"] != record["into"]
        ):
            add(loc, None, None, "a merge must be a mapping {id, into} of two different asset ids")
            continue
        plan.merged[record["id"]] = record["into"]
        refs.append((record["id"], loc, record["id"], "id", None))
        refs.append((record["into"], loc, record["id"], "into", None))
    alias_locs: dict[str, Location] = {}
    for record, loc in batch.aliases:
        if not (
            isinstance(record, dict)
            and set(record) == {"id", "asset"}
            and all(isinstance(record[k], str) and record[k] for k in ("id", "asset"))
        ):
            add(loc, None, None, "an alias must be a mapping {id, asset} of two non-empty strings")
            continue
        alias, asset = record["id"], record["asset"]
        previous = plan.aliases.get(alias)
        if previous is not None and previous != asset:
            first = alias_locs[alias]
            add(
                loc,
                alias,
                "asset",
                f"names {asset!r}, but {first.file}: {first.record} made it a name of {previous!r}",
            )
            continue
        if alias in plan.assets and alias not in plan.merged:
            add(loc, alias, "id", f"is the id of an asset, so it cannot also name {asset!r}")
            continue
        plan.aliases[alias] = asset
        alias_locs[alias] = loc
        refs.append((asset, loc, alias, "asset", None))
    wanted = ({ref[0] for ref in refs} | plan.aliases.keys()) - plan.assets.keys()
    kinds = lookup.asset_kinds(wanted) if wanted else {}
    for alias, asset in plan.aliases.items():
        if alias in kinds and alias not in plan.merged:
            add(
                alias_locs[alias],
                alias,
                "id",
                f"is the id of an asset in the graph, so it cannot also name {asset!r}",
            )
    for asset_id, loc, record_id, fld, allowed in refs:
        row = plan.assets.get(asset_id)
        kind = row["kind"] if row is not None else kinds.get(asset_id)
        if kind is None:
            add(
                loc,
                record_id,
                fld,
                f"refers to asset {asset_id!r}, which is neither in this input nor in the graph",
            )
        elif allowed is not None and kind not in allowed:
            add(
                loc,
                record_id,
                fld,
                f"refers to {asset_id!r}, a {kind}; expected a " + " or ".join(sorted(allowed)),
            )


def _run_row(record: Any, loc: Location, add: AddProblem) -> dict[str, Any] | None:
    if not isinstance(record, dict):
        add(loc, None, None, "a run must be a mapping")
        return None
    run_id = record.get("id")
    if not isinstance(run_id, str) or not run_id:
        add(loc, None, "id", "a run needs a non-empty string id")
        return None
    ok = True
    row: dict[str, Any] = {}
    for name, typ in RUN_COLUMNS:
        value = record.get(name)
        if name == "facets":
            value = _facets_json(value)
            if value is None:
                add(loc, run_id, name, "expected a JSON object")
                ok = False
        elif name in ("id", "workflow") and not (isinstance(value, str) and value):
            add(loc, run_id, name, "is required")
            ok = False
        elif name == "state" and value is not None and value not in EVENT_TYPES:
            add(loc, run_id, name, f"must be one of {', '.join(EVENT_TYPES)}")
            ok = False
        elif typ == "TIMESTAMP" and value is not None and not isinstance(value, datetime):
            add(loc, run_id, name, "expected a timestamp")
            ok = False
        elif typ == "STRING" and value is not None and not isinstance(value, str):
            add(loc, run_id, name, "expected a string")
            ok = False
        row[name] = value
    for key, _ in _IO_KEYS:
        value = record.get(key) or ()
        if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
            add(loc, run_id, key, "expected a list of asset ids")
            ok = False
            continue
        row[key] = tuple(sorted(set(value)))
    return row if ok else None


def _facets_json(value: Any) -> str | None:
    if value is None:
        return "{}"
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            return None
    if not isinstance(value, dict):
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


# -- writing -------------------------------------------------------------------------------


def record_steps(graph: Graph, plan: Plan, empty: bool) -> list[tuple[str, str, pa.Table]]:
    """The (what, statement, rows) steps that write plan.runs and plan.aliases."""
    steps: list[tuple[str, str, pa.Table]] = []
    columns = [n for n, _ in RUN_COLUMNS]
    old_runs = {} if empty else existing_runs(graph, plan.runs.keys())
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

    old_io = set() if empty else _existing_io(graph, plan.runs.keys())
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

    old_aliases = {} if empty else existing_aliases(graph, plan.aliases.keys())
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
    # merged assets go last: everything they held was written onto the asset they merge into
    steps.append(
        (
            "merges",
            "LOAD FROM $rows MATCH (a:Asset {id: id}) DETACH DELETE a",
            pa.Table.from_pylist([{"id": i} for i in sorted(plan.merged)], schema=ID_SCHEMA),
        )
    )
    return steps


def existing_runs(graph: Graph, ids) -> dict[str, dict[str, Any]]:
    """The runs the graph holds among `ids`, as rows (facets as JSON text)."""
    ids = list(ids)
    if not ids:
        return {}
    rows = graph._arrow(
        f"LOAD FROM $ids MATCH (r:Run {{id: id}}) RETURN {_RUN_RETURN}",
        {"ids": pa.table({"id": pa.array(ids, pa.string())})},
    )
    return {row["id"]: row for row in rows.to_pylist()}


def existing_io(graph: Graph, ids) -> dict[str, dict[str, set[str]]]:
    """run id -> {"inputs": {asset ids}, "outputs": {asset ids}} for the runs in `ids`."""
    found: dict[str, dict[str, set[str]]] = {}
    for run_id, asset, direction in _existing_io(graph, ids):
        key = "inputs" if direction == "input" else "outputs"
        found.setdefault(run_id, {"inputs": set(), "outputs": set()})[key].add(asset)
    return found


def _existing_io(graph: Graph, ids) -> set[tuple[str, str, str]]:
    ids = list(ids)
    if not ids:
        return set()
    rows = graph._arrow(
        "LOAD FROM $ids MATCH (r:Run {id: id})-[l:RUN_IO]->(a:Asset) "
        "RETURN id, a.id AS asset, l.direction AS direction",
        {"ids": pa.table({"id": pa.array(ids, pa.string())})},
    )
    return {(r["id"], r["asset"], r["direction"]) for r in rows.to_pylist()}


def existing_aliases(graph: Graph, ids) -> dict[str, str]:
    """alias id -> asset id, for the aliases among `ids` that the graph holds."""
    ids = list(ids)
    if not ids:
        return {}
    rows = graph._arrow(
        "LOAD FROM $ids MATCH (x:AssetAlias {id: id}) RETURN id, x.asset AS asset",
        {"ids": pa.table({"id": pa.array(ids, pa.string())})},
    )
    return {r["id"]: r["asset"] for r in rows.to_pylist()}
