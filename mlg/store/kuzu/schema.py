"""The Kuzu schema of a graph: its DDL, and the statements that upgrade an older graph.

The vocabulary (kinds, relations, the columns of each table) is backend-neutral and
lives in mlg/schema.py; this module turns it into Kuzu tables. The lifecycle columns
(issue 15) are never NULL: a text default of "" and a timestamp sentinel for "still
valid", because of Kuzu 0.11.3's NULL defects (mlg.schema.BLANK_FOR_NULL).
"""

from __future__ import annotations

from collections.abc import Callable

import kuzu

from mlg.schema import ASSET_COLUMNS, ASSET_GENERATION, OWNER_COLUMNS, RELATION_PROPERTIES, RUN_COLUMNS
from mlg.store.kuzu.qualified_upgrade import upgrade_to_5

# mlg.lifespan.FOREVER and the epoch as Kuzu literals: the valid_to of everything
# alive, and the valid_from of what predates the lifecycle columns.
FOREVER_LITERAL = "timestamp('9999-12-31 00:00:00')"
EPOCH_LITERAL = "timestamp('1970-01-01 00:00:00')"

RETIRED_EDGES = "RETIRED_DEPENDS_ON"
# Past versions of assets (mlg.store.kuzu.history): each row an asset as it was over
# [valid_from, valid_to), with the Asset columns; the Asset row itself is the current
# (or, retired, the last) version.
ASSET_HISTORY = "AssetHistory"
# Owner links that went (schema 6): each row a link (asset, owner, role) as it held over
# [valid_from, valid_to), with its sources; an OWNED_BY edge is a link holding since its
# valid_from. Plain columns (ids, not a rel table), so a copy carries them as rows.
OWNER_LINK_HISTORY = "OwnerLinkHistory"

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


def column_ddl(columns: tuple[tuple[str, str, str], ...]) -> str:
    """`name TYPE DEFAULT value, ...` for a CREATE TABLE."""
    return ", ".join(f"{n} {t} DEFAULT {d}" for n, t, d in columns)


def asset_history_ddl(asset_columns: tuple[tuple[str, str], ...]) -> str:
    """AssetHistory: the Asset columns (`asset_columns`) of one past version, keyed."""
    cols = ", ".join(f"{n} {t}" for n, t in asset_columns if n != "id")
    return (
        f"CREATE NODE TABLE {ASSET_HISTORY}(key STRING, asset STRING, {cols}, sources STRING[], "
        "placeholder BOOLEAN, valid_from TIMESTAMP, valid_to TIMESTAMP, PRIMARY KEY (key))"
    )


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


def upgrade_to_6() -> tuple[str, ...]:
    """Schema step 5 -> 6 (issue 15): owner links get a lifetime. OWNED_BY gains
    valid_from (existing links: the epoch, held since before history was kept) and a
    link that goes is kept in OwnerLinkHistory."""
    return (
        f"ALTER TABLE OWNED_BY ADD valid_from TIMESTAMP DEFAULT {EPOCH_LITERAL}",
        f"CREATE NODE TABLE {OWNER_LINK_HISTORY}(key STRING, asset STRING, owner STRING, role STRING, "
        "sources STRING[], valid_from TIMESTAMP, valid_to TIMESTAMP, PRIMARY KEY (key))",
    )


def _columns(cols: tuple[tuple[str, str], ...], key: str | None = "id") -> str:
    parts = [f"{name} {typ}" for name, typ in cols]
    if key:
        parts.append(f"PRIMARY KEY ({key})")
    return ", ".join(parts)


DDL: tuple[str, ...] = (
    "CREATE NODE TABLE MlgMeta(key STRING, value STRING, PRIMARY KEY (key))",
    f"CREATE NODE TABLE Asset({_columns(ASSET_COLUMNS + (ASSET_GENERATION,))})",
    f"CREATE NODE TABLE Owner({_columns(OWNER_COLUMNS)})",
    f"CREATE REL TABLE DEPENDS_ON(FROM Asset TO Asset, {_columns(RELATION_PROPERTIES, None)})",
    "CREATE REL TABLE OWNED_BY(FROM Asset TO Owner, role STRING)",
    f"CREATE NODE TABLE Run({_columns(RUN_COLUMNS)})",
    "CREATE REL TABLE RUN_OF(FROM Run TO Asset)",
    "CREATE REL TABLE RUN_IO(FROM Run TO Asset, direction STRING)",
    # Another name of an asset (an OpenLineage symlink): id is the id the name would
    # have had on its own, asset the id of the asset it names.
    "CREATE NODE TABLE AssetAlias(id STRING, asset STRING, PRIMARY KEY (id))",
    # a new graph: the tables above, then each upgrade step's additions
) + upgrade_to_4(RELATION_PROPERTIES, ASSET_COLUMNS)
DDL += upgrade_to_6()

# schema version -> the statements that bring a graph of that version to the next one
# (mlg.store.kuzu.database runs them in place on the first read-write open). The
# versions themselves are listed at mlg.schema.SCHEMA_VERSION.
UPGRADES: dict[int, tuple[str, ...]] = {
    2: ("ALTER TABLE Asset ADD gen INT64 DEFAULT 0",),
    3: upgrade_to_4(RELATION_PROPERTIES, ASSET_COLUMNS),
    4: (),  # re-keys assets: PYTHON_UPGRADES[4]
    5: upgrade_to_6(),
}
# schema version -> the upgrade step of Python run after UPGRADES[version]'s statements,
# in transactions of its own (mlg.store.kuzu.database._upgrade): steps that compute what
# they write
PYTHON_UPGRADES: dict[int, Callable[[kuzu.Connection], None]] = {4: upgrade_to_5}
