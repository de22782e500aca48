"""A whole graph as rows, backend-neutral: what `mlg copy` reads from one store and
writes into another (GraphStore.image / GraphStore.write_image).

Every stored table is carried with every column of every row, history included: each
asset (alive or retired, with its lifetime, sources, placeholder flag, who retired it
and why), each kept version (AssetHistory, with its interval), each lineage edge alive
(DEPENDS_ON) or retired (RETIRED_DEPENDS_ON, with its reason and last sources), owners
and owner links (with their sources), runs with what they read and wrote, aliases.
Rows are read generically (a node's or relationship's properties, whatever they are),
so a column a later schema adds (schema 6: valid_from/valid_to on OWNED_BY) is carried
without a change here, as long as its name says whether it is a time (TIME_COLUMNS).
A table a backend has that is not in TABLES is refused by its reader, never dropped.

Not carried: MlgMeta (the destination keeps its own graph id, schema version and
generation) and the derived-index bookkeeping `gen` (every asset written carries the
destination's generation); derived indexes are rebuilt by the destination.

A row's values are Python values: times as naive-UTC datetimes, lists as lists. Absent
is None, and a None is left out of the row, as is the blank text that stands for it
(BLANK_FOR_NULL; every optional text of a run): what Kuzu stores as "" and FalkorDB
not at all reads the same from both.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mlg.errors import MlgError
from mlg.model import IngestReport
from mlg.schema import ASSET_COLUMNS, BLANK_FOR_NULL, RELATION_PROPERTIES, RUN_COLUMNS
from mlg.store.port import WriteOutcome

# node tables, in the order they are written
NODE_TABLES: tuple[str, ...] = ("Asset", "AssetHistory", "Owner", "Run", "AssetAlias", "OwnerLinkHistory")
# the key of each node table's rows (the others: `id`)
ROW_KEYS: dict[str, str] = {"AssetHistory": "key", "OwnerLinkHistory": "key"}
# relationship table -> (label of its from end, label of its to end), keyed by `id`
REL_TABLES: dict[str, tuple[str, str]] = {
    "DEPENDS_ON": ("Asset", "Asset"),
    "RETIRED_DEPENDS_ON": ("Asset", "Asset"),
    "OWNED_BY": ("Asset", "Owner"),
    "RUN_OF": ("Run", "Asset"),
    "RUN_IO": ("Run", "Asset"),
}
TABLES: tuple[str, ...] = NODE_TABLES + tuple(REL_TABLES)
# tables no image carries: the graph's own bookkeeping
NOT_CARRIED: frozenset[str] = frozenset({"MlgMeta"})
# the keys of a relationship row that name its ends (ids); the rest are its properties
FROM, TO = "_from", "_to"
# properties never carried: the derived indexes' bookkeeping, set by the destination
BOOKKEEPING: frozenset[str] = frozenset({"gen"})

TIME_COLUMNS: frozenset[str] = frozenset(
    {n for n, t in ASSET_COLUMNS + RELATION_PROPERTIES + RUN_COLUMNS if t == "TIMESTAMP"}
    | {"valid_from", "valid_to"}  # lifetimes (of assets, versions, edges; schema 6: owner links)
)
_RUN_TEXT = frozenset(n for n, t in RUN_COLUMNS if t == "STRING" and n not in ("id", "workflow"))
# table -> optional text columns: blank ("") means absent
OPTIONAL_TEXT: dict[str, frozenset[str]] = {
    "Asset": frozenset(BLANK_FOR_NULL["Asset"]),
    "AssetHistory": frozenset(BLANK_FOR_NULL["Asset"]),
    "Owner": frozenset(BLANK_FOR_NULL["Owner"]),
    "Run": _RUN_TEXT,
}


def neutral(table: str, row: dict[str, Any]) -> dict[str, Any]:
    """A stored row as the image holds it: no bookkeeping, no Nones, no blank optional text."""
    blank = OPTIONAL_TEXT.get(table, frozenset())
    return {
        k: (list(v) if isinstance(v, tuple) else v)
        for k, v in row.items()
        if k not in BOOKKEEPING and v is not None and not (v == "" and k in blank)
    }


@dataclass
class GraphImage:
    """table name -> its rows (dicts); relationship rows name their ends by FROM and TO."""

    tables: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: {t: [] for t in TABLES})

    def rows(self, table: str) -> list[dict[str, Any]]:
        return self.tables.get(table, [])

    def counts(self) -> dict[str, int]:
        return {t: len(self.rows(t)) for t in TABLES}

    def outcome(self, generation: int) -> WriteOutcome:
        """What writing this image into an empty store did (mlg copy's report)."""
        counts = self.counts()
        report = IngestReport(
            assets_added=counts["Asset"],
            owners_added=counts["Owner"],
            relations_added=counts["DEPENDS_ON"],
            ownerships_added=counts["OWNED_BY"],
        )
        return WriteOutcome(report, written=None, owners_changed=True, generation=generation)

    def sorted(self) -> dict[str, list[dict[str, Any]]]:
        """Every table's rows in a stable order: two images of the same graph compare equal."""
        return {t: sorted(self.rows(t), key=_order) for t in TABLES}

    def check(self, where: str) -> None:
        """Refuse, before anything is written, an image that no store could take whole:
        a node without its key, two nodes with one key, an edge whose end is missing."""
        keys: dict[str, set[str]] = {}
        for table in NODE_TABLES:
            key = ROW_KEYS.get(table, "id")
            seen: set[str] = set()
            for row in self.rows(table):
                value = row.get(key)
                if value is None:
                    raise MlgError(f"copy into {where} refused: a {table} row has no {key}: {row}")
                if value in seen:
                    raise MlgError(f"copy into {where} refused: two {table} rows have {key} {value!r}")
                seen.add(value)
            keys[table] = seen
        for table, (left, right) in REL_TABLES.items():
            for row in self.rows(table):
                for end, label in ((FROM, left), (TO, right)):
                    if row.get(end) not in keys[label]:
                        raise MlgError(
                            f"copy into {where} refused: a {table} row's end {row.get(end)!r} "
                            f"is no {label} of the graph copied"
                        )


def _order(row: dict[str, Any]) -> tuple:
    return tuple(sorted((k, repr(v)) for k, v in row.items()))


def refuse_unknown(tables: set[str], where: str) -> None:
    """A backend's reader calls this with the tables it holds: one the image does not
    know would be lost, so the copy stops instead."""
    unknown = sorted(set(tables) - set(TABLES) - NOT_CARRIED)
    if unknown:
        raise MlgError(
            f"cannot copy {where}: it holds tables this mlg's copy does not know ({', '.join(unknown)})"
        )
