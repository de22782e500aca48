"""Finding assets by what people type: ids, names, descriptions and tags.

Hits are ranked by how they match, best first:

1. ``exact``    the id (a primary-key look-up) or the name, ignoring case; a name's
                last part after ``.``, ``/`` or ``:`` counts as the name
                ("home_ranker" is the exact name of "recs.home_ranker");
2. ``prefix``   the name, or one of those parts, starts with the text;
3. ``text``     Kuzu's full-text index over name and description (BM25, English
                stemmer, whole words only), plus tags equal to a word of the text;
4. ``contains`` the name contains the text anywhere: partial words the full-text
                index cannot find ("rank" finds "home_ranker").

Cost (DESIGN §3): a scan of every name costs a few hundred ms on 1M assets, so
nothing here scans without a LIMIT. One ``CONTAINS`` scan, stopped after `cap`
matches, finds the exact, prefix and contains hits at once (cheap when the text is
common, because the scan stops early); the full-text query runs only when exact and
prefix hits do not fill `limit`. When the scan stopped early, names further on were
not looked at: a full-text hit whose name matches is promoted to exact or prefix.

The text index and Kuzu 0.11.3: its FTS index is maintained correctly only by
one-row statements. Multi-row ``CREATE`` (``LOAD FROM``/``UNWIND``) indexes every row
with the first row's words, multi-row ``SET`` loses the other column's words, and
later updates or rollbacks on such an index can fail ("write-write conflict") or
crash the process. mlg's ingest writes many rows per statement, so the index is
dropped before any write that changes assets and built again after it
(`text_index_suspended`, used by mlg.ingest). Creating or dropping it is only
allowed outside a transaction. A graph without the index (older file, interrupted
ingest, read-only copy) still searches: without the ``text`` step.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from mlg.errors import MlgError
from mlg.model import Asset
from mlg.schema import ASSET_COLUMNS, KINDS, META_TABLE

if TYPE_CHECKING:
    import pandas

    from mlg.graph import Graph

INDEX_NAME = "asset_text"
INDEXED_COLUMNS = ("name", "description")  # FTS indexes STRING columns only: tags are not
# MlgMeta key of facts recorded with the index: {"tags": [every tag], "lowercase_names":
# bool}. Deleted before any write to assets, so they are never stale.
FACTS_KEY = "search.facts"
MATCHES = ("exact", "prefix", "text", "contains")
MAX_LIMIT = 10_000
ALL_HITS = 2**31 - 1  # TOP for "every hit" (Kuzu wants a number)
TAG_SCORE = 1.0  # added to a text hit's score for each tag equal to a word of the text

_RETURN = ", ".join(f"a.{name} AS {name}" for name, _ in ASSET_COLUMNS)
# Kuzu takes index names as literals only; these are the only names ever spliced in.
_INDEX_NAMES = re.compile(rf"{INDEX_NAME}(?:_[0-9]{{1,3}})?")
_COLUMN_LIST = ", ".join(repr(c) for c in INDEXED_COLUMNS)
_WORD_SPLIT = re.compile(r"[\s,;]+")
# Names often carry a namespace ("recs.home_ranker"): "home_ranker" is its exact name and
# "home" a prefix of it.
_NAME_PARTS = re.compile(r"[./:]")

Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class SearchHit:
    """One found asset; `match` says how (exact, prefix, text, contains), `score`
    orders hits of one kind of match (higher is better)."""

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
    kind: str | None = None,
    owner: str | None = None,
    tag: str | None = None,
    domain: str | None = None,
    limit: int = 50,
) -> list[SearchHit]:
    """Assets matching `text`, best first (see the module docstring for the ranking).

    Filters: `kind`; `owner` (an owner's id or name, ignoring case) owning the asset;
    `tag` among its tags; `domain`. Empty `text` lists the assets the filters keep,
    by name (as ``contains`` hits with score 0: every name contains "").
    """
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise MlgError(f"limit must be a whole number between 1 and {MAX_LIMIT}, not {limit!r}")
    scope = _Scope.build(graph, kind, owner, tag, domain)
    text = (text or "").strip()
    if not text:
        rows = scope.rows(graph, "", "", "ORDER BY a.name, a.id LIMIT $limit", {"limit": limit})
        return [SearchHit(Asset.from_row(r), 0.0, "contains") for r in rows]

    lowered = text.lower()
    facts = search_facts(graph)
    # lower() doubles the cost of a scan; when every name is lower case it changes nothing
    name_expr = "a.name" if facts.get("lowercase_names") else "lower(a.name)"
    found: dict[str, SearchHit] = {}

    def keep(row: dict[str, Any], match: str, score: float) -> None:
        hit = SearchHit(Asset.from_row(row), score, match)
        old = found.get(hit.asset.id)
        if old is None or _rank(hit) < _rank(old):
            found[hit.asset.id] = hit

    def keep_by_name(row: dict[str, Any], otherwise: str, score: float) -> None:
        name = (row["name"] or "").lower()
        parts = _NAME_PARTS.split(name)
        if name == lowered or parts[-1] == lowered:
            keep(row, "exact", 1.0)
        elif any(part.startswith(lowered) for part in parts):
            keep(row, "prefix", len(lowered) / len(name))
        else:
            keep(row, otherwise, score)

    # 1. the id itself: a primary-key look-up
    for row in scope.rows(graph, "", "a.id = $id", "", {"id": text}):
        keep(row, "exact", 1.0)
    # 2. names: one CONTAINS scan, stopped after `cap` matches
    cap = max(4 * limit, 200)
    for row in scope.rows(
        graph, "", f"{name_expr} CONTAINS $needle", "LIMIT $cap", {"needle": lowered, "cap": cap}
    ):
        keep_by_name(row, "contains", len(lowered) / max(len(row["name"]), 1))
    # 3. words, only when exact and prefix hits leave room
    if sum(h.match in ("exact", "prefix") for h in found.values()) < limit:
        for row in _full_text(graph, scope, text, cap, limit):
            keep_by_name(row, "text", row["score"])
        for row, tags in _tag_hits(graph, scope, text, cap, facts.get("tags")):
            old = found.get(row["id"])
            bonus = TAG_SCORE * tags
            if old is not None and old.match == "text":
                found[row["id"]] = SearchHit(old.asset, old.score + bonus, "text")
            else:
                keep(row, "text", bonus)
    return sorted(found.values(), key=_rank)[:limit]


def _rank(hit: SearchHit) -> tuple:
    return (MATCHES.index(hit.match), -hit.score, hit.asset.name, hit.asset.id)


@dataclass(frozen=True)
class _Scope:
    """The filters, as fixed Cypher fragments over `a` with their values as parameters."""

    owner_ids: tuple[str, ...] | None
    conditions: tuple[str, ...]
    params: dict[str, Any]

    @classmethod
    def build(
        cls, graph: Graph, kind: str | None, owner: str | None, tag: str | None, domain: str | None
    ) -> _Scope:
        conditions: list[str] = []
        params: dict[str, Any] = {}
        if kind:
            if kind not in KINDS:
                raise MlgError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
            conditions.append("a.kind = $f_kind")
            params["f_kind"] = kind
        if tag:
            conditions.append("list_contains(a.tags, $f_tag)")
            params["f_tag"] = tag
        if domain:
            conditions.append("a.domain = $f_domain")
            params["f_domain"] = domain
        owner_ids = _owner_ids(graph, owner) if owner else None
        if owner_ids is not None:
            params["f_owners"] = list(owner_ids)
        return cls(owner_ids, tuple(conditions), params)

    @property
    def filtered(self) -> bool:
        return bool(self.conditions) or self.owner_ids is not None

    def rows(
        self, graph: Graph, head: str, condition: str, tail: str, params: dict[str, Any]
    ) -> list[dict[str, Any]]:
        """Assets matching `condition` and the filters. `head` (Cypher binding `a`,
        e.g. a full-text CALL) replaces the scan of every asset when given."""
        match = head or "MATCH (a:Asset)"
        where = [c for c in (condition, *self.conditions) if c]
        if self.owner_ids is not None:
            # The owner's assets, once each even when owned under two roles.
            carried = ", score" if head else ""
            match += f" MATCH (a)-[:OWNED_BY]->(o:Owner) WHERE o.id IN $f_owners WITH DISTINCT a{carried}"
        query = match + (" WHERE " + " AND ".join(where) if where else "")
        extra = ", score" if head else ""
        return graph._arrow(f"{query} RETURN {_RETURN}{extra} {tail}", {**self.params, **params}).to_pylist()


def _owner_ids(graph: Graph, owner: str) -> tuple[str, ...]:
    rows = graph._rows(
        "MATCH (o:Owner) WHERE o.id = $owner OR lower(o.name) = $name RETURN o.id AS id ORDER BY id",
        {"owner": owner, "name": owner.lower()},
    )
    if rows:
        return tuple(r["id"] for r in rows)
    near = graph._rows(
        "MATCH (o:Owner) WHERE lower(o.id) CONTAINS $q OR lower(o.name) CONTAINS $q "
        "RETURN o.id AS id, o.name AS name ORDER BY size(o.id) LIMIT 5",
        {"q": owner.lower()},
    )
    hint = (
        "; did you mean: " + ", ".join(f"{r['id']} ({r['name']})" for r in near)
        if near
        else "; `mlg stats` counts the owners"
    )
    raise MlgError(f"no owner with id or name {owner!r}{hint}")


def _full_text(graph: Graph, scope: _Scope, text: str, cap: int, limit: int) -> list[dict[str, Any]]:
    # Filters apply after the index's top hits are taken: ask for more when filtering,
    # and for all of them when a selective filter (an owner, a rare tag) kept too few.
    tops = (cap * 5, ALL_HITS) if scope.filtered else (cap,)
    name: str | None = INDEX_NAME
    rows: list[dict[str, Any]] = []
    for top in tops:
        while name is not None:
            head = (
                f"CALL QUERY_FTS_INDEX('Asset', '{_checked_name(name)}', $text, "
                "TOP := $top) WITH node AS a, score"
            )
            try:
                rows = scope.rows(graph, head, "", "ORDER BY score DESC", {"text": text, "top": top})
                break
            except RuntimeError as exc:
                if "doesn't have an index" not in str(exc):
                    raise MlgError(f"full-text search failed: {exc}") from None
            # none under the usual name: maybe under another one (see _create_index)
            other = index_name(graph)
            name = other if other != name else None
        if name is None or len(rows) >= limit:
            break
    return rows  # [] when the graph has no index (yet): search without the text step


def _tag_hits(
    graph: Graph, scope: _Scope, text: str, cap: int, known: list[str] | None
) -> Iterator[tuple[dict[str, Any], int]]:
    """Assets carrying a tag equal (ignoring case) to the text or one of its words."""
    words = {w.lower() for w in _WORD_SPLIT.split(text) if w} | {text.lower()}
    # Without the vocabulary (written with the index), only the whole text is tried.
    tags = sorted(t for t in known if t.lower() in words) if known is not None else [text]
    counts: dict[str, int] = {}
    rows: dict[str, dict[str, Any]] = {}
    for tag in tags:
        for row in scope.rows(
            graph, "", "list_contains(a.tags, $word)", "LIMIT $cap", {"word": tag, "cap": cap}
        ):
            rows[row["id"]] = row
            counts[row["id"]] = counts.get(row["id"], 0) + 1
    for asset_id, row in rows.items():
        yield row, counts[asset_id]


# -- the text index -------------------------------------------------------------------


def index_name(graph: Graph) -> str | None:
    """The name of the graph's full-text index on assets, or None when it has none."""
    rows = graph._rows(
        "CALL SHOW_INDEXES() WHERE table_name = 'Asset' AND index_type = 'FTS' "
        "RETURN index_name AS name ORDER BY name"
    )
    names = [r["name"] for r in rows if _INDEX_NAMES.fullmatch(r["name"])]
    return names[0] if names else None


def has_index(graph: Graph) -> bool:
    """Whether the graph has its full-text index."""
    return index_name(graph) is not None


def _checked_name(name: str) -> str:
    if not _INDEX_NAMES.fullmatch(name):
        raise MlgError(f"{name!r} is not a name mlg gives its full-text index")
    return name


def search_facts(graph: Graph) -> dict[str, Any]:
    """What was recorded about the assets when the index was last built ({}: nothing)."""
    rows = graph._rows(f"MATCH (m:{META_TABLE} {{key: $key}}) RETURN m.value AS value", {"key": FACTS_KEY})
    return json.loads(rows[0]["value"]) if rows and rows[0]["value"] else {}


def tag_vocabulary(graph: Graph) -> list[str] | None:
    """Every tag in the graph, as recorded when the index was last built (None: unknown)."""
    return search_facts(graph).get("tags")


def drop_index(graph: Graph) -> None:
    """Drop the full-text index and the facts recorded with it."""
    graph._require_writable()
    graph._result(f"MATCH (m:{META_TABLE} {{key: $key}}) DELETE m", {"key": FACTS_KEY})
    name = index_name(graph)
    if name is not None:
        graph._result(f"CALL DROP_FTS_INDEX('Asset', '{_checked_name(name)}')")
        # Replaying a dropped index from the WAL after a crash breaks Kuzu's catalog
        # ("Cannot find table catalog entry"): write the drop into the file at once.
        graph._result("CHECKPOINT")


def refresh_index(graph: Graph, rebuild: bool = False, progress: Progress | None = None) -> bool:
    """Build the full-text index if the graph has none (or `rebuild`), with the facts
    search uses (`search_facts`). Returns whether it built. A read-only graph is left alone.

    Must run outside a transaction (Kuzu allows index DDL only in auto-commit).
    Measured: ~0.3 s on a small graph, ~4 s on 100k assets, ~25 s on 1M.
    """
    if graph.read_only:
        return False
    if has_index(graph):
        if not rebuild:
            if not search_facts(graph):  # lost to a crash between the two writes
                _record_facts(graph)
            return False
        drop_index(graph)
    if progress:
        progress("indexing text", 0, 1)
    _create_index(graph)
    _record_facts(graph)
    graph._result("CHECKPOINT")  # as in drop_index: no index DDL left in the WAL
    if progress:
        progress("indexing text", 1, 1)
    return True


def _record_facts(graph: Graph) -> None:
    tags = graph._rows("MATCH (a:Asset) UNWIND a.tags AS t RETURN DISTINCT t AS tag ORDER BY tag")
    mixed = graph._rows("MATCH (a:Asset) WHERE a.name <> lower(a.name) RETURN a.id LIMIT 1")
    facts = {"tags": [r["tag"] for r in tags], "lowercase_names": not mixed}
    graph._result(
        f"MERGE (m:{META_TABLE} {{key: $key}}) SET m.value = $value",
        {"key": FACTS_KEY, "value": json.dumps(facts)},
    )


def _create_index(graph: Graph) -> None:
    # CREATE_FTS_INDEX is not atomic: killed half-way, it leaves hidden tables that
    # cannot be dropped and block the same name ("Table: 1_asset_text_docs already
    # exists"). The index is then built under the next free name.
    for generation in range(1, 1000):
        name = INDEX_NAME if generation == 1 else f"{INDEX_NAME}_{generation}"
        try:
            graph._result(
                f"CALL CREATE_FTS_INDEX('Asset', '{_checked_name(name)}', "
                f"[{_COLUMN_LIST}], stemmer := 'english')"
            )
            return
        except RuntimeError as exc:
            if "already exists" not in str(exc):
                raise MlgError(f"building the full-text index of {graph.path} failed: {exc}") from None
    raise MlgError(f"no free name left for the full-text index of {graph.path}")


@contextmanager
def text_index_suspended(
    graph: Graph, assets_change: bool, progress: Progress | None = None
) -> Iterator[None]:
    """Around a write: without the index while assets are written (when they are),
    with a current index afterwards — built now if the graph had none."""
    if assets_change:
        drop_index(graph)
    try:
        yield
    except BaseException:
        try:
            refresh_index(graph)
        except Exception:  # noqa: BLE001 - never hide the write's own error; the next write retries
            pass
        raise
    refresh_index(graph, progress=progress)
