"""Your own Cypher over the graph, as a pandas DataFrame: read-only unless asked to write.

The statement is the store's dialect (Kuzu's for a graph file); how read-only is
enforced is the backend's (mlg/store/kuzu/cypher.py for Kuzu). Here: the checks any
backend needs (an empty query, parameters mlg's limits refuse) and the DataFrame.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlg.errors import CypherError
from mlg.limits import Limits, value_problem

if TYPE_CHECKING:
    import pandas

    from mlg.graph import Graph

__all__ = ["CypherError", "query", "to_frame"]


def query(
    graph: Graph, cypher: str, params: dict[str, Any] | None = None, write: bool = False
) -> pandas.DataFrame:
    """Run one Cypher statement with `params` bound as parameters; the result as a DataFrame.

    Read-only unless `write=True` (which a read-only Graph refuses with ReadOnlyGraph).
    Columns (mlg.frames, the same under pandas 2 and 3): strings as the pandas string
    dtype (`str`), integers as nullable Int64, floats, booleans, timestamps as datetime64
    in their own unit; nodes, relationships, structs and maps as dicts, lists as lists.
    """
    if not isinstance(cypher, str) or not cypher.strip():
        raise CypherError(
            "the query is empty; write one Cypher statement, e.g. "
            "MATCH (a:Asset) RETURN a.id, a.kind LIMIT 10"
        )
    params = dict(params or {})
    _check_params(params)
    table = graph.store.cypher(cypher, params, write=write)
    if not table.num_columns:
        import pandas as pd

        return pd.DataFrame()  # a statement without RETURN
    return to_frame(table)


def _check_params(params: dict[str, Any]) -> None:
    """Parameters a store cannot take (a lone surrogate, a value nested or sized past the
    limits) are refused by name before they reach it."""
    limits = Limits.current()
    for name, value in params.items():
        if not isinstance(name, str) or not name.isidentifier() or not name.isascii():
            raise CypherError(f"parameter name {name!r} is not a name (letters, digits and _)")
        hostile = value_problem(value, limits, f"${name}")
        if hostile is not None:
            raise CypherError(f"parameter {hostile[0]}: {hostile[1]}")


def to_frame(table) -> pandas.DataFrame:
    """An Arrow result as a DataFrame with sane dtypes (see `query` and mlg.frames)."""
    from mlg.frames import to_pandas

    return to_pandas(table)
