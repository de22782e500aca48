"""`mlg query` on FalkorDB: one statement of FalkorDB's Cypher, its result as Arrow."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyarrow as pa

from mlg import errors
from mlg.errors import ReadOnlyGraph

if TYPE_CHECKING:
    from mlg.store.falkordb.store import FalkorStore

_READ_ONLY_REFUSAL = "graph.RO_QUERY is to be executed only on read-only queries"

# What the console offers to run before the first query (FalkorStore.cypher_examples):
# Kuzu's examples in FalkorDB's dialect (a pattern predicate for "no owner").
EXAMPLES: tuple[tuple[str, str], ...] = (
    (
        "Services and the models they serve",
        "MATCH (s:Asset {kind: 'service'})-[e:DEPENDS_ON {type: 'serves'}]->(m:Asset) "
        "RETURN s, e, m LIMIT 20",
    ),
    ("Assets by kind", "MATCH (a:Asset) RETURN a.kind AS kind, count(*) AS n ORDER BY n DESC"),
    (
        "Assets nobody owns",
        "MATCH (a:Asset) WHERE NOT (a)-[:OWNED_BY]->(:Owner) RETURN a.id, a.kind LIMIT 50",
    ),
    (
        "Owners and how much they own",
        "MATCH (a:Asset)-[:OWNED_BY]->(o:Owner) RETURN o.name, o.email, count(a) AS assets "
        "ORDER BY assets DESC",
    ),
    (
        "Most depended-on datasets",
        "MATCH (d:Asset {kind: 'dataset'})<-[:DEPENDS_ON]-(x:Asset) RETURN d.id, count(x) AS dependents "
        "ORDER BY dependents DESC LIMIT 20",
    ),
)


def _plain(value: Any) -> Any:
    """A value of the client's result as plain Python (nodes and edges as property maps)."""
    if hasattr(value, "properties"):
        return dict(value.properties)
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def run_cypher(store: FalkorStore, statement: str, params: dict[str, Any] | None, *, write: bool) -> pa.Table:
    """See GraphStore.cypher."""
    cypher_error = getattr(errors, "CypherError", errors.MlgError)
    if write:
        store._require_writable()
        store.mark_untracked()
    try:
        result = (
            store.conn.graph.query(statement, params or {})
            if write
            else store.conn.graph.ro_query(statement, params or {})
        )
    except store.conn._redis_errors as exc:
        if _READ_ONLY_REFUSAL in str(exc):
            raise ReadOnlyGraph(
                f"this statement writes; it was refused on {store.location} (read-only query)"
            ) from None
        raise cypher_error(f"FalkorDB refused the statement: {exc}") from None
    names = [h[1] if isinstance(h, (list, tuple)) else h for h in (result.header or [])]
    names = [n.decode() if isinstance(n, bytes) else str(n) for n in names]
    columns = list(zip(*result.result_set)) if result.result_set else [()] * len(names)
    return pa.table({name: pa.array([_plain(v) for v in col]) for name, col in zip(names, columns)})
