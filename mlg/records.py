"""Run and alias records, a Batch's `runs` and `aliases`: checked by `mlg.validation.validate`,
written by the store's `write_plan` in the same all-or-nothing transaction as the
assets and edges they refer to.

A run record, as the mapping produces it (already merged with the run as the graph
holds it, see mlg.openlineage.runs; any source may make them):
    {id, workflow, state, started_at, ended_at, last_event_at, error, producer,
     facets: {..}, inputs: [asset id, ..], outputs: [asset id, ..]}
An alias record: {id: the id the other name would have had, asset: the asset it names}.
A merge record: {id: an asset, into: the asset it becomes} (a symlink linked two assets
the graph held apart); the source writes what the merged asset held onto `into`, and
the store deletes the merged asset last, in the same transaction.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mlg.batch import Batch, Location
from mlg.schema import RUN_COLUMNS, RUN_STATES

if TYPE_CHECKING:
    from mlg.validation import GraphLookup, Plan

AddProblem = Callable[[Location, "str | None", "str | None", str], None]


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
        if alias in kinds and alias not in plan.merged and alias not in plan.rekeyed:
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
        elif name == "state" and value is not None and value not in RUN_STATES:
            add(loc, run_id, name, f"must be one of {', '.join(RUN_STATES)}")
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
