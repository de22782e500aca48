"""Lifetimes in the graph (issue 15): the lifecycle columns (schema step 3 -> 4), and
the View queries answer in: today's, with what was retired, or as of a date.

A `View` rides on the store (`Graph.viewing(...)` returns a Graph whose store is a copy
carrying another view); the backend's queries ask it for the two things they splice
into their Cypher: the rel table(s) lineage walks (`edges`) and the condition an asset
must meet (`asset_alive`). Today's view walks DEPENDS_ON alone, as before: every
DEPENDS_ON edge joins two alive assets, so walks need no filter. Bottom layer: this
module imports nothing of mlg. The rest is in mlg/lifecycle/ and
mlg/store/kuzu/lifecycle.py.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mlg.graph import Graph

# "Still valid": the valid_to of everything alive. A sentinel, not NULL (Kuzu 0.11.3
# NULL defects, schema.BLANK_FOR_NULL), and one comparison on one column.
FOREVER = datetime(9999, 12, 31)
FOREVER_LITERAL = "timestamp('9999-12-31 00:00:00')"
EPOCH_LITERAL = "timestamp('1970-01-01 00:00:00')"

# Why an asset is retired (Asset.retired_by): "" alive, "sync" no source asserts it any
# more (a source asserting it again revives it), "manual" `mlg retire` (only `mlg
# restore` revives it).
RETIRED_BY_SYNC = "sync"
RETIRED_BY_HAND = "manual"

RETIRED_EDGES = "RETIRED_DEPENDS_ON"
# Past versions of assets (mlg.lifecycle.history): each row an asset as it was over
# [valid_from, valid_to), with the Asset columns; the Asset row itself is the current
# (or, retired, the last) version.
ASSET_HISTORY = "AssetHistory"


def asset_history_ddl(asset_columns: tuple[tuple[str, str], ...]) -> str:
    cols = ", ".join(f"{n} {t}" for n, t in asset_columns if n != "id")
    return (
        f"CREATE NODE TABLE {ASSET_HISTORY}(key STRING, asset STRING, {cols}, sources STRING[], "
        "placeholder BOOLEAN, valid_from TIMESTAMP, valid_to TIMESTAMP, PRIMARY KEY (key))"
    )


# (name, type, default) added to Asset; never NULL (text defaults to "").
ASSET_LIFE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("sources", "STRING[]", "[]"),
    ("valid_from", "TIMESTAMP", EPOCH_LITERAL),
    ("valid_to", "TIMESTAMP", FOREVER_LITERAL),
    ("placeholder", "BOOLEAN", "false"),
    ("retired_by", "STRING", "''"),
    ("retired_reason", "STRING", "''"),
)
EDGE_LIFE_COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("sources", "STRING[]", "[]"),
    ("valid_from", "TIMESTAMP", EPOCH_LITERAL),
    ("valid_to", "TIMESTAMP", FOREVER_LITERAL),
)
OWNED_LIFE_COLUMNS: tuple[tuple[str, str, str], ...] = (("sources", "STRING[]", "[]"),)


def db(graph_or_store):
    """The store behind a Graph (or the store itself): what lifecycle queries run on."""
    return getattr(graph_or_store, "store", graph_or_store)


def column_ddl(columns: tuple[tuple[str, str, str], ...]) -> str:
    """`name TYPE DEFAULT value, ...` for a CREATE TABLE."""
    return ", ".join(f"{n} {t} DEFAULT {d}" for n, t, d in columns)


def retired_edges_ddl(edge_columns: tuple[tuple[str, str], ...]) -> str:
    """RETIRED_DEPENDS_ON: DEPENDS_ON's columns (`edge_columns`), its lifecycle ones, why
    the edge was retired and who asserted it until then (`last_sources`; `sources` is
    who still asserts it: a "dormant" edge, back when both its ends are alive)."""
    base = ", ".join(f"{n} {t}" for n, t in edge_columns)
    return (
        f"CREATE REL TABLE {RETIRED_EDGES}(FROM Asset TO Asset, {base}, "
        f"{column_ddl(EDGE_LIFE_COLUMNS)}, reason STRING DEFAULT '', last_sources STRING[] DEFAULT [])"
    )


def upgrade_to_4(
    edge_columns: tuple[tuple[str, str], ...], asset_columns: tuple[tuple[str, str], ...]
) -> tuple[str, ...]:
    """Schema step 3 -> 4 (issue 15), self-contained: the lifecycle columns on Asset,
    DEPENDS_ON and OWNED_BY, the RETIRED_DEPENDS_ON and AssetHistory tables. Existing assets and edges
    are alive since they were created / first seen and asserted by no source (so no
    sync retires them until a source asserts them)."""
    statements = [f"ALTER TABLE Asset ADD {n} {t} DEFAULT {d}" for n, t, d in ASSET_LIFE_COLUMNS]
    statements += [f"ALTER TABLE DEPENDS_ON ADD {n} {t} DEFAULT {d}" for n, t, d in EDGE_LIFE_COLUMNS]
    statements += [f"ALTER TABLE OWNED_BY ADD {n} {t} DEFAULT {d}" for n, t, d in OWNED_LIFE_COLUMNS]
    statements += [
        retired_edges_ddl(edge_columns),
        asset_history_ddl(asset_columns),
        "MATCH (a:Asset) WHERE a.created_at IS NOT NULL SET a.valid_from = a.created_at",
        "MATCH ()-[e:DEPENDS_ON]->() WHERE e.first_seen IS NOT NULL SET e.valid_from = e.first_seen",
    ]
    return tuple(statements)


def alive(var: str, include_retired: bool = False) -> str:
    """The Cypher predicate "asset/edge `var` is alive" (always true with
    `include_retired`): the one condition node queries add."""
    return "true" if include_retired else f"{var}.valid_to = {FOREVER_LITERAL}"


def edge_tables(include_retired: bool = False) -> str:
    """The rel table(s) lineage walks: DEPENDS_ON, plus the retired edges on request."""
    return f"DEPENDS_ON|{RETIRED_EDGES}" if include_retired else "DEPENDS_ON"


@dataclass(frozen=True)
class View:
    include_retired: bool = False
    as_of: datetime | None = None
    legacy: bool = False  # a graph of schema < 4 opened read-only: no lifecycle columns

    @property
    def today(self) -> bool:
        return not self.include_retired and self.as_of is None

    def edges(self) -> str:
        """The rel table(s) of lineage, for `[e:{view.edges()}]`."""
        return "DEPENDS_ON" if self.today or self.legacy else f"DEPENDS_ON|{RETIRED_EDGES}"

    def asset_alive(self, var: str = "a") -> str:
        """Cypher: asset `var` is seen in this view (alive, or anything with
        `include_retired`)."""
        if self.include_retired or self.legacy or self.as_of is not None:
            # As of a date, the edges of that date decide (an edge alive then joins two
            # assets alive then); what is looked up by id or name is checked against
            # its versions (Graph.get, mlg.lifecycle.history.asset_at).
            return "true"
        return f"{var}.valid_to = {FOREVER_LITERAL}"

    def edge_alive(self, var: str = "e") -> str:
        """Cypher: edge `var` (of `edges()`) is seen in this view."""
        if self.as_of is None or self.legacy:
            return "true"
        at = _literal(self.as_of)
        return f"({var}.valid_from <= {at} AND {var}.valid_to > {at})"

    def walk_filter(self, types_where: str = "") -> str:
        """The `(r, n | WHERE ...)` of a recursive walk: `types_where` (a condition on
        r, or "") and, as of a date, the edges of that date."""
        dated = self.as_of is not None and not self.legacy
        conditions = [c for c in (types_where, self.edge_alive("r") if dated else "") if c]
        return f" (r, n | WHERE {' AND '.join(conditions)})" if conditions else ""


TODAY = View()
LEGACY = View(legacy=True)
SCHEMA = 4  # the first schema with lifecycle columns

# What readers of whole assets add to their RETURN (mlg.model.Asset.from_row reads them).
LIFE_RETURN = (
    ", a.valid_to AS valid_to, a.placeholder AS placeholder, a.retired_reason AS retired_reason, "
    "a.sources AS sources"
)


def view_of(graph: Graph) -> View:
    """The view `graph`'s queries answer in (LEGACY for a graph of an older schema)."""
    store = db(graph)
    if store.schema_version < SCHEMA:
        return LEGACY
    return getattr(store, "_view", TODAY)


def life_return(graph: Graph, brief: bool = False) -> str:
    """LIFE_RETURN, or for walks (`brief`) what the UIs mark: placeholder, retired."""
    if db(graph).schema_version < SCHEMA:
        return ""
    return ", a.placeholder AS placeholder, a.valid_to AS valid_to" if brief else LIFE_RETURN


def _literal(moment: datetime) -> str:
    return f"timestamp('{moment.replace(tzinfo=None).isoformat(sep=' ')}')"


@dataclass(frozen=True)
class LifeChange:
    """What `retire` or `restore` did: `changed` is False when there was nothing to do."""

    asset: str
    changed: bool
    edges: int = 0  # edges retired with the asset, or brought back with it

    def to_dict(self) -> dict:
        return {"asset": self.asset, "changed": self.changed, "edges": self.edges}
