"""Kuzu Cypher for looking assets and owners up: by id, by name, one hop away, counted.

Sets of ids reach Kuzu as an Arrow table (`LOAD FROM $ids MATCH (a:Asset {id: id})`):
`WHERE a.id IN $list` was measured at 46 s for 5,000 ids on 1M assets. Kuzu 0.11.3
plans that LOAD FROM as a join over a scan of the whole table (~0.1-1 s at 1M assets,
whatever the number of ids), so up to FEW ids are looked up one primary-key query each
(~1 ms) instead where a caller looks up a few ids often (an ingest of one file); one
id is always a primary-key query.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

import pyarrow as pa

from mlg.limits import surrogate_at
from mlg.model import Asset, GraphStats, Neighbour, Owner
from mlg.schema import ASSET_COLUMNS
from mlg.store.kuzu.view import life_return, view_of
from mlg.store.port import ASSET_SCHEMA, CountedLevel, CountedNeighbour, Resolution
from mlg.store.tables import assets_of, owners_by_asset

if TYPE_CHECKING:
    from mlg.store.kuzu.store import KuzuStore

ASSET_RETURN = ", ".join(f"a.{name} AS {name}" for name, _ in ASSET_COLUMNS)


def _full(store: KuzuStore) -> str:
    """ASSET_RETURN and the lifecycle columns (mlg.store.kuzu.view.LIFE_RETURN)."""
    return ASSET_RETURN + life_return(store)


FEW = 64


def ids_table(ids: Iterable[str]) -> pa.Table:
    """Ids as the one-column table `LOAD FROM $ids` reads."""
    return pa.table({"id": pa.array(list(ids), pa.string())})


def storable(ids: Iterable[str]) -> list[str]:
    """The ids Kuzu can bind, each once: a lone surrogate is no asset's id."""
    return [i for i in dict.fromkeys(ids) if isinstance(i, str) and surrogate_at(i) is None]


def asset_rows(store: KuzuStore, ids: Iterable[str], returns: str = ASSET_RETURN) -> pa.Table:
    """The port's asset rows (ASSET_COLUMNS); `returns` reads more (`_full`)."""
    ids = storable(ids)
    if not ids:
        return ASSET_SCHEMA.empty_table()
    if len(ids) == 1:
        return store.arrow(f"MATCH (a:Asset {{id: $id}}) RETURN {returns}", {"id": ids[0]})
    return store.arrow(f"LOAD FROM $ids MATCH (a:Asset {{id: id}}) RETURN {returns}", {"ids": ids_table(ids)})


def assets(store: KuzuStore, ids: Iterable[str]) -> dict[str, Asset]:
    """Assets by id, with what the lifecycle columns say (retired, placeholder, sources)."""
    return {a.id: a for a in assets_of(asset_rows(store, ids, _full(store)))}


def resolve(store: KuzuStore, ref: str) -> Resolution:
    if surrogate_at(ref) is not None:
        return Resolution(None)  # not storable text, so no asset has it (and Kuzu cannot bind it)
    rows = store.rows(f"MATCH (a:Asset {{id: $id}}) RETURN {_full(store)}", {"id": ref})
    if rows:
        return Resolution(Asset.from_row(rows[0]))
    alive = view_of(store).asset_alive()
    rows = store.rows(
        f"MATCH (a:Asset) WHERE a.name = $name AND {alive} RETURN {_full(store)} ORDER BY a.id LIMIT 50",
        {"name": ref},
    )
    if len(rows) == 1:
        return Resolution(Asset.from_row(rows[0]))
    if rows:
        return Resolution(None, named=tuple(r["id"] for r in rows))
    near = store.rows(
        f"MATCH (a:Asset) WHERE (lower(a.id) CONTAINS $q OR lower(a.name) CONTAINS $q) AND {alive} "
        "RETURN a.id AS id ORDER BY size(a.id) LIMIT 5",
        {"q": ref.lower()},
    )
    return Resolution(None, near=tuple(r["id"] for r in near))


def siblings(store: KuzuStore, asset: Asset) -> list[Asset]:
    if asset.family is None:
        return []
    rows = store.rows(
        f"MATCH (a:Asset) WHERE a.kind = $kind AND a.family = $family AND a.id <> $id "
        f"AND {view_of(store).asset_alive()} RETURN {_full(store)} ORDER BY a.version, a.id",
        {"kind": asset.kind, "family": asset.family, "id": asset.id},
    )
    return [Asset.from_row(r) for r in rows]


_ONE_HOP = {
    "up": "(x:Asset {id: $id})-[e:DEPENDS_ON]->(a:Asset)",
    "down": "(x:Asset {id: $id})<-[e:DEPENDS_ON]-(a:Asset)",
}


def _hop(store: KuzuStore, pattern: str) -> str:
    """A one-hop pattern over the rel tables of the store's view (mlg.store.kuzu.view)."""
    return pattern.replace(":DEPENDS_ON]", f":{view_of(store).edges()}]")


def neighbours(store: KuzuStore, asset_id: str, direction: str) -> list[Neighbour]:
    view = view_of(store)
    rows = store.rows(
        f"MATCH {_hop(store, _ONE_HOP[direction])} WHERE {view.edge_alive()} "
        f"RETURN {_full(store)}, e.type AS rel_type ORDER BY e.type, a.kind, a.name",
        {"id": asset_id},
    )
    found = [Neighbour(Asset.from_row(r), r["rel_type"]) for r in rows]
    return found if view.today else list(dict.fromkeys(found))  # an edge retired and back: once


# (pattern from the asset to a neighbour, pattern from that neighbour to its own neighbours)
_COUNTED = {
    "up": (_ONE_HOP["up"], "(a)-[f:DEPENDS_ON]->(:Asset)"),
    "down": (_ONE_HOP["down"], "(a)<-[f:DEPENDS_ON]-(:Asset)"),
}


def counted_neighbours(
    store: KuzuStore, asset_id: str, direction: str, *, kinds: Sequence[str] | None, limit: int
) -> CountedLevel:
    """One level in one query for the rows, and one for the counts when the rows do
    not tell them (the level was cut at `limit`, or a kind filter hid some).

    Cost on 1M assets: Kuzu reads a node property of scattered neighbours at about
    0.15 ms per neighbour and column (a relation's own properties cost next to
    nothing), so a level carries four columns only (id, kind, name, version: what a tree
    shows), is not ordered in Cypher (ordering would read every neighbour of a hub
    before the LIMIT), and counts without the kind column unless a kind filter needs
    it. A hub dataset's level of 50 then takes ~35 ms.
    """
    to_neighbour, onwards = (_hop(store, p) for p in _COUNTED[direction])
    params: dict = {"id": asset_id}
    where = ""
    if kinds is not None:
        params["kinds"] = list(kinds)
        where = " WHERE a.kind IN $kinds"
    rows = store.rows(
        f"MATCH {to_neighbour}{where} WITH a, e LIMIT $limit OPTIONAL MATCH {onwards} "
        "WITH a, e, count(f) AS n "
        "RETURN a.id AS id, a.kind AS kind, a.name AS name, a.version AS version, "
        "e.type AS type, n",
        {**params, "limit": limit},
    )
    if kinds is None:
        # A level under the limit is every neighbour: no count needed (most levels).
        if len(rows) < limit:
            total = matching = len(rows)
        else:
            total = matching = store.count(f"MATCH {to_neighbour} RETURN count(*)", params)
    else:
        counts = store.rows(
            f"MATCH {to_neighbour} RETURN count(*) AS total, "
            "count(CASE WHEN a.kind IN $kinds THEN 1 END) AS matching",
            params,
        )
        total, matching = int(counts[0]["total"]), int(counts[0]["matching"])
    found = tuple(
        CountedNeighbour(r["id"], r["kind"], r["name"], r["version"] or None, r["type"], int(r["n"]))
        for r in rows
    )
    return CountedLevel(total, matching, found)


_OWNERSHIP_RETURN = "o.id AS id, o.kind AS kind, o.name AS name, o.email AS email, r.role AS role"


def owners_of(store: KuzuStore, ids: Iterable[str]) -> dict[str, tuple[Owner, ...]]:
    ids = storable(ids)
    if not ids:
        return {}
    if len(ids) == 1:
        rows = store.rows(
            f"MATCH (a:Asset {{id: $id}})-[r:OWNED_BY]->(o:Owner) RETURN a.id AS asset, {_OWNERSHIP_RETURN}",
            {"id": ids[0]},
        )
    else:
        rows = store.arrow(
            f"LOAD FROM $ids MATCH (a:Asset {{id: id}})-[r:OWNED_BY]->(o:Owner) "
            f"RETURN id AS asset, {_OWNERSHIP_RETURN}",
            {"ids": ids_table(ids)},
        ).to_pylist()
    return owners_by_asset(rows)


def all_owners(store: KuzuStore) -> list[Owner]:
    rows = store.rows(
        "MATCH (o:Owner) RETURN o.id AS id, o.kind AS kind, o.name AS name, o.email AS email ORDER BY id"
    )
    return [Owner(**r) for r in rows]


def stats(store: KuzuStore) -> GraphStats:
    def counts(query: str) -> dict[str, int]:
        return {r["k"]: int(r["n"]) for r in store.rows(query)}

    return GraphStats(
        path=store.location,
        assets_by_kind=counts(
            f"MATCH (a:Asset) WHERE {view_of(store).asset_alive()} "
            "RETURN a.kind AS k, count(*) AS n ORDER BY k"
        ),
        relations_by_type=counts("MATCH ()-[e:DEPENDS_ON]->() RETURN e.type AS k, count(*) AS n ORDER BY k"),
        owners_by_kind=counts("MATCH (o:Owner) RETURN o.kind AS k, count(*) AS n ORDER BY k"),
        unowned_assets=store.count(
            f"MATCH (a:Asset) WHERE {view_of(store).asset_alive()} AND "
            "NOT EXISTS { MATCH (a)-[:OWNED_BY]->(:Owner) } RETURN count(*)"
        ),
    )


def assets_named(store: KuzuStore, names: Iterable[str]) -> pa.Table:
    return store.arrow(
        "MATCH (a:Asset) WHERE a.name IN $names RETURN a.id AS id, a.kind AS kind, "
        "a.namespace AS namespace, a.name AS name, a.version AS version, "
        "a.created_at AS created_at",
        {"names": storable(names)},
    )


def owner_links(store: KuzuStore, ids: Iterable[str]) -> list[dict]:
    """The owner links of the assets among `ids`: dicts of id (the asset), owner, role and
    sources (who asserts the link; [] on a graph older than the lifecycle columns). The
    one owner look-up of reads (`ownerships`) and writes (write.py): one primary-key
    query each for up to FEW ids, one LOAD FROM for more."""
    ids = list(ids)
    if not ids:
        return []
    sources = ", o.sources AS sources" if life_return(store) else ""
    if len(ids) <= FEW:
        found = [
            r
            for i in ids
            for r in store.rows(
                "MATCH (a:Asset {id: $id})-[o:OWNED_BY]->(w:Owner) "
                f"RETURN a.id AS id, w.id AS owner, o.role AS role{sources}",
                {"id": i},
            )
        ]
    else:
        found = store.arrow(
            "LOAD FROM $ids MATCH (a:Asset {id: id})-[o:OWNED_BY]->(w:Owner) "
            f"RETURN id, w.id AS owner, o.role AS role{sources}",
            {"ids": ids_table(ids)},
        ).to_pylist()
    for r in found:
        r["sources"] = r.get("sources") or []
    return found


def ownerships(store: KuzuStore, ids: Iterable[str]) -> dict[str, list[tuple[str, str]]]:
    found = owner_links(store, storable(ids))
    owned: dict[str, list[tuple[str, str]]] = {}
    for r in found:
        owned.setdefault(r["id"], []).append((r["owner"], r["role"]))
    return {k: sorted(v, key=lambda t: (t[0], t[1] or "")) for k, v in owned.items()}


def index_assets(store: KuzuStore, since: int | None) -> pa.Table:
    # `alive`: the search index keeps alive assets only, and forgets retired ones
    alive = view_of(store).asset_alive()
    if since is None:
        return store.arrow(f"MATCH (a:Asset) WHERE {alive} RETURN {ASSET_RETURN}, true AS alive")
    return store.arrow(
        f"MATCH (a:Asset) WHERE a.gen > $since RETURN {ASSET_RETURN}, {alive} AS alive", {"since": since}
    )


def index_ownership_table(store: KuzuStore) -> pa.Table:
    """Every ownership as a row: asset, owner (ids) and name (the owner's)."""
    return store.arrow(
        "MATCH (a:Asset)-[:OWNED_BY]->(o:Owner) RETURN a.id AS asset, o.id AS owner, o.name AS name"
    )


def index_ownerships(
    store: KuzuStore, since: int | None = None, ids: Iterable[str] | None = None
) -> dict[str, list[tuple[str, str]]]:
    owned: dict[str, list[tuple[str, str]]] = {}
    if ids is not None:
        for asset_id in sorted(storable(ids)):
            for row in store.rows(
                "MATCH (a:Asset {id: $id})-[:OWNED_BY]->(o:Owner) RETURN o.id AS owner, o.name AS name",
                {"id": asset_id},
            ):
                owned.setdefault(asset_id, []).append((row["owner"], row["name"] or ""))
        return owned
    where, params = ("", {}) if since is None else ("WHERE a.gen > $since ", {"since": since})
    table = store.arrow(
        f"MATCH (a:Asset)-[:OWNED_BY]->(o:Owner) {where}RETURN a.id AS asset, o.id AS owner, o.name AS name",
        params,
    )
    for asset_id, owner_id, name in zip(*(table.column(c).to_pylist() for c in ("asset", "owner", "name"))):
        owned.setdefault(asset_id, []).append((owner_id, name or ""))
    return owned
