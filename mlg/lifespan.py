"""Lifetimes in the graph (issue 15), backend-neutral: what "alive" is, why an asset
was retired, and the `View` a store's reads answer in (today's graph, with what was
retired, or as of a date).

`GraphStore.viewing(...)` gives a store handle carrying another view (`store.view`);
each backend turns it into its own queries (Kuzu: mlg/store/kuzu/view.py). Bottom
layer: this module imports nothing of mlg. The rest is in mlg/lifecycle/ and the
backends (mlg/store/kuzu/lifecycle.py, history.py, retire.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# "Still valid": the valid_to of everything alive. A sentinel, not NULL (Kuzu 0.11.3
# NULL defects, mlg.schema.BLANK_FOR_NULL), and one comparison on one column.
FOREVER = datetime(9999, 12, 31)

# Why an asset is retired (Asset.retired_by): "" alive, "sync" no source asserts it any
# more (a source asserting it again revives it), "manual" `mlg retire` (only `mlg
# restore` revives it).
RETIRED_BY_SYNC = "sync"
RETIRED_BY_HAND = "manual"

SCHEMA = 4  # the first schema with lifecycle columns
OWNER_LINKS_SCHEMA = 6  # the first schema whose owner links have lifetimes


@dataclass(frozen=True)
class View:
    """What a store's reads see: today's graph (alive assets and edges), with retired
    assets and edges too (`include_retired`), or the edges alive at `as_of` (naive UTC)."""

    include_retired: bool = False
    as_of: datetime | None = None

    @property
    def today(self) -> bool:
        return not self.include_retired and self.as_of is None


TODAY = View()


@dataclass(frozen=True)
class LifeChange:
    """What `retire` or `restore` did: `changed` is False when there was nothing to do."""

    asset: str
    changed: bool
    edges: int = 0  # edges retired with the asset, or brought back with it

    def to_dict(self) -> dict:
        return {"asset": self.asset, "changed": self.changed, "edges": self.edges}
