"""The port's Arrow tables and rows as mlg's objects: Assets, Owners, Edges.

Shared by every backend and by the queries, so that each builds objects one way, fast.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

import pyarrow as pa

from mlg.model import Asset, Owner, without_bookkeeping
from mlg.schema import OPTIONAL_TEXT


@contextmanager
def gc_paused() -> Iterator[None]:
    """Python's cyclic GC paused while many objects are built: hundreds of thousands of
    new Assets, Edges and tuples from a table (downstream of a 330k-asset hub: ~3-4 s of
    ~10), or the millions of short-lived dicts of a big ingest (~40% of validation),
    would trigger it over and over, each pass walking the whole heap. They hold no
    reference cycles, so pausing it loses nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def assets_of(table: pa.Table) -> list[Asset]:
    """`Asset.from_row` of every row of an asset table, built column by column:
    330k rows in 2.0 s against 7.6 s through row dicts (same run, GC paused; one
    `json.loads` per row and one datetime per value are most of the difference)."""
    n = table.num_rows
    if not n:
        return []
    props = table.column("props").to_pylist()
    try:  # one parse of a JSON array instead of one call per row
        parsed = json.loads("[" + ",".join(p or "{}" for p in props) + "]")
    except ValueError:
        parsed = None
    if not isinstance(parsed, list) or len(parsed) != n:
        parsed = [json.loads(p) if p else {} for p in props]
    parsed = [without_bookkeeping(p) for p in parsed]
    cols = [table.column(name).to_pylist() for name in ("id", "kind", "name")] + [
        # stored blank for NULL (mlg.schema.BLANK_FOR_NULL)
        [v or None for v in table.column(name).to_pylist()]
        for name in OPTIONAL_TEXT
    ]
    tags = [tuple(t) if t else () for t in table.column("tags").to_pylist()]
    assets = [
        Asset(i, k, nm, ns, fam, ver, desc, dom, tg, pr, ca, ua)
        for i, k, nm, ns, fam, ver, desc, dom, tg, pr, ca, ua in zip(
            *cols, tags, parsed, decoded(table.column("created_at")), decoded(table.column("updated_at"))
        )
    ]
    if "valid_to" in table.column_names:  # lifecycle columns (mlg.lifecycle) came along
        assets = _with_life(assets, table)
    return assets


def _with_life(assets: list[Asset], table: pa.Table) -> list[Asset]:
    """`assets` with what the lifecycle columns of `table` say: placeholders, retired
    (since, why), sources. Only the rows that differ from an alive, unsourced asset are
    rebuilt (a closure of 330k assets has few)."""
    from dataclasses import replace

    import pyarrow.compute as pc

    from mlg.lifespan import FOREVER

    flags = pc.not_equal(table.column("valid_to"), pa.scalar(FOREVER, pa.timestamp("us")))
    if "placeholder" in table.column_names:
        flags = pc.or_(flags, table.column("placeholder"))
    if "sources" in table.column_names:
        flags = pc.or_(flags, pc.greater(pc.list_value_length(table.column("sources")), 0))
    names = set(table.column_names)
    for i in pc.indices_nonzero(pc.fill_null(flags, False).combine_chunks()).to_pylist():
        to = table.column("valid_to")[i].as_py()
        assets[i] = replace(
            assets[i],
            retired_at=None if to == FOREVER else to,
            placeholder=bool(table.column("placeholder")[i].as_py()) if "placeholder" in names else False,
            retired_reason=(table.column("retired_reason")[i].as_py() or None)
            if "retired_reason" in names
            else None,
            sources=tuple(table.column("sources")[i].as_py() or ()) if "sources" in names else (),
        )
    return assets


def row_of(asset: Asset, schema: pa.Schema) -> pa.Table:
    """`asset` as a one-row table of `schema` (asset columns, optionally lifecycle ones
    and `distance`, 0): the inverse of `assets_of`, for a root put before its closure."""
    from mlg.lifespan import FOREVER
    from mlg.model import canonical_json

    values = {
        "props": canonical_json(asset.props or {}),
        "tags": list(asset.tags),
        "valid_to": asset.retired_at or FOREVER,
        "placeholder": asset.placeholder,
        "retired_reason": asset.retired_reason or "",
        "sources": list(asset.sources),
        "distance": 0,
    }
    row = {f.name: [values[f.name] if f.name in values else getattr(asset, f.name) or ""] for f in schema}
    for name in ("created_at", "updated_at"):
        if name in row:
            row[name] = [getattr(asset, name)]
    return pa.Table.from_pydict(row, schema=schema)


def decoded(column: pa.ChunkedArray | pa.Array) -> list:
    """The column's values as Python objects, one object per distinct value: assets
    written by one ingest share their timestamps, and converting each row's datetime
    costs ~0.4 s per 330k rows."""
    if isinstance(column, pa.ChunkedArray):
        column = column.combine_chunks()
    if not len(column):
        return []
    encoded = column.dictionary_encode()
    values = encoded.dictionary.to_pylist()
    return [None if i is None else values[i] for i in encoded.indices.to_pylist()]


def owner_order(owner: Owner) -> tuple[bool, str]:
    """How an asset's owners are listed: teams first, then by id."""
    return (owner.kind != "team", owner.id)


def owners_at(store: Any, ids: Iterable[str], moment: Any) -> dict[str, tuple[Owner, ...]]:
    """GraphStore.owners_of as of `moment`: the owner links that held then
    (`store.ownerships_as_of`), with each owner's properties (owners are few, and their
    properties are not versioned)."""
    links = store.ownerships_as_of(moment, ids=list(ids))
    people = {o.id: o for o in store.all_owners()} if links else {}
    rows = [
        {
            "asset": asset,
            "id": o,
            "kind": people[o].kind,
            "name": people[o].name,
            "email": people[o].email,
            "role": r,
        }
        for asset, found in links.items()
        for o, r in found
        if o in people
    ]
    return owners_by_asset(rows)


def owners_by_asset(rows: Iterable[Mapping[str, Any]]) -> dict[str, tuple[Owner, ...]]:
    """Rows of (asset, id, kind, name, email, role) as asset id -> its owners, in
    `owner_order`, one Owner object per owner and role."""
    shared: dict[tuple, Owner] = {}
    owners: dict[str, list[Owner]] = {}
    for r in rows:
        key = (r["id"], r["kind"], r["name"], r["email"], r["role"])
        owner = shared.get(key)
        if owner is None:
            owner = shared[key] = Owner(*key)
        owners.setdefault(r["asset"], []).append(owner)
    return {k: tuple(sorted(v, key=owner_order)) for k, v in owners.items()}
