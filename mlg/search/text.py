"""How text becomes index terms, the same way for assets and for what people type.

One tokenizer for both sides, so that a query term can only miss an asset's term
because the words differ, never because the two were cut differently: lower case,
accents removed ("Fernández" is found by "fernandez"), split on everything that is
not a letter or a digit ("recs.home_ranker@4" → recs, home, ranker, 4). The terms
are handed to SQLite's FTS5 already cut and joined by spaces; its `unicode61`
tokenizer then keeps each one whole.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_TERM = re.compile(r"[^\W_]+")
_NAME_PARTS = re.compile(r"[./:]")
# "home ranker v4", "home_ranker 4", "churn 2024.06": a last word that is a version
_VERSION_WORD = re.compile(r"v?(\d+(?:\.\d+)*)", re.IGNORECASE)
_VERSION_PIECES = re.compile(r"\d+|\D+")


def fold(text: str) -> str:
    """Lower case without accents."""
    text = text.lower()
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def terms(text: str | None) -> list[str]:
    """The index terms of `text`, in order."""
    return _TERM.findall(fold(text)) if text else []


def short_name(name: str) -> str:
    """A namespaced name's own part: "home_ranker" of "recs.home_ranker"."""
    return _NAME_PARTS.split(name)[-1]


def without_kind(asset_id: str, kind: str) -> str:
    """ "recs.home_ranker@4" of "model:recs.home_ranker@4": the id as people type it."""
    prefix = kind + ":"
    return asset_id[len(prefix) :] if asset_id.startswith(prefix) else asset_id


def normal_version(version: str | None) -> str | None:
    """ "4" for "v4", "V4" and "4": how a version typed in a query is compared."""
    if version is None:
        return None
    version = version.strip().lower()
    return version[1:] if version[:1] == "v" and version[1:2].isdigit() else version


def version_order(version: str | None) -> tuple:
    """A sort key that puts "10" after "9" and "2024.06" after "2023.01"."""
    if version is None:
        return ()
    return tuple(
        (0, int(p), "") if p.isdigit() else (1, 0, p) for p in _VERSION_PIECES.findall(version.lower())
    )


def split_version(text: str) -> tuple[str, str | None]:
    """(the text without its version, the version) for "recs.home_ranker@4",
    "home_ranker 4" and "home ranker v4"; (text, None) when no version is given."""
    if "@" in text:
        rest, _, version = text.rpartition("@")
        if rest.strip() and version.strip():
            return rest.strip(), normal_version(version)
    words = text.split()
    if len(words) >= 2:
        found = _VERSION_WORD.fullmatch(words[-1])
        if found:
            return " ".join(words[:-1]), found.group(1)
    return text, None


@functools.lru_cache(maxsize=65_536)  # kinds, domains, tags and owners repeat over a million assets
def facet(field: str, value: str) -> str:
    """The one FTS5 term that stands for `field` = `value` (exact, case kept).

    Hex keeps any value, "tier-1" or "Gold" or an owner id with dots, a single term
    of letters and digits; the field letter keeps the fields apart.
    """
    return field + value.encode().hex()
