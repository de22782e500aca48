"""Answering a query from the search index, tier by tier (see mlg/search/__init__.py).

Each tier is one FTS5 expression over the index; its matches come back in rank
order (mlg/search/documents.py), so a tier reads only as many rows as the limit
still needs — plus the rest of the last bucket, which makes the cut exact — and
the tiers after it run only while the limit is not reached. A typed version
("home ranker v4") is a preference inside every tier: the assets of that version
are read first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field

from mlg.search.documents import SLOT_BITS, order_key
from mlg.search.index import SearchIndex
from mlg.search.text import facet, fold, split_version, terms
from mlg.search.typos import corrections

TIERS = ("exact", "prefix", "words", "owner", "text", "typo")
# Typos are looked for in names first, so "acount takeover" finds the model named so
# before the datasets whose description says it.
_COLUMNS = "rank, id, kind, name, namespace, family, version, description, domain, tags, props, " + (
    "created_at, updated_at, owners, name_key, version_norm, version_rank"
)
_EXACT = (
    f"SELECT {_COLUMNS} FROM asset WHERE id_key = :q OR tail_key = :q OR name_key = :q "
    "OR short_key = :q OR versioned_key = :q OR name_key = :rest OR short_key = :rest OR tail_key = :rest"
)
_EXACT_CAP = 10_000


@dataclass(frozen=True)
class Filters:
    """The filters as FTS5 facet terms (mlg.search.text.facet), and as plain values for
    the exact tier, which reads the asset table."""

    kinds: tuple[str, ...] = ()
    owners: tuple[str, ...] = ()
    tag: str | None = None
    domain: str | None = None

    def expression(self) -> str:
        parts = []
        if self.kinds:
            parts.append(_any(facet("k", k) for k in self.kinds))
        if self.owners:
            parts.append(_any(facet("o", o) for o in self.owners))
        if self.tag is not None:
            parts.append(_quoted(facet("t", self.tag)))
        if self.domain is not None:
            parts.append(_quoted(facet("d", self.domain)))
        return "facets : (" + " AND ".join(parts) + ")" if parts else ""

    def keep(self, row: sqlite3.Row) -> bool:
        import json

        if self.kinds and row["kind"] not in self.kinds:
            return False
        if self.domain is not None and row["domain"] != self.domain:
            return False
        if self.tag is not None and self.tag not in json.loads(row["tags"] or "[]"):
            return False
        return not self.owners or bool(set(self.owners) & set(json.loads(row["owners"] or "[]")))


@dataclass
class Found:
    """Hits so far: rank -> (tier, preferred version?, row)."""

    limit: int
    # rank -> (step, tier, preferred version missed, row); step orders, tier names
    hits: dict[int, tuple[int, int, int, sqlite3.Row]] = field(default_factory=dict)

    def full(self) -> bool:
        return len(self.hits) > self.limit

    def add(self, step: int, tier: int, version_miss: int, rows: list[sqlite3.Row]) -> None:
        for row in rows:
            if row["rank"] not in self.hits:
                self.hits[row["rank"]] = (step, tier, version_miss, row)

    def ordered(self) -> list[tuple[int, sqlite3.Row]]:
        def key(item: tuple[int, int, int, sqlite3.Row]) -> tuple:
            step, _, miss, r = item
            return (step, miss, *order_key(r["rank"], r["name_key"], r["version_rank"], r["id"]))

        return [(tier, row) for _, tier, _, row in sorted(self.hits.values(), key=key)]


def run(
    index: SearchIndex, text: str, filters: Filters, limit: int
) -> tuple[list[tuple[int, sqlite3.Row]], bool]:
    """The best `limit` hits as (tier, row), and whether more matched."""
    conn = index.conn
    found = Found(limit)
    rest, version = split_version(text)
    folded = fold(text)
    _exact(conn, found, folded, fold(rest) if version else folded, version, filters)
    for step, (tier, table, expression) in enumerate(plan(index, text, filters), start=1):
        if found.full():
            break
        _tier(conn, found, step, tier, table, expression, version)
    hits = found.ordered()
    return hits[:limit], len(hits) > limit


def plan(index: SearchIndex, text: str, filters: Filters) -> list[tuple[int, str, str]]:
    """The steps after the exact tier, in order: (tier, FTS5 table, expression with
    the filters). Name tiers ask `name_text`, the others `body_text` (which holds the
    names' words too)."""
    rest, _ = split_version(text)
    words = terms(rest)
    if not words:
        return []
    narrowing = filters.expression()
    steps: list[tuple[int, str, str]] = []

    def add(tier: str, table: str, expression: str) -> None:
        steps.append(
            (TIERS.index(tier), table, f"({expression}) AND {narrowing}" if narrowing else expression)
        )

    # A name tier needs every word in some name: when one is in none (a word of the
    # descriptions), it is skipped — FTS5 would read the other words' whole doclists
    # to find no match (the slowest searches at 1M assets).
    known = known_terms(index, words[:-1])
    last = _in_names(index, words[-1], prefix=True)
    exactly = [_in_names(index, w, prefix=False) for w in words[:-1]]  # the phrase wants these whole
    if last and all(exactly):
        # one word: a prefix of a part, which the spelled-out form answers lazily
        phrase = _prefix(index, words[0]) if len(words) == 1 else _quoted(" ".join(words)) + " *"
        add("prefix", "name_text", f"name : {phrase}")
    in_names = last and all(
        e or (w not in known and _in_names(index, w, prefix=True)) for w, e in zip(words, exactly)
    )
    # The last word may be unfinished: a prefix. So may the others be ("subscriber"
    # finds "subscribers"), but a word the index holds is matched as it is. FTS5 reads
    # a term's matches lazily, while a prefix of 4+ letters merges every matching term
    # first (tens of ms for common words at 1M assets): such a prefix is spelled out
    # as the index's words that start with it, when they are few.
    every = [_quoted(w) if w in known else _prefix(index, w) for w in words[:-1]]
    every = " AND ".join([*every, _prefix(index, words[-1])])
    if len(words) > 1 and in_names:
        add("words", "name_text", f"name : ({every})")
    owners = owners_named(index, rest)
    if owners:
        add("owner", "body_text", "facets : " + _any(facet("o", o) for o in owners))
    add("text", "body_text", f"body : ({every})")
    fixes = corrections(index, words)
    if fixes:
        alternatives = " AND ".join(
            "(" + " OR ".join([_prefix(index, w), *(_quoted(f) for f in fixes.get(w, ()))]) + ")"
            for w in words
        )
        add("typo", "name_text", f"name : ({alternatives})")
        add("typo", "body_text", f"body : ({alternatives})")
    return steps


def _in_names(index: SearchIndex, word: str, prefix: bool) -> bool:
    """Whether some name holds `word` (or, for the last word, a word starting with it):
    one look-up of the term in the name table's index."""
    query = "name : " + (_prefix(index, word) if prefix else _quoted(word))
    return (
        index.conn.execute("SELECT 1 FROM name_text WHERE name_text MATCH ? LIMIT 1", (query,)).fetchone()
        is not None
    )


_SPELLED_OUT = 32  # a prefix stands for at most this many words spelled out


def _prefix(index: SearchIndex, word: str) -> str:
    """`word` as an FTS5 prefix query: `"word" *`, or for a prefix of 4+ letters that
    few words of the index start with, those words (the same matches, read lazily)."""
    if len(word) <= 3:
        return _quoted(word) + " *"  # the prefix indexes answer these directly
    rows = index.conn.execute(
        "SELECT term FROM term WHERE term >= ? AND term < ? ORDER BY term LIMIT ?",
        (word, word + "\U0010ffff", _SPELLED_OUT + 1),
    ).fetchall()
    if not rows or len(rows) > _SPELLED_OUT:
        return _quoted(word) + " *"
    return "(" + " OR ".join(_quoted(r[0]) for r in rows) + ")"


def known_terms(index: SearchIndex, words: list[str]) -> set[str]:
    if not words:
        return set()
    marks = ", ".join("?" * len(words))
    return {r[0] for r in index.conn.execute(f"SELECT term FROM term WHERE term IN ({marks})", words)}


def owners_named(index: SearchIndex, text: str) -> list[str]:
    """Owners whose id or name is exactly `text` (ignoring case and accents)."""
    rows = index.conn.execute(
        "SELECT id FROM owner WHERE id = ? OR name_key = ? ORDER BY id", (text.strip(), fold(text.strip()))
    ).fetchall()
    return [r[0] for r in rows]


def _exact(
    conn: sqlite3.Connection, found: Found, folded: str, rest: str, version: str | None, filters: Filters
) -> None:
    rows = conn.execute(_EXACT + f" LIMIT {_EXACT_CAP}", {"q": folded, "rest": rest}).fetchall()
    kept = [r for r in rows if filters.keep(r)]
    found.add(0, 0, 0, [r for r in kept if version is None or r["version_norm"] == version])
    found.add(0, 0, 1, kept)


def _tier(
    conn: sqlite3.Connection,
    found: Found,
    step: int,
    tier: int,
    table: str,
    expression: str,
    version: str | None,
) -> None:
    if version is not None:
        # of that version, or named for it ("exp-2024-047-ranker-v4-apac")
        preferred = f"facets : {_quoted(facet('v', version))}"
        column = "name" if table == "name_text" else "body"
        for named in (terms("v" + version), terms(version)):  # "ranker-v4", "added in round 6"
            if len(named) == 1:  # one term ("v2024.03" is two: a phrase, which body_text cannot ask)
                preferred += f" OR {column} : {_quoted(named[0])}"
        _fetch(conn, found, step, tier, table, 0, f"({expression}) AND ({preferred})")
    _fetch(conn, found, step, tier, table, 1 if version is not None else 0, expression)


def _fetch(
    conn: sqlite3.Connection,
    found: Found,
    step: int,
    tier: int,
    table: str,
    version_miss: int,
    expression: str,
) -> None:
    """The first matches of `expression` in rank order, enough to fill the limit with
    assets not found yet, and the rest of the last one's bucket."""
    wanted = found.limit + 1 - len(found.hits)
    if wanted <= 0:
        return
    n = wanted + len(found.hits)
    ranks = [
        r[0]
        for r in conn.execute(
            f"SELECT rowid FROM {table} WHERE {table} MATCH ? ORDER BY rowid LIMIT ?", (expression, n)
        )
    ]
    if len(ranks) == n:
        last = ranks[-1]
        end = ((last >> SLOT_BITS) + 1) << SLOT_BITS
        ranks += [
            r[0]
            for r in conn.execute(
                f"SELECT rowid FROM {table} WHERE {table} MATCH ? AND rowid > ? AND rowid < ? ORDER BY rowid",
                (expression, last, end),
            )
        ]
    new = [r for r in ranks if r not in found.hits]
    if not new:
        return
    found.add(step, tier, version_miss, rows_of(conn, new))


def rows_of(conn: sqlite3.Connection, ranks: Sequence[int]) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = []
    for start in range(0, len(ranks), 900):  # SQLite's bound on parameters
        chunk = ranks[start : start + 900]
        rows += conn.execute(
            f"SELECT {_COLUMNS} FROM asset WHERE rank IN ({', '.join('?' * len(chunk))})", chunk
        ).fetchall()
    return rows


def listing(index: SearchIndex, filters: Filters, limit: int) -> tuple[list[sqlite3.Row], int]:
    """Without text: the assets the filters keep, by name; and how many there are."""
    conn = index.conn
    narrowing = filters.expression()
    if not narrowing:
        rows = conn.execute(
            f"SELECT {_COLUMNS} FROM asset ORDER BY name_key, id LIMIT ?", (limit,)
        ).fetchall()
        return rows, conn.execute("SELECT count(*) FROM asset").fetchone()[0]
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM asset WHERE rank IN (SELECT rowid FROM body_text WHERE body_text MATCH ?) "
        "ORDER BY name_key, id LIMIT ?",
        (narrowing, limit),
    ).fetchall()
    total = conn.execute("SELECT count(*) FROM body_text WHERE body_text MATCH ?", (narrowing,)).fetchone()[0]
    return rows, total


def count(index: SearchIndex, text: str, filters: Filters) -> int:
    """How many assets the query matches in all, across the tiers."""
    conn = index.conn
    rest, version = split_version(text)
    folded = fold(text)
    exact = {
        r["rank"]
        for r in conn.execute(_EXACT, {"q": folded, "rest": fold(rest) if version else folded}).fetchall()
        if filters.keep(r)
    }
    # the name tiers match a part of what the body tiers match (the body holds the names' words)
    widest = [
        f"({expression})" for _, table, expression in plan(index, text, filters) if table == "body_text"
    ]
    if not widest:
        return len(exact)
    expression = " OR ".join(widest)
    matched = conn.execute(
        "SELECT count(*) FROM body_text WHERE body_text MATCH ?", (expression,)
    ).fetchone()[0]
    ranks = sorted(exact)
    for start in range(0, len(ranks), 900):  # exact hits the other tiers do not match
        chunk = ranks[start : start + 900]
        marks = ", ".join("?" * len(chunk))
        inside = conn.execute(
            f"SELECT count(*) FROM body_text WHERE body_text MATCH ? AND rowid IN ({marks})",
            (expression, *chunk),
        ).fetchone()[0]
        matched += len(chunk) - inside
    return matched


def _quoted(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _any(items) -> str:
    return "(" + " OR ".join(_quoted(i) for i in items) + ")"
