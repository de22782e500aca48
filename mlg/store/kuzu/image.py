"""A Kuzu graph as a GraphImage and back (mlg.store.image): what `mlg copy` reads and
writes, history included.

Read: every node (`RETURN n`) and relationship (`RETURN e`) with all its properties,
whatever the table's columns are. Write: into an empty graph, one `LOAD FROM $rows
CREATE ...` per table over an Arrow table whose columns are the destination table's own
(`CALL table_info`), all in ONE transaction with the generation bump (write.py's
_run_transaction): a failure rolls it back, and a copier killed mid-way leaves no
committed part (Kuzu's WAL replays committed transactions only).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from mlg.errors import MlgError
from mlg.store.image import FROM, NODE_TABLES, REL_TABLES, TO, GraphImage, neutral, refuse_unknown
from mlg.store.port import WriteOutcome  # noqa: TC001 - the return type

if TYPE_CHECKING:
    from mlg.store.kuzu.store import KuzuStore

_ARROW = {
    "STRING": pa.string(),
    "STRING[]": pa.list_(pa.string()),
    "TIMESTAMP": pa.timestamp("us"),
    "BOOL": pa.bool_(),
    "BOOLEAN": pa.bool_(),
    "INT64": pa.int64(),
    "DOUBLE": pa.float64(),
}
# Kuzu's never-NULL text (mlg.schema.BLANK_FOR_NULL, and the lifecycle columns with a
# default of ''): an absent value is written "" (Kuzu 0.11.3's NULL defects)
_NEVER_NULL_TEXT = {
    "Asset": {
        "namespace",
        "family",
        "version",
        "description",
        "domain",
        "props",
        "retired_by",
        "retired_reason",
    },
    "AssetHistory": {"namespace", "family", "version", "description", "domain", "props"},
    "Owner": {"email"},
    "RETIRED_DEPENDS_ON": {"reason"},
}
_NEVER_NULL_LIST = {"sources", "last_sources"}
_END_FROM, _END_TO = "mlg_from", "mlg_to"


def _columns(store: KuzuStore, table: str) -> list[tuple[str, str]]:
    return [(r["name"], r["type"]) for r in store.rows(f"CALL table_info('{table}') RETURN *")]


def _props(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if not k.startswith("_")}


def read_image(store: KuzuStore) -> GraphImage:
    """Every table of the graph, every column of every row."""
    tables = {r["name"] for r in store.rows("CALL show_tables() RETURN *")}
    refuse_unknown(tables, str(store.path))
    image = GraphImage()
    for table in NODE_TABLES:
        if table in tables:
            image.tables[table] = [
                neutral(table, _props(r["n"])) for r in store.rows(f"MATCH (n:{table}) RETURN n")
            ]
    for table, (left, right) in REL_TABLES.items():
        if table in tables:
            image.tables[table] = [
                {FROM: r["a"], TO: r["b"], **neutral(table, _props(r["e"]))}
                for r in store.rows(
                    f"MATCH (x:{left})-[e:{table}]->(y:{right}) RETURN x.id AS a, y.id AS b, e"
                )
            ]
    return image


def _table(
    store: KuzuStore, table: str, rows: list[dict[str, Any]], extra: list[str]
) -> tuple[list[str], pa.Table]:
    """The rows as an Arrow table of the destination's columns that any row has (the
    others keep their defaults); its column names."""
    present = {k for r in rows for k in r}
    blank = _NEVER_NULL_TEXT.get(table, set())
    # the never-NULL columns always (absent from every row still means "" or [], not NULL)
    columns = [(n, t) for n, t in _columns(store, table) if n in present | blank | _NEVER_NULL_LIST]
    known = {n for n, _ in columns} | {FROM, TO}
    missing = sorted(present - known)
    if missing:
        raise MlgError(
            f"cannot copy into {store.path}: its {table} table has no column {', '.join(missing)} "
            "(the source's schema is newer; copy with a matching mlg)"
        )
    arrays, names = [], []
    for name, kuzu_type in columns:
        if kuzu_type not in _ARROW:
            raise MlgError(f"cannot copy the {table}.{name} column of type {kuzu_type}")
        values = [r.get(name) for r in rows]
        if name in blank:
            values = ["" if v is None else v for v in values]
        elif name in _NEVER_NULL_LIST:
            values = [[] if v is None else v for v in values]
        arrays.append(pa.array(values, _ARROW[kuzu_type]))
        names.append(name)
    for end, key in zip(extra, (FROM, TO)):
        arrays.append(pa.array([r[key] for r in rows], pa.string()))
        names.append(end)
    return [n for n in names if n not in extra], pa.table(arrays, names=names)


def write_image(store: KuzuStore, image: GraphImage) -> WriteOutcome:
    """Write `image` into this EMPTY graph: one transaction, all or nothing."""
    from mlg.store.kuzu.write import _run_transaction, is_empty

    image.check(str(store.path))
    if not is_empty(store):
        raise MlgError(f"refusing to copy into {store.path}: it already holds a graph")
    steps: list[tuple[str, str, pa.Table]] = []
    for table in NODE_TABLES:
        rows = image.rows(table)
        if not rows:
            continue
        names, data = _table(store, table, rows, [])
        values = ", ".join(f"{n}: `{n}`" for n in names) + (", gen: $gen" if table == "Asset" else "")
        steps.append((table, f"LOAD FROM $rows CREATE (:{table} {{{values}}})", data))
    for table, (left, right) in REL_TABLES.items():
        rows = image.rows(table)
        if not rows:
            continue
        names, data = _table(store, table, rows, [_END_FROM, _END_TO])
        values = ", ".join(f"{n}: `{n}`" for n in names)
        steps.append(
            (
                table,
                f"LOAD FROM $rows MATCH (a:{left} {{id: {_END_FROM}}}), (b:{right} {{id: {_END_TO}}}) "
                f"CREATE (a)-[:{table}{f' {{{values}}}' if values else ''}]->(b)",
                data,
            )
        )
    generation = _run_transaction(store, steps, None)
    return image.outcome(generation)
