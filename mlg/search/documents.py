"""What the search index holds of one asset, and the order hits come out in.

Within a tier, hits are ordered by kind (the assets people look for — models,
datasets, features, services — before derived records), then the newest version of
each family before older ones, then shorter names, then name and id. That order is
a function of the assets alone, so it is computed once, when an asset is indexed,
and baked into its row number (`rank`): FTS5 hands back matches in row-number order,
and a query stops after the first few instead of sorting every match.

A rank is `bucket << SLOT_BITS | slot`. The bucket holds the order's leading keys
(kind group, newest or not, name length, a checksum of the name); assets that
share a bucket are told apart by the exact key (`order_key`) once fetched, and a
query always reads a bucket to its end, so the cut it makes is exact. The slot only
makes the number unique: it depends on the order assets were indexed in, which is
why nothing may ever depend on it — an index brought up to date asset by asset and
one rebuilt from scratch give the same answers.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from mlg.search.text import facet, fold, normal_version, short_name, terms, version_order, without_kind

# The kinds people look for first; the others (evaluation, experiment, workflow)
# record what happened to them.
PRIMARY_KINDS = frozenset({"model", "dataset", "feature", "service"})
SLOT_BITS = 20
_CHECKSUM_BITS = 32  # with 2 + 7 + 20, a rank fits in 61 bits
_LENGTH_BITS = 7


def bucket(kind: str, latest: bool, name_key: str) -> int:
    """The leading keys of the order, as one number (smaller comes first): kind group,
    newest or not, the length of the name's own part ("recs.home_ranker" is as short
    as "home_ranker"), then a checksum of the name. The checksum keeps buckets to one
    name (all the versions of one family at most): a query completes the bucket it
    stops in, and a bucket of thousands of same-length names cost seconds at 1M
    assets. Among names of one length the order is that of the checksum: arbitrary,
    but the same in every index of the same assets."""
    value = (0 if kind in PRIMARY_KINDS else 2) + (0 if latest else 1)
    value = value << _LENGTH_BITS | min(len(short_name(name_key)), 2**_LENGTH_BITS - 1)
    return value << _CHECKSUM_BITS | zlib.crc32(name_key.encode())


def order_key(rank: int, name_key: str, version_rank: int, asset_id: str) -> tuple:
    """The exact order of hits within a tier."""
    return (rank >> SLOT_BITS, name_key, version_rank, asset_id)


@dataclass
class Document:
    """One asset as the index stores it: the asset's own columns, the keys exact
    matches are looked up by, and the three texts of the FTS5 table."""

    id: str
    kind: str
    name: str
    namespace: str | None
    family: str | None
    version: str | None
    description: str | None
    domain: str | None
    tags: list[str]
    props: str | None
    created_at: str | None
    updated_at: str | None
    owners: list[str]
    name_key: str
    family_key: str | None
    version_norm: str | None
    name_terms: str
    body_terms: str
    facets: str
    latest: bool = True
    version_rank: int = 0
    rank: int = 0

    @property
    def keys(self) -> tuple[str, str, str, str, str]:
        """(id, id without kind, name, short name, name@version), folded: what an
        exact match compares the typed text with."""
        versioned = f"{self.name_key}@{fold(self.version)}" if self.version else self.name_key
        return (
            fold(self.id),
            fold(without_kind(self.id, self.kind)),
            self.name_key,
            short_name(self.name_key),
            versioned,
        )

    def terms(self) -> set[str]:
        """The distinct words of the document (the typo tier's vocabulary); the body
        holds the name's words too."""
        return set(self.body_terms.split())


def _iso(value: Any) -> str | None:
    return value.isoformat(sep=" ") if isinstance(value, datetime) else value


def document(row: dict[str, Any], owners: Iterable[tuple[str, str]]) -> Document:
    """The document of one asset row (the graph's Asset columns) owned by `owners`
    ((owner id, owner name) pairs). Built for a million rows at a time: one pass of
    the tokenizer over the name and one over everything else."""
    owners = sorted(set(owners))
    name = row["name"] or ""
    tags = list(row.get("tags") or ())
    version = row.get("version")
    domain = row.get("domain")
    name_terms = terms(f"{name} {version}" if version else name)
    words = [row["id"], row.get("namespace") or "", row.get("description") or "", domain or "", *tags]
    for owner_id, owner_name in owners:
        words += (owner_name, owner_id)
    body = name_terms + terms(" ".join(words))
    facets = [facet("k", row["kind"])]
    if domain:
        facets.append(facet("d", domain))
    facets += [facet("t", tag) for tag in sorted(set(tags))]
    facets += [facet("o", owner_id) for owner_id, _ in owners]
    if version:
        facets.append(facet("v", normal_version(version)))
    family = row.get("family")
    return Document(
        id=row["id"],
        kind=row["kind"],
        name=name,
        namespace=row.get("namespace"),
        family=family,
        version=version,
        description=row.get("description"),
        domain=domain,
        tags=tags,
        props=row.get("props"),
        created_at=_iso(row.get("created_at")),
        updated_at=_iso(row.get("updated_at")),
        owners=[owner_id for owner_id, _ in owners],
        name_key=fold(name),
        family_key=f"{row['kind']}\x1f{family}" if family else None,
        version_norm=normal_version(version),
        name_terms=" ".join(name_terms),
        body_terms=" ".join(body),
        facets=" ".join(facets),
    )


def rank_family(members: list[tuple[str, str | None, str | None]]) -> dict[str, tuple[bool, int]]:
    """(latest, version rank) of each member of one family, given (id, version,
    created_at): the highest version first (natural order: "10" after "9"), then the
    newest record, then the id."""
    ordered = sorted(members, key=lambda m: (version_order(m[1]), m[2] or "", m[0]), reverse=True)
    return {asset_id: (i == 0, i) for i, (asset_id, _, _) in enumerate(ordered)}


def asset_row(values: dict[str, Any]) -> dict[str, Any]:
    """An index row back into the dict `mlg.model.Asset.from_row` reads."""
    created, updated = values["created_at"], values["updated_at"]
    return {
        "id": values["id"],
        "kind": values["kind"],
        "name": values["name"],
        "namespace": values["namespace"],
        "family": values["family"],
        "version": values["version"],
        "description": values["description"],
        "domain": values["domain"],
        "tags": json.loads(values["tags"]) if values["tags"] else [],
        "props": values["props"],
        "created_at": datetime.fromisoformat(created) if created else None,
        "updated_at": datetime.fromisoformat(updated) if updated else None,
    }
