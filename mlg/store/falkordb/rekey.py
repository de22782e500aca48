"""Re-keying assets at run time on FalkorDB: an asset takes another id with everything it
has (mlg.lifecycle.identity; Kuzu's counterpart is mlg.store.kuzu.rekey). A node's id is
a property here, so the node keeps its edges (DEPENDS_ON, RETIRED_DEPENDS_ON, OWNED_BY,
RUN_OF, RUN_IO) as it is; what names it by text moves with it - kept versions
(AssetHistory.asset), owner-link history, aliases, Run.workflow, run facet keys
(`io:<asset>`, `version:<direction>:<asset>`) and `props.parent`. One MULTI/EXEC, with
the derived indexes marked stale (untracked)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlg.errors import GraphError
from mlg.id_references import facets_rekeyed, props_rekeyed
from mlg.store.falkordb.views import ASSET_HISTORY, OWNER_LINK_HISTORY

if TYPE_CHECKING:
    from mlg.store.falkordb.store import FalkorStore


def rekey_assets(store: FalkorStore, rekeyed: dict[str, str]) -> None:
    """Give each asset `old` of `rekeyed` the id `new`; refused (nothing written) when an
    old id is not an asset or a new one already is."""
    store._require_writable()
    if not rekeyed:
        return
    from mlg.store.falkordb.writes import transaction

    def statements(gen: int) -> list[tuple[str, dict[str, Any]]]:
        ids = sorted(set(rekeyed) | set(rekeyed.values()))
        present = {
            r[0] for r in store._rows("UNWIND $ids AS i MATCH (a:Asset {id: i}) RETURN a.id", {"ids": ids})
        }
        for old, new in sorted(rekeyed.items()):
            if old not in present or new in present or old == new:
                raise GraphError(
                    f"cannot re-key asset {old!r} as {new!r} in {store.location}: "
                    + ("it is not in the graph" if old not in present else f"{new!r} is already an asset")
                )
        out = []
        for old, new in sorted(rekeyed.items()):
            p = {"old": old, "new": new}
            out += [
                ("MATCH (a:Asset {id: $old}) SET a.id = $new", p),
                (f"MATCH (h:{ASSET_HISTORY}) WHERE h.asset = $old SET h.asset = $new", p),
                (f"MATCH (h:{OWNER_LINK_HISTORY}) WHERE h.asset = $old SET h.asset = $new", p),
                ("MATCH (x:AssetAlias) WHERE x.asset = $old SET x.asset = $new", p),
                ("MATCH (r:Run) WHERE r.workflow = $old SET r.workflow = $new", p),
            ]
        for run_id, text in store._rows("MATCH (r:Run) RETURN r.id, r.facets"):
            moved = facets_rekeyed(text, rekeyed)
            if moved is not None:
                out.append(("MATCH (r:Run {id: $id}) SET r.facets = $f", {"id": run_id, "f": moved}))
        for label, key in (("Asset", "id"), (ASSET_HISTORY, "key")):
            for row_key, text in store._rows(
                f"MATCH (a:{label}) WHERE a.props CONTAINS '\"parent\"' RETURN a.{key}, a.props"
            ):
                props = props_rekeyed(text, rekeyed)
                if props is not None:
                    if label == "Asset" and row_key in rekeyed:
                        row_key = rekeyed[row_key]  # its own id moved first
                    out.append(
                        (f"MATCH (a:{label} {{{key}: $k}}) SET a.props = $p", {"k": row_key, "p": props})
                    )
        return out

    transaction(store, statements, untracked=True)
