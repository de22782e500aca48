"""A FalkorDB graph as a GraphImage and back (mlg.store.image): what `mlg copy` reads
and writes, history included.

Read: every node's and relationship's properties (`properties(n)`), whatever they are,
times turned back into datetimes (connection.py keeps them as integers). Write: into an
empty graph, every table as UNWIND batches in ONE atomic write with the generation bump
(writes.transaction: one MULTI/EXEC, or for a large image a staged copy renamed over
the graph): a copier that dies before the commit leaves the graph as it was. The image
is checked first (GraphImage.check: keys unique, every edge's ends present), so no
statement can fail on the data.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from mlg.errors import GraphError
from mlg.store.falkordb.connection import from_micros, to_micros
from mlg.store.falkordb.writes import CHUNK, transaction
from mlg.store.image import (
    FROM,
    NODE_TABLES,
    REL_TABLES,
    TIME_COLUMNS,
    TO,
    GraphImage,
    neutral,
    refuse_unknown,
)
from mlg.store.port import WriteOutcome  # noqa: TC001 - the return type

if TYPE_CHECKING:
    from mlg.store.falkordb.store import FalkorStore

# FalkorDB's own convention for absent optional text of assets, versions and owners: ""
# (writes._stored_asset, writes owner_row); runs leave it out.
_BLANK_STORED = {
    "Asset": ("namespace", "family", "version", "description", "domain", "props"),
    "AssetHistory": ("namespace", "family", "version", "description", "domain", "props"),
    "Owner": ("email",),
}


def _read(value_row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: (from_micros(v) if k in TIME_COLUMNS and isinstance(v, int) else v) for k, v in value_row.items()
    }


def read_image(store: FalkorStore) -> GraphImage:
    """Every table of the graph, every property of every row."""
    labels = {r[0] for r in store._rows("CALL db.labels() YIELD label RETURN label")}
    types = {
        r[0]
        for r in store._rows("CALL db.relationshipTypes() YIELD relationshipType RETURN relationshipType")
    }
    refuse_unknown(labels | types, store.location)
    image = GraphImage()
    for table in NODE_TABLES:
        if table in labels:
            image.tables[table] = [
                neutral(table, _read(r[0])) for r in store._rows(f"MATCH (n:{table}) RETURN properties(n)")
            ]
    for table, (left, right) in REL_TABLES.items():
        if table in types:
            image.tables[table] = [
                {FROM: a, TO: b, **neutral(table, _read(props))}
                for a, b, props in store._rows(
                    f"MATCH (a:{left})-[e:{table}]->(b:{right}) RETURN a.id, b.id, properties(e)"
                )
            ]
    return image


def _stored(table: str, row: dict[str, Any]) -> dict[str, Any]:
    out = {k: (to_micros(v) if isinstance(v, datetime) else v) for k, v in row.items() if k not in (FROM, TO)}
    for name in _BLANK_STORED.get(table, ()):
        out.setdefault(name, "")
    return out


def write_image(store: FalkorStore, image: GraphImage) -> WriteOutcome:
    """Write `image` into this EMPTY graph: one atomic write, all or nothing."""
    image.check(store.location)

    def statements(gen: int):
        if not store.is_empty():
            raise GraphError(f"refusing to copy into {store.location}: it already holds a graph")
        out: list[tuple[str, dict[str, Any]]] = []
        for table in NODE_TABLES:
            rows = [_stored(table, r) for r in image.rows(table)]
            extra = ", n.gen = $gen" if table == "Asset" else ""
            query = f"UNWIND $rows AS r CREATE (n:{table}) SET n = r{extra}"
            out += [(query, {"rows": rows[i : i + CHUNK], "gen": gen}) for i in range(0, len(rows), CHUNK)]
        for table, (left, right) in REL_TABLES.items():
            rows = [{"f": r[FROM], "t": r[TO], "p": _stored(table, r)} for r in image.rows(table)]
            query = (
                f"UNWIND $rows AS r MATCH (a:{left} {{id: r.f}}), (b:{right} {{id: r.t}}) "
                f"CREATE (a)-[e:{table}]->(b) SET e = r.p"
            )
            out += [(query, {"rows": rows[i : i + CHUNK]}) for i in range(0, len(rows), CHUNK)]
        return out

    generation, _ = transaction(store, statements)
    return image.outcome(generation)
