"""The lifecycle reads of a FalkorDB graph: assets and edges as of a moment, past
versions, placeholders, retired assets by name, what history a graph keeps (the
FalkorStore's lifecycle operations, as mlg/store/kuzu/history.py answers them).

An asset's Asset node is its current version, valid over [valid_from, valid_to); a
replaced version is an AssetHistory node with its interval. An edge alive over an
interval is one DEPENDS_ON or RETIRED_DEPENDS_ON relationship. Times are integers
(connection.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mlg.model import Asset
from mlg.schema import ASSET_COLUMNS, OPTIONAL_TEXT
from mlg.store.falkordb.connection import from_micros, to_micros
from mlg.store.falkordb.views import (
    ASSET_HISTORY,
    FOREVER_US,
    OWNER_LINK_HISTORY,
    RETIRED_EDGES,
    asset_alive,
    of,
)

if TYPE_CHECKING:
    from mlg.store.falkordb.store import FalkorStore

_CONTENT = tuple(n for n, _ in ASSET_COLUMNS if n != "id")
_TIMES = {n for n, t in ASSET_COLUMNS if t == "TIMESTAMP"}
_LIFE = ("placeholder", "sources")


def _record(names: Sequence[str], row: list) -> dict[str, Any]:
    record = dict(zip(names, row))
    for name in _TIMES | {"valid_to"}:
        if name in record:
            record[name] = from_micros(record[name])
    return record


def asset_at(store: FalkorStore, asset_id: str, moment: datetime) -> Asset | None:
    """The Asset `asset_id` as it was at `moment`, or None if it was not alive then."""
    names = ["id", *_CONTENT, "retired_reason", *_LIFE]
    rows = store._rows(
        "MATCH (a:Asset {id: $id}) WHERE a.valid_from <= $t AND a.valid_to > $t RETURN "
        + ", ".join(f"a.{n}" for n in names),
        {"id": asset_id, "t": to_micros(moment)},
    )
    if rows:
        return Asset.from_row(_record(names, rows[0]))
    return versions_at(store, [asset_id], moment).get(asset_id)


def versions_at(store: FalkorStore, ids: Iterable[str], moment: datetime) -> dict[str, Asset]:
    """id -> Asset: the past versions of those of `ids` valid at `moment`, changed since."""
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}
    names = ["id", *_CONTENT, *_LIFE]
    rows = store._rows(
        f"UNWIND $ids AS i MATCH (h:{ASSET_HISTORY} {{asset: i}}) WHERE h.valid_from <= $t "
        "AND h.valid_to > $t RETURN h.asset, " + ", ".join(f"h.{n}" for n in names[1:]),
        {"ids": ids, "t": to_micros(moment)},
    )
    return {r[0]: Asset.from_row(_record(names, r)) for r in rows}


def assets_as_of(store: FalkorStore, moment: datetime, asset: str | None = None) -> dict[str, dict[str, Any]]:
    """{asset id: content dict} of the assets alive at `moment`; `asset`: only that one."""
    names = ["id", *_CONTENT, *_LIFE]
    params: dict[str, Any] = {"t": to_micros(moment), **({"asset": asset} if asset else {})}
    found: dict[str, dict[str, Any]] = {}
    for pattern, id_column in (
        ("(a:Asset {id: $asset})" if asset else "(a:Asset)", "a.id"),
        (f"(a:{ASSET_HISTORY} {{asset: $asset}})" if asset else f"(a:{ASSET_HISTORY})", "a.asset"),
    ):
        for row in store._rows(
            f"MATCH {pattern} WHERE a.valid_from <= $t AND a.valid_to > $t RETURN {id_column}, "
            + ", ".join(f"a.{n}" for n in names[1:]),
            params,
        ):
            record = _record(names, row)
            found[record.pop("id")] = record
    for row in found.values():
        for name in OPTIONAL_TEXT:
            row[name] = row[name] or None  # stored blank for NULL (mlg.schema.BLANK_FOR_NULL)
        row["tags"] = tuple(row["tags"] or ())
        row["sources"] = tuple(row["sources"] or ())
        row["placeholder"] = bool(row["placeholder"])
    return found


def edges_as_of(
    store: FalkorStore, moment: datetime, asset: str | None = None
) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """{(from, to, type): sources} of the edges alive at `moment` (the sources last
    recorded on that interval); `asset`: only the edges touching it."""
    params: dict[str, Any] = {"t": to_micros(moment), **({"asset": asset} if asset else {})}
    patterns = (
        ["(a:Asset {id: $asset})-[e:{label}]->(b:Asset)", "(a:Asset)-[e:{label}]->(b:Asset {id: $asset})"]
        if asset
        else ["(a:Asset)-[e:{label}]->(b:Asset)"]
    )
    edges: dict[tuple[str, str, str], tuple[str, ...]] = {}
    for label, sources in (("DEPENDS_ON", "sources"), (RETIRED_EDGES, "last_sources")):
        for pattern in patterns:
            for s, d, ty, found in store._rows(
                f"MATCH {pattern.replace('{label}', label)} WHERE e.valid_from <= $t AND e.valid_to > $t "
                f"RETURN a.id, b.id, e.type, e.{sources}",
                params,
            ):
                edges[(s, d, ty)] = tuple(found or ())
    return edges


def ownerships_as_of(
    store: FalkorStore, moment: datetime, ids: list[str] | None = None
) -> dict[str, list[tuple[str, str]]]:
    """asset id -> [(owner id, role)] sorted: the owner links that held at `moment`
    (OWNED_BY since its valid_from, absent on a graph before schema 6: held always;
    OwnerLinkHistory over its interval); `ids`: only those assets."""
    t = to_micros(moment)
    if ids is None:
        queries = [
            (
                "MATCH (a:Asset)-[o:OWNED_BY]->(w:Owner) WHERE coalesce(o.valid_from, 0) <= $t "
                "RETURN a.id, w.id, o.role",
                {"t": t},
            ),
            (
                f"MATCH (h:{OWNER_LINK_HISTORY}) WHERE h.valid_from <= $t AND h.valid_to > $t "
                "RETURN h.asset, h.owner, h.role",
                {"t": t},
            ),
        ]
    else:
        queries = [
            (
                "UNWIND $ids AS i MATCH (a:Asset {id: i})-[o:OWNED_BY]->(w:Owner) "
                "WHERE coalesce(o.valid_from, 0) <= $t RETURN a.id, w.id, o.role",
                {"t": t, "ids": ids},
            ),
            (
                f"UNWIND $ids AS i MATCH (h:{OWNER_LINK_HISTORY} {{asset: i}}) "
                "WHERE h.valid_from <= $t AND h.valid_to > $t RETURN h.asset, h.owner, h.role",
                {"t": t, "ids": ids},
            ),
        ]
    found: dict[str, set[tuple[str, str]]] = {}
    for query, params in queries:
        for asset, owner, role in store._rows(query, params):
            found.setdefault(asset, set()).add((owner, role))
    return {k: sorted(v, key=lambda t: (t[0], t[1] or "")) for k, v in found.items()}


def placeholders(store: FalkorStore, limit: int) -> list[Asset]:
    """Placeholders seen in the store's view, by kind and id."""
    from mlg.store.falkordb.store import FULL_RETURN, asset_of

    view = of(store)
    if view.legacy:
        return []
    rows = store._rows(
        f"MATCH (a:Asset) WHERE a.placeholder = true AND {asset_alive(view)} "
        f"RETURN {FULL_RETURN} ORDER BY a.kind, a.id LIMIT $limit",
        {"limit": limit},
    )
    return [asset_of(r) for r in rows]


def retired_search(store: FalkorStore, words: Sequence[str], kinds: Sequence[str], limit: int) -> list[Asset]:
    """Retired assets whose id or name contains every one of `words` (any case): a
    scan, as on Kuzu (the retired estate is small and rarely asked for)."""
    from mlg.store.falkordb.store import FULL_RETURN, asset_of

    if of(store).legacy:
        return []
    conditions = [f"a.valid_to <> {FOREVER_US}"]
    params: dict[str, Any] = {"limit": limit}
    for i, word in enumerate(words):
        conditions.append(f"(toLower(a.id) CONTAINS $w{i} OR toLower(a.name) CONTAINS $w{i})")
        params[f"w{i}"] = word
    if kinds:
        conditions.append("a.kind IN $kinds")
        params["kinds"] = list(kinds)
    rows = store._rows(
        f"MATCH (a:Asset) WHERE {' AND '.join(conditions)} RETURN {FULL_RETURN} "
        "ORDER BY a.name, a.id LIMIT $limit",
        params,
    )
    return [asset_of(r) for r in rows]


def history_counts(store: FalkorStore) -> dict[str, int]:
    """Retired assets, retired edges, kept asset versions and owner links that went,
    counted."""
    if of(store).legacy:
        return {}

    def count(query: str) -> int:
        rows = store._rows(query)
        return int(rows[0][0]) if rows else 0

    return {
        "retired assets": count(f"MATCH (a:Asset) WHERE a.valid_to <> {FOREVER_US} RETURN count(a)"),
        "retired relations": count(f"MATCH ()-[e:{RETIRED_EDGES}]->() RETURN count(e)"),
        "kept asset versions": count(f"MATCH (h:{ASSET_HISTORY}) RETURN count(h)"),
        "past owner links": count(f"MATCH (h:{OWNER_LINK_HISTORY}) RETURN count(h)"),
    }
