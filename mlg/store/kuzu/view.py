"""What a store's view (mlg.lifespan.View) means in Kuzu Cypher.

A KuzuStore carries a `View` (`store.view`, set by `KuzuStore.viewing`); its queries
ask `view_of(store)` for the fragments they splice into their Cypher: the rel table(s)
lineage walks (`edges`) and the condition an asset or edge must meet (`asset_alive`,
`edge_alive`, `walk_filter`). Today's view walks DEPENDS_ON alone: every DEPENDS_ON
edge joins two alive assets, so walks need no filter. A graph of a schema before the
lifecycle columns (opened read-only, so not upgraded) is seen as it is (`legacy`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from mlg.lifespan import SCHEMA, TODAY, View
from mlg.store.kuzu.schema import FOREVER_LITERAL, RETIRED_EDGES

if TYPE_CHECKING:
    from mlg.store.kuzu.store import KuzuStore


@dataclass(frozen=True)
class KuzuView:
    """A View as Cypher fragments; `legacy`: a graph without lifecycle columns."""

    include_retired: bool = False
    as_of: datetime | None = None
    legacy: bool = False

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
            # its versions (Graph.get, KuzuStore.asset_at).
            return "true"
        return f"{var}.valid_to = {FOREVER_LITERAL}"

    def edge_alive(self, var: str = "e") -> str:
        """Cypher: edge `var` (of `edges()`) is seen in this view."""
        if self.as_of is None or self.legacy:
            return "true"
        at = literal(self.as_of)
        return f"({var}.valid_from <= {at} AND {var}.valid_to > {at})"

    def walk_filter(self, types_where: str = "") -> str:
        """The `(r, n | WHERE ...)` of a recursive walk: `types_where` (a condition on
        r, or "") and, as of a date, the edges of that date."""
        dated = self.as_of is not None and not self.legacy
        conditions = [c for c in (types_where, self.edge_alive("r") if dated else "") if c]
        return f" (r, n | WHERE {' AND '.join(conditions)})" if conditions else ""


LEGACY = KuzuView(legacy=True)

# What readers of whole assets add to their RETURN (mlg.model.Asset.from_row reads them).
LIFE_RETURN = (
    ", a.valid_to AS valid_to, a.placeholder AS placeholder, a.retired_reason AS retired_reason, "
    "a.sources AS sources"
)


def view_of(store: KuzuStore) -> KuzuView:
    """The view `store`'s queries answer in (LEGACY for a graph of an older schema)."""
    if store.schema_version < SCHEMA:
        return LEGACY
    view: View = getattr(store, "view", TODAY)
    return KuzuView(view.include_retired, view.as_of)


def life_return(store: KuzuStore, brief: bool = False) -> str:
    """LIFE_RETURN, or for walks (`brief`) what the UIs mark: placeholder, retired;
    "" for a graph of an older schema."""
    if store.schema_version < SCHEMA:
        return ""
    return ", a.placeholder AS placeholder, a.valid_to AS valid_to" if brief else LIFE_RETURN


def literal(moment: datetime) -> str:
    """`moment` as a Kuzu timestamp literal."""
    return f"timestamp('{moment.replace(tzinfo=None).isoformat(sep=' ')}')"
