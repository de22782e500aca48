"""The view a FalkorDB query answers in (mlg.lifespan.View) as FalkorDB Cypher.

Today's view walks DEPENDS_ON alone and sees alive assets (`valid_to` = FOREVER_US);
with retired assets it walks RETIRED_DEPENDS_ON too and sees every asset; as of a date
it walks the edges alive then. A graph without the lifecycle properties (mlg.lifespan.
LEGACY) is seen as it is. Timestamps are integers here (connection.py), so the moment
is a number in the Cypher text, not a parameter every caller would have to pass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlg.lifespan import FOREVER, RETIRED_EDGES, View, view_of
from mlg.store.falkordb.connection import to_micros

if TYPE_CHECKING:
    from mlg.store.falkordb.store import FalkorStore

FOREVER_US = to_micros(FOREVER)


def of(store: FalkorStore) -> View:
    """The view `store`'s queries answer in."""
    return view_of(store)


def edges(view: View) -> str:
    """The relationship type(s) of lineage in `view`, for `[e:{edges(view)}]`."""
    return "DEPENDS_ON" if view.today or view.legacy else f"DEPENDS_ON|{RETIRED_EDGES}"


def asset_alive(view: View, var: str = "a") -> str:
    """Cypher: asset `var` is seen in `view` (as of a date, the edges decide)."""
    if view.include_retired or view.legacy or view.as_of is not None:
        return "true"
    return f"{var}.valid_to = {FOREVER_US}"


def edge_alive(view: View, var: str = "e") -> str:
    """Cypher: edge `var` (of `edges(view)`) is seen in `view`."""
    if view.as_of is None or view.legacy:
        return "true"
    at = to_micros(view.as_of)
    return f"({var}.valid_from <= {at} AND {var}.valid_to > {at})"
