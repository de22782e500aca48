"""Typo-tolerant matching: words of the index close to a typed word that is not one.

Only words the index does not know are corrected ("chargebak", "acount"); the last
word counts as known when it starts a word of the index, because it may be still
being typed. Distance is optimal string alignment (a swap of two neighbouring letters
is one edit): at most 1 for words of 4–7 letters, 2 for longer ones, none below 4.
rapidfuzz computes it over the vocabulary (the distinct alphabetic words of the
index, loaded once per generation of the index) in a few milliseconds.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rapidfuzz import process
from rapidfuzz.distance import OSA

if TYPE_CHECKING:
    from mlg.search.index import SearchIndex

MAX_FIXES = 8  # alternatives per word, closest and most common first


def allowed_edits(word: str) -> int:
    if len(word) < 4:
        return 0
    return 1 if len(word) <= 7 else 2


def corrections(index: SearchIndex, words: list[str]) -> dict[str, list[str]]:
    """word -> words of the index it may be a typo of, for the words that need it."""
    fixes: dict[str, list[str]] = {}
    for position, word in enumerate(words):
        edits = allowed_edits(word)
        if not edits or not word.isalpha() or _known(index, word, prefix=position == len(words) - 1):
            continue
        vocabulary, counts = _vocabulary(index)
        near = process.extract(word, vocabulary, scorer=OSA.distance, score_cutoff=edits, limit=None)
        near.sort(key=lambda m: (m[1], -counts[m[2]], m[0]))
        fixes[word] = [m[0] for m in near[:MAX_FIXES]]
    return fixes


def _known(index: SearchIndex, word: str, prefix: bool) -> bool:
    if prefix:
        query, params = "SELECT 1 FROM term WHERE term >= ? AND term < ? LIMIT 1", (word, word + "\U0010ffff")
    else:
        query, params = "SELECT 1 FROM term WHERE term = ?", (word,)
    return index.conn.execute(query, params).fetchone() is not None


def _vocabulary(index: SearchIndex) -> tuple[list[str], list[int]]:
    generation = index.generation()
    if index.vocabulary is None or index.vocabulary[0] != generation:
        rows = index.conn.execute("SELECT term, docs FROM term").fetchall()
        kept = [(t, n) for t, n in rows if len(t) >= 3 and t.isalpha()]
        index.vocabulary = (generation, ([t for t, _ in kept], [n for _, n in kept]))
    return index.vocabulary[1]
