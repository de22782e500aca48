"""What a store's view (mlg.lifespan.View) means in FalkorDB Cypher, and the names of
the lifecycle labels.

Today's view walks DEPENDS_ON alone and sees alive assets (`valid_to` = FOREVER_US);
with retired assets it walks RETIRED_DEPENDS_ON too and sees every asset; as of a date
it walks the edges alive then (assets looked up by id are checked by Graph against
`asset_at`). A graph without the lifecycle properties, opened read-only and so not
upgraded, is seen as it is (`legacy`). Timestamps are integers here (connection.py),
so the moment is a number in the Cypher text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mlg.lifespan import FOREVER, SCHEMA, TODAY, View
from mlg.store.falkordb.connection import to_micros

if TYPE_CHECKING:
    from mlg.store.falkordb.store import FalkorStore

FOREVER_US = to_micros(FOREVER)
# the same labels as the Kuzu schema's (mlg/store/kuzu/schema.py), so that raw Cypher
# and `mlg copy` name them alike
RETIRED_EDGES = "RETIRED_DEPENDS_ON"
ASSET_HISTORY = "AssetHistory"
# owner links that went (schema 6), as Kuzu's OwnerLinkHistory: plain properties
OWNER_LINK_HISTORY = "OwnerLinkHistory"


@dataclass(frozen=True)
class FalkorView:
    """A View as FalkorDB Cypher fragments; `legacy`: a graph without lifetimes."""

    include_retired: bool = False
    as_of: datetime | None = None
    legacy: bool = False

    @property
    def today(self) -> bool:
        return not self.include_retired and self.as_of is None


def of(store: FalkorStore) -> FalkorView:
    """The view `store`'s queries answer in."""
    if store.schema_version < SCHEMA:
        return FalkorView(legacy=True)
    view: View = getattr(store, "view", TODAY)
    return FalkorView(view.include_retired, view.as_of)


def edges(view: FalkorView) -> str:
    """The relationship type(s) of lineage in `view`, for `[e:{edges(view)}]`."""
    return "DEPENDS_ON" if view.today or view.legacy else f"DEPENDS_ON|{RETIRED_EDGES}"


def asset_alive(view: FalkorView, var: str = "a") -> str:
    """Cypher: asset `var` is seen in `view` (as of a date, the edges decide)."""
    if view.include_retired or view.legacy or view.as_of is not None:
        return "true"
    return f"{var}.valid_to = {FOREVER_US}"


def edge_alive(view: FalkorView, var: str = "e") -> str:
    """Cypher: edge `var` (of `edges(view)`) is seen in `view`."""
    if view.as_of is None or view.legacy:
        return "true"
    at = to_micros(view.as_of)
    return f"({var}.valid_from <= {at} AND {var}.valid_to > {at})"
