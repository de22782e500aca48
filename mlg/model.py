"""Plain Python objects handed out by mlg: the UIs never see Kuzu types (DESIGN §1)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


@dataclass(frozen=True)
class Owner:
    """A team or a person owning assets; `role` (e.g. "owner", "reviewer") is set when
    the owner is seen through one asset."""

    id: str
    kind: str
    name: str
    email: str | None = None
    role: str | None = None  # set when the owner is seen through an asset

    def __post_init__(self) -> None:
        if self.email == "":  # stored blank for NULL (mlg.schema.BLANK_FOR_NULL)
            object.__setattr__(self, "email", None)

    def to_dict(self) -> dict[str, Any]:
        data = {"id": self.id, "kind": self.kind, "name": self.name, "email": self.email}
        if self.role is not None:
            data["role"] = self.role
        return data


@dataclass(frozen=True)
class Asset:
    """One dataset, feature, model, evaluation, workflow, service or experiment.
    Missing optional text is None; `props` holds free-form properties."""

    id: str
    kind: str
    name: str
    namespace: str | None = None
    family: str | None = None
    version: str | None = None
    description: str | None = None
    domain: str | None = None
    tags: tuple[str, ...] = ()
    props: dict[str, Any] = field(default_factory=dict, hash=False, compare=False)
    created_at: datetime | None = None
    updated_at: datetime | None = None
    # lifecycle (mlg.lifecycle), when read: retired since, why, a placeholder, asserted by
    retired_at: datetime | None = field(default=None, compare=False)
    retired_reason: str | None = field(default=None, compare=False)
    placeholder: bool = field(default=False, compare=False)
    sources: tuple[str, ...] = field(default=(), compare=False)

    @property
    def deprecated(self) -> bool:
        return "deprecated" in self.tags

    @property
    def retired(self) -> bool:
        return self.retired_at is not None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Asset:
        props = row.get("props")
        # `or None`: optional text is stored blank for NULL (mlg.schema.BLANK_FOR_NULL)
        return cls(
            id=row["id"],
            kind=row["kind"],
            name=row["name"],
            namespace=row.get("namespace") or None,
            family=row.get("family") or None,
            version=row.get("version") or None,
            description=row.get("description") or None,
            domain=row.get("domain") or None,
            tags=tuple(row.get("tags") or ()),
            props=_public_props(props),
            created_at=row.get("created_at"),
            updated_at=row.get("updated_at"),
            retired_at=_retired_at(row.get("valid_to")),
            retired_reason=row.get("retired_reason") or None,
            placeholder=bool(row.get("placeholder")),
            sources=tuple(row.get("sources") or ()),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "kind": self.kind,
            "name": self.name,
            "namespace": self.namespace,
            "family": self.family,
            "version": self.version,
            "description": self.description,
            "domain": self.domain,
            "tags": list(self.tags),
            "props": self.props,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
            **({"sources": list(self.sources)} if self.sources else {}),
            **({"placeholder": True} if self.placeholder else {}),
            **(
                {"retired_at": _iso(self.retired_at), "retired_reason": self.retired_reason}
                if self.retired
                else {}
            ),
        }


@dataclass(frozen=True)
class Neighbour:
    """An asset one hop away, with the relation that links it."""

    asset: Asset
    type: str  # relation type, e.g. "trained_on"

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.asset.id, "kind": self.asset.kind, "name": self.asset.name, "type": self.type}


@dataclass(frozen=True)
class AssetDetail:
    """Everything `mlg show` prints about one asset."""

    asset: Asset
    owners: tuple[Owner, ...]
    siblings: tuple[Asset, ...]
    upstream: tuple[Neighbour, ...]
    downstream: tuple[Neighbour, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.asset.to_dict(),
            "owners": [o.to_dict() for o in self.owners],
            "siblings": [{"id": s.id, "name": s.name, "version": s.version} for s in self.siblings],
            "upstream": [n.to_dict() for n in self.upstream],
            "downstream": [n.to_dict() for n in self.downstream],
        }


@dataclass(frozen=True)
class GraphStats:
    """How much the graph holds: assets by kind, relations by type, owners by kind, and
    how many assets have no owner; `path` names the graph (its file or URL)."""

    path: str
    assets_by_kind: dict[str, int]
    relations_by_type: dict[str, int]
    owners_by_kind: dict[str, int]
    unowned_assets: int

    @property
    def assets(self) -> int:
        return sum(self.assets_by_kind.values())

    @property
    def relations(self) -> int:
        return sum(self.relations_by_type.values())

    @property
    def owners(self) -> int:
        return sum(self.owners_by_kind.values())

    def _repr_html_(self) -> str:
        from mlg.rich_display import stats_html

        return stats_html(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "assets": self.assets,
            "relations": self.relations,
            "owners": self.owners,
            "unowned_assets": self.unowned_assets,
            "assets_by_kind": self.assets_by_kind,
            "relations_by_type": self.relations_by_type,
            "owners_by_kind": self.owners_by_kind,
        }


@dataclass(frozen=True)
class IngestReport:
    """What one ingest call changed."""

    assets_added: int = 0
    assets_updated: int = 0
    assets_unchanged: int = 0
    owners_added: int = 0
    owners_updated: int = 0
    relations_added: int = 0
    relations_updated: int = 0
    relations_unchanged: int = 0
    ownerships_added: int = 0
    # a sync (mlg.lifecycle): what its sources no longer assert, and what came back
    assets_retired: int = 0
    assets_revived: int = 0
    relations_retired: int = 0
    placeholders_added: int = 0  # of assets_added: referenced, not described yet
    files: tuple[str, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(
            self.assets_added
            or self.assets_updated
            or self.owners_added
            or self.owners_updated
            or self.relations_added
            or self.relations_updated
            or self.ownerships_added
            or self.assets_retired
            or self.assets_revived
            or self.relations_retired
        )

    def to_dict(self) -> dict[str, Any]:
        from dataclasses import asdict

        data = asdict(self)
        data["files"] = list(self.files)
        return data


def _retired_at(valid_to: datetime | None) -> datetime | None:
    from mlg.lifespan import FOREVER

    return None if valid_to is None or valid_to == FOREVER else valid_to


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _public_props(text: str | None) -> dict[str, Any]:
    """Stored props as users see them: without the bookkeeping of OpenLineage merges
    (the eventTime that set each field, the names a dataset goes by: mlg.openlineage.mapping)."""
    return without_bookkeeping(json.loads(text) if text else {})


# props keys the OpenLineage source keeps for itself (mlg.openlineage.mapping): the
# eventTime that set each field, every name of a dataset and its TABLE names
BOOKKEEPING_PROPS = ("_times", "_names", "_tables")


def without_bookkeeping(props: dict[str, Any]) -> dict[str, Any]:
    """`props` as users see them (changed in place): without BOOKKEEPING_PROPS."""
    if props:
        for key in BOOKKEEPING_PROPS:
            props.pop(key, None)
    return props


def canonical_json(value: dict[str, Any]) -> str:
    """props as stored: one JSON text per value (sorted keys, no spaces, dates ISO)."""
    return _CANONICAL.encode(value)


def keeping_bookkeeping(old: dict[str, Any], row: dict[str, Any]) -> dict[str, Any]:
    """An asset row about to replace the stored `old` one, with the old props'
    BOOKKEEPING_PROPS (OpenLineage's per-field event times) when its props have none: a
    record that replaces props (a manifest, a connector) must not drop them, or the next
    event could not tell newer from older and re-running either source would never be a
    no-op. Both backends' writes use it."""
    if not old.get("props") or '"_' not in old["props"]:
        return row
    old_props = json.loads(old["props"])
    kept = {k: old_props[k] for k in BOOKKEEPING_PROPS if k in old_props}
    new_props = json.loads(row["props"] or "{}")
    if not kept or all(k in new_props for k in kept):
        return row
    return {**row, "props": canonical_json({**kept, **new_props})}


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON-serialisable")


# One encoder for every record: json.dumps with options builds a new one per call.
_CANONICAL = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_json_default
)
