"""Placeholders: assets that are referenced before any source describes them.

A relation to an asset that is neither in the input nor in the graph names an asset
whose kind the relation often implies (`trained_on` points at a dataset, `serves` at
a model, ...; the kind of the other end narrows it further). Such an asset is created
as a placeholder of that kind (`Asset.placeholder`), asserted by the sources of the
relations that name it, so it lives while they still reference it; it becomes a full
asset when a source describes it. A reference whose kind cannot be inferred (a
`derived_from` between two unknown assets: datasets or features?) is still an error,
and so is every unknown reference with `strict`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mlg.schema import RELATION_RULES

Known = Callable[[str], "str | None"]


def infer_kinds(edges, known: Known) -> dict[str, set[str]]:
    """For each unknown end of `edges` ((src, dst, type) keys), the kinds every
    relation naming it allows (an empty set: the relations disagree)."""
    candidates: dict[str, set[str]] = {}
    for src, dst, rtype in edges:
        pairs = RELATION_RULES.get(rtype)
        if not pairs:
            continue
        kinds = (known(src), known(dst))
        for end, position in ((src, 0), (dst, 1)):
            if kinds[position] is not None:
                continue
            other = kinds[1 - position]
            allowed = {p[position] for p in pairs if other is None or p[1 - position] == other}
            candidates[end] = candidates[end] & allowed if end in candidates else allowed
    return candidates


def placeholder_row(asset_id: str, kind: str) -> dict[str, Any]:
    """The validated row of a placeholder: its id and kind, nothing else known."""
    return {
        "id": asset_id,
        "kind": kind,
        "name": asset_id,
        "namespace": None,
        "family": asset_id,
        "description": None,
        "domain": None,
        "version": None,
        "tags": (),
        "props": "{}",
        "created_at": None,
        "updated_at": None,
    }


LISTED = 200  # placeholders listed by `mlg report`


def placeholders(graph, limit: int = LISTED) -> list:
    """Alive placeholders, by kind and id (`mlg report`): what is referenced and
    still waits for a source to describe it."""
    return graph.store.placeholders(limit)
