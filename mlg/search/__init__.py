"""Finding assets by what people type: ids, names, versions, words, owners — and typos.

Hits are ranked in tiers, best first (`SearchHit.match` names the tier):

1. ``exact``  the id, the id without its kind ("recs.home_ranker@4"), the name, the
              name's own part ("home_ranker" of "recs.home_ranker") or name@version,
              ignoring case and accents;
2. ``prefix`` the typed words start the name or one of its parts, in order
              ("ads.audi" → ads.audience_lookalike, "rank" → home_ranker);
3. ``words``  every typed word starts a word of the name, in any order ("ranker home");
4. ``owner``  the text is an owner's name or id: that team's or person's assets;
5. ``text``   every word is found in the name, id, description, tags, domain or the
              owners' names (the last word may be unfinished);
6. ``typo``   as ``text``, with unknown words replaced by words of the graph within
              one edit (4–7 letters) or two (longer): "chargebak", "acount takeover".

Within a tier: models, datasets, features and services before evaluations,
experiments and workflows; the newest version of a family first; shorter names
first. A version at the end of the text ("home ranker v4", "home_ranker 4",
"recs.home_ranker@4") puts the assets of that version first in every tier.

Search runs on a derived index beside the graph (mlg/search/index.py), never on the
graph itself: the graph stays the record, and an index that is behind is brought up
to date before it answers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlg.errors import MlgError
from mlg.model import Asset
from mlg.schema import KINDS
from mlg.search import query
from mlg.search.documents import asset_row
from mlg.search.index import SearchIndex, index_for
from mlg.search.text import fold

if TYPE_CHECKING:
    import pandas

    from mlg.graph import Graph

# The tiers in order; "listed" is every hit of a search without text.
MATCHES = (*query.TIERS, "listed", "retired")
MAX_LIMIT = 10_000


@dataclass(frozen=True)
class SearchHit:
    """One found asset; `match` names its tier (MATCHES), `score` orders the hits of
    one tier (1.0 for its first, then 1/2, 1/3, ...)."""

    asset: Asset
    score: float
    match: str

    def to_dict(self) -> dict[str, Any]:
        a = self.asset
        return {
            "id": a.id,
            "kind": a.kind,
            "name": a.name,
            "domain": a.domain,
            "tags": list(a.tags),
            "description": a.description,
            "match": self.match,
            "score": round(self.score, 4),
        }


class SearchResults(list):
    """The hits (a list of SearchHit, best first), and whether `limit` cut them:
    `truncated`, and `total` — how many assets matched in all (None when not counted)."""

    def __init__(self, hits: Sequence[SearchHit] = (), truncated: bool = False, total: int | None = None):
        super().__init__(hits)
        self.truncated = truncated
        self.total = total if total is not None else (None if truncated else len(self))

    def to_dict(self) -> dict[str, Any]:
        return {"hits": [h.to_dict() for h in self], "truncated": self.truncated, "total": self.total}

    def _repr_html_(self) -> str:  # a Jupyter cell's value: a table
        from mlg.rich_display import hits_html

        return hits_html(self)


def hits_to_pandas(hits: list[SearchHit]) -> pandas.DataFrame:
    """One row per hit: id, kind, name, domain, description, match (str), tags (list),
    score (float64)."""
    from mlg.frames import from_rows

    text = ("id", "kind", "name", "domain")
    columns = {**dict.fromkeys(text, "str"), "tags": "list[str]", "description": "str", "match": "str"}
    return from_rows([h.to_dict() for h in hits], {**columns, "score": "float64"})


def search(
    graph: Graph,
    text: str | None,
    kind: str | Sequence[str] | None = None,
    owner: str | None = None,
    tag: str | None = None,
    domain: str | None = None,
    limit: int = 50,
    count: bool = False,
    index: SearchIndex | None = None,
    include_retired: bool = False,
) -> SearchResults:
    """Assets matching `text`, best first (the tiers are in the module docstring).

    Filters: `kind` (one kind or several); `owner` (an owner's id or name, ignoring
    case) owning the asset; `tag` among its tags; `domain`. Empty `text` lists the
    assets the filters keep, by name (match "listed"). When `limit` cuts the hits,
    the result says so (`truncated`); `count=True` also counts every match (`total`).
    `index` answers from that index as it is (the graph's own, brought up to date,
    otherwise). Retired assets are left out; `include_retired` adds those whose id or
    name holds every word of `text` after the other hits (match "retired").
    """
    if include_retired:
        from mlg.lifecycle.retired_search import retired_matches

        found = search(graph, text, kind, owner, tag, domain, limit, count, index)
        kinds = (kind,) if isinstance(kind, str) else tuple(kind or ())
        extra = (
            retired_matches(graph, (text or "").strip(), kinds, limit) if not (owner or tag or domain) else []
        )
        hits = list(found) + [SearchHit(a, 1.0 / (i + 1), "retired") for i, a in enumerate(extra)]
        return SearchResults(hits[:limit], truncated=found.truncated or len(hits) > limit, total=found.total)
    if not isinstance(limit, int) or isinstance(limit, bool) or not 1 <= limit <= MAX_LIMIT:
        raise MlgError(f"limit must be a whole number between 1 and {MAX_LIMIT}, not {limit!r}")
    kinds = (kind,) if isinstance(kind, str) else tuple(kind or ())
    for k in kinds:
        if k not in KINDS:
            raise MlgError(f"unknown kind {k!r}; expected one of {', '.join(KINDS)}")
    text = (text or "").strip()
    if index is None:
        index = index_for(graph)
    with index.lock:
        owners = _owner_ids(index, owner) if owner else ()
        filters = query.Filters(kinds=kinds, owners=owners, tag=tag or None, domain=domain or None)
        if not text:
            rows, total = query.listing(index, filters, limit)
            hits = [SearchHit(Asset.from_row(asset_row(r)), 0.0, "listed") for r in rows]
            return SearchResults(hits, truncated=total > len(hits), total=total)
        found, more = query.run(index, text, filters, limit)
        total = query.count(index, text, filters) if more and count else None
    hits, position, previous = [], 0, None
    for tier, row in found:
        position = position + 1 if tier == previous else 1
        previous = tier
        hits.append(SearchHit(Asset.from_row(asset_row(row)), 1.0 / position, query.TIERS[tier]))
    return SearchResults(hits, truncated=more, total=total)


def _owner_ids(index, owner: str) -> tuple[str, ...]:
    rows = index.conn.execute(
        "SELECT id FROM owner WHERE id = ? OR name_key = ? ORDER BY id", (owner, fold(owner))
    ).fetchall()
    if rows:
        return tuple(r[0] for r in rows)
    near = index.conn.execute(
        "SELECT id, name FROM owner WHERE instr(lower(id), ?) > 0 OR instr(name_key, ?) > 0 "
        "ORDER BY length(id), id LIMIT 5",
        (owner.lower(), fold(owner)),
    ).fetchall()
    hint = (
        "; did you mean: " + ", ".join(f"{r[0]} ({r[1]})" for r in near)
        if near
        else "; `mlg stats` counts the owners"
    )
    raise MlgError(f"no owner with id or name {owner!r}{hint}")
