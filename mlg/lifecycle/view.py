"""Which part of the graph's history a question sees: today's (the default), today's
with what was retired (`include_retired`), or the graph as it was (`as_of`).

A `View` rides on the Graph object (`Graph.viewing(...)` returns a Graph sharing the
same database with another view), and the query modules ask it for the two things
they splice into their Cypher: the rel table(s) lineage walks (`edges`) and the
condition an asset must meet (`asset_alive`). Today's view walks DEPENDS_ON alone,
as before: every DEPENDS_ON edge joins two alive assets, so walks need no filter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mlg.lifecycle.columns import FOREVER_LITERAL, RETIRED_EDGES, db

if TYPE_CHECKING:
    from mlg.graph import Graph


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
