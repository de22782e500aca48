"""The lifecycle reads of a Kuzu graph: assets and edges as of a moment, past versions,
placeholders, retired assets by name, what history a graph keeps (KuzuStore's
lifecycle operations; mlg/lifecycle/ holds the logic over them).

An asset's Asset row is its current version, valid over [valid_from, valid_to); a
replaced version is a row of AssetHistory with its interval. An edge alive over an
interval is one DEPENDS_ON or RETIRED_DEPENDS_ON row.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from mlg.lifespan import FOREVER, OWNER_LINKS_SCHEMA, SCHEMA
from mlg.model import Asset
from mlg.schema import ASSET_COLUMNS, OPTIONAL_TEXT
from mlg.store.kuzu.schema import ASSET_HISTORY, FOREVER_LITERAL, OWNER_LINK_HISTORY, RETIRED_EDGES
from mlg.store.kuzu.view import LIFE_RETURN, life_return, view_of

if TYPE_CHECKING:
    from mlg.store.kuzu.store import KuzuStore

_CONTENT = tuple(n for n, _ in ASSET_COLUMNS if n != "id")
_RETURN = ", ".join(f"a.{name} AS {name}" for name, _ in ASSET_COLUMNS)


def asset_at(store: KuzuStore, asset_id: str, moment: datetime) -> Asset | None:
    """The Asset `asset_id` as it was at `moment`, or None if it was not alive then."""
    rows = store.rows(
        f"MATCH (a:Asset {{id: $id}}) WHERE a.valid_from <= $t AND a.valid_to > $t RETURN {_RETURN}"
        + LIFE_RETURN.replace("a.valid_to AS valid_to, ", ""),
        {"id": asset_id, "t": moment},
    )
    if rows:
        return Asset.from_row(rows[0])
    return versions_at(store, [asset_id], moment).get(asset_id)


def versions_at(store: KuzuStore, ids: Iterable[str], moment: datetime) -> dict[str, Asset]:
    """id -> Asset: the past versions (AssetHistory) of those of `ids` that were valid
    at `moment` and have changed since."""
    ids = list(ids)
    if not ids:
        return {}
    columns = ", ".join(f"h.{n} AS {n}" for n in _CONTENT)
    rows = store.rows(
        f"MATCH (h:{ASSET_HISTORY}) WHERE h.asset IN $ids AND h.valid_from <= $t AND h.valid_to > $t "
        f"RETURN h.asset AS id, {columns}, h.placeholder AS placeholder, h.sources AS sources",
        {"ids": ids, "t": moment},
    )
    return {r["id"]: Asset.from_row(r) for r in rows}


def assets_as_of(store: KuzuStore, moment: datetime, asset: str | None = None) -> dict[str, dict[str, Any]]:
    """{asset id: content dict} of the assets alive at `moment` (with their sources and
    whether a placeholder); `asset`: only that one."""
    columns = ", ".join(f"a.{n} AS {n}" for n in _CONTENT)
    params: dict[str, Any] = {"t": moment, **({"asset": asset} if asset else {})}
    found: dict[str, dict[str, Any]] = {}
    for table, id_column, one in (
        ("Asset", "a.id", " AND a.id = $asset"),
        (ASSET_HISTORY, "a.asset", " AND a.asset = $asset"),
    ):
        for r in store.rows(
            f"MATCH (a:{table}) WHERE a.valid_from <= $t AND a.valid_to > $t{one if asset else ''} "
            f"RETURN {id_column} AS id, {columns}, a.sources AS sources, a.placeholder AS placeholder",
            params,
        ):
            found[r.pop("id")] = r
    for row in found.values():
        for name in OPTIONAL_TEXT:
            row[name] = row[name] or None  # stored blank for NULL (mlg.schema.BLANK_FOR_NULL)
        row["tags"] = tuple(row["tags"] or ())
        row["sources"] = tuple(row["sources"] or ())
    return found


def edges_as_of(
    store: KuzuStore, moment: datetime, asset: str | None = None
) -> dict[tuple[str, str, str], tuple[str, ...]]:
    """{(from, to, type): sources} of the edges alive at `moment` (an edge's sources as
    last recorded on that interval); `asset`: only the edges touching it."""
    params: dict[str, Any] = {"t": moment, **({"asset": asset} if asset else {})}
    ends = " AND (a.id = $asset OR b.id = $asset)" if asset else ""
    edges: dict[tuple[str, str, str], tuple[str, ...]] = {}
    for table, sources in (("DEPENDS_ON", "sources"), (RETIRED_EDGES, "last_sources")):
        for r in store.rows(
            f"MATCH (a:Asset)-[e:{table}]->(b:Asset) WHERE e.valid_from <= $t AND e.valid_to > $t{ends} "
            f"RETURN a.id AS s, b.id AS d, e.type AS ty, e.{sources} AS sources",
            params,
        ):
            edges[(r["s"], r["d"], r["ty"])] = tuple(r["sources"] or ())
    return edges


def ownerships_as_of(
    store: KuzuStore, moment: datetime, ids: Iterable[str] | None = None
) -> dict[str, list[tuple[str, str]]]:
    """asset id -> [(owner id, role)] sorted: the owner links that held at `moment`
    (OWNED_BY since its valid_from, OwnerLinkHistory over its interval); `ids`: only
    those assets. A graph before schema 6 has no owner history: today's links."""
    params: dict[str, Any] = {"t": moment}
    one = ""
    if ids is not None:
        params["ids"] = list(ids)
        one = " AND a.id IN $ids"
    legacy = store.schema_version < OWNER_LINKS_SCHEMA
    queries = [
        "MATCH (a:Asset)-[o:OWNED_BY]->(w:Owner) WHERE "
        + ("true" if legacy else "o.valid_from <= $t")
        + f"{one} RETURN a.id AS asset, w.id AS owner, o.role AS role"
    ]
    if not legacy:
        queries.append(
            f"MATCH (a:{OWNER_LINK_HISTORY}) WHERE a.valid_from <= $t AND a.valid_to > $t"
            + one.replace("a.id", "a.asset")
            + " RETURN a.asset AS asset, a.owner AS owner, a.role AS role"
        )
    found: dict[str, set[tuple[str, str]]] = {}
    for query in queries:
        for r in store.rows(
            query, params if "$t" in query else {k: v for k, v in params.items() if k != "t"}
        ):
            found.setdefault(r["asset"], set()).add((r["owner"], r["role"]))
    return {k: sorted(v, key=lambda t: (t[0], t[1] or "")) for k, v in found.items()}


def placeholders(store: KuzuStore, limit: int) -> list[Asset]:
    """Placeholders seen in the store's view, by kind and id."""
    extra = life_return(store)
    if not extra:
        return []  # an older schema: no placeholders
    rows = store.rows(
        f"MATCH (a:Asset) WHERE a.placeholder AND {view_of(store).asset_alive()} "
        f"RETURN {_RETURN}{extra} ORDER BY a.kind, a.id LIMIT $limit",
        {"limit": limit},
    )
    return [Asset.from_row(r) for r in rows]


def retired_search(store: KuzuStore, words: Sequence[str], kinds: Sequence[str], limit: int) -> list[Asset]:
    """Retired assets whose id or name contains every one of `words` (any case).
    A scan of the graph: the retired estate is small and rarely asked for."""
    extra = life_return(store)
    if not extra:
        return []  # an older schema: nothing is retired
    conditions = [f"a.valid_to <> {FOREVER_LITERAL}"]
    params: dict[str, Any] = {"limit": limit}
    for i, word in enumerate(words):
        conditions.append(f"(lower(a.id) CONTAINS $w{i} OR lower(a.name) CONTAINS $w{i})")
        params[f"w{i}"] = word
    if kinds:
        conditions.append("a.kind IN $kinds")
        params["kinds"] = list(kinds)
    rows = store.rows(
        f"MATCH (a:Asset) WHERE {' AND '.join(conditions)} RETURN {_RETURN}{extra} "
        "ORDER BY a.name, a.id LIMIT $limit",
        params,
    )
    return [Asset.from_row(r) for r in rows]


def history_counts(store: KuzuStore) -> dict[str, int]:
    """Retired assets, retired edges, kept asset versions and owner links that went,
    counted."""
    if store.schema_version < SCHEMA:
        return {}
    counts = {
        "retired assets": store.count(
            "MATCH (a:Asset) WHERE a.valid_to <> $forever RETURN count(*)", {"forever": FOREVER}
        ),
        "retired relations": store.count(f"MATCH ()-[e:{RETIRED_EDGES}]->() RETURN count(*)"),
        "kept asset versions": store.count(f"MATCH (h:{ASSET_HISTORY}) RETURN count(*)"),
    }
    if store.schema_version >= OWNER_LINKS_SCHEMA:
        counts["past owner links"] = store.count(f"MATCH (h:{OWNER_LINK_HISTORY}) RETURN count(*)")
    return counts
