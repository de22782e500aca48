"""Drafts: what the events of one ingest say about one asset, each field with the time
of the event that set it, and how a draft is laid over the asset as the graph or a
manifest holds it (newest eventTime wins, per field; see mlg.openlineage.mapping)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from mlg.batch import Location
from mlg.schema import DEFAULT_OWNER_ROLE

_UNSET = object()
TIMES_KEY = "_times"  # props key: field -> eventTime (ISO) of the event that set it
NAMES_KEY = "_names"  # props key: every [namespace, name] a dataset goes by (symlinks)
TABLES_KEY = "_tables"  # props key: those of them given as TABLE symlinks


@dataclass(frozen=True)
class _Group:
    own: tuple[Any, Any] | None
    names: set[tuple[str, str]]
    tables: set[tuple[str, str]]
    declared: bool  # by a manifest (or not a dataset): never merged away


@dataclass
class _Draft:
    """What the events say about one asset, to lay over what it already is."""

    id: str
    kind: str
    namespace: str
    name: str
    location: Location
    first_seen: datetime
    description: Any = _UNSET
    dataset_version: str | None = None
    tags: list[str] = field(default_factory=list)
    props: dict[str, Any] = field(default_factory=dict)
    aliases: set[str] = field(default_factory=set)
    owners: list[tuple[str, str]] | None = None
    # field -> time of the event that set it ("description", "dataset_version" or a
    # props key); stored under props["_times"] so that the newest event wins across calls
    times: dict[str, datetime] = field(default_factory=dict)
    names: set[tuple[str, str]] = field(default_factory=set)  # every (namespace, name) it goes by
    tables: set[tuple[str, str]] = field(default_factory=set)  # those given as TABLE symlinks

    def set(self, key: str, value: Any, at: datetime) -> None:
        """Set one field from an event at `at`, unless a newer event set it already
        (equal times: the larger value, so that the order of events never matters)."""
        if key in self.times and (self.times[key], _order_key(self._get(key))) > (at, _order_key(value)):
            return
        self.times[key] = at
        if key == "description":
            self.description = value
        elif key == "dataset_version":
            self.dataset_version = value
        else:
            self.props[key] = value

    def fold(self, other: _Draft) -> None:
        """Take in what events said of an asset merged into this one."""
        for key, at in other.times.items():
            self.set(key, other._get(key), at)
        self._take(other.tags, other.owners or [], other.first_seen)
        self.names |= other.names | {(other.namespace, other.name)}
        self.tables |= other.tables
        self.aliases |= other.aliases | {f"{other.namespace}/{other.name}"}

    def fold_row(self, row: dict[str, Any], owners: list[tuple[str, str]]) -> None:
        """Take in an asset the graph holds that is merged into this one: each field with
        the time of the event that set it (a field without one counts as the oldest)."""
        props = dict(row["props"]) if isinstance(row["props"], dict) else {}
        times = props.pop(TIMES_KEY, None) or {}
        self.names |= {tuple(n) for n in props.pop(NAMES_KEY, None) or () if len(n) == 2}
        self.names.add((row["namespace"], row["name"]))
        self.tables |= {tuple(n) for n in props.pop(TABLES_KEY, None) or () if len(n) == 2}
        self.aliases |= set(props.pop("aliases", None) or ()) | {f"{row['namespace']}/{row['name']}"}
        values = dict(props)
        if row.get("description"):
            values["description"] = row["description"]
        for key, value in values.items():
            self.set(key, value, _parse_time(times.get(key)) or datetime.min)
        self._take(row.get("tags") or [], owners, row.get("created_at"))

    def _take(self, tags, owners, first_seen: datetime | None) -> None:
        self.tags = list(dict.fromkeys([*self.tags, *tags]))
        if owners:
            self.owners = self.owners or []
            for owner_id, role in owners:
                if all(o != owner_id for o, _ in self.owners):
                    self.owners.append((owner_id, role))
        if first_seen is not None and first_seen < self.first_seen:
            self.first_seen = first_seen

    def _get(self, key: str) -> Any:
        if key == "description":
            return None if self.description is _UNSET else self.description
        if key == "dataset_version":
            return self.dataset_version
        return self.props.get(key)


def _current(record: dict[str, Any], key: str) -> Any:
    if key == "description":
        return record.get("description")
    props = record.get("props")
    return props.get(key) if isinstance(props, dict) else None


def _newer_or_same(at: datetime, value: Any, stored_at: Any, stored_value: Any) -> bool:
    """Whether a value set by an event at `at` replaces one an event at `stored_at`
    (ISO text) set: the newer event wins; at the same instant, the larger value."""
    try:
        before = datetime.fromisoformat(stored_at) if isinstance(stored_at, str) else None
    except ValueError:
        before = None
    if before is None:
        return True
    return (at, _order_key(value)) >= (before, _order_key(stored_value))


def _parse_time(text: Any) -> datetime | None:
    try:
        return datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _order_key(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=str, ensure_ascii=False)


def _overlay(
    record: dict[str, Any], draft: _Draft, origin: str, owners: list[tuple[str, str]] = ()
) -> dict[str, Any]:
    """`record` (an asset "new" from the events, as the "graph" holds it, or a "manifest"
    record of the same ingest) with what the events say laid over it. A manifest
    record's fields of the wrong shape are left as they are for validation to report."""
    props = record.get("props")
    stored = props.get(TIMES_KEY) if isinstance(props, dict) else None
    stored = stored if isinstance(stored, dict) else {}
    # what the events set, without what a newer event already set in the graph
    fresh = {
        key: at
        for key, at in draft.times.items()
        if key not in stored or _newer_or_same(at, draft._get(key), stored[key], _current(record, key))
    }
    if "description" in fresh:
        record["description"] = draft.description
    if draft.tags and isinstance(record.get("tags", []), list | tuple | type(None)):
        record["tags"] = list(dict.fromkeys([*(record.get("tags") or []), *draft.tags]))
    if isinstance(props, dict | type(None)):
        props = dict(props or {})
        previous_version = props.get("dataset_version")
        props.update({k: v for k, v in draft.props.items() if k in fresh})
        if draft.aliases:
            props["aliases"] = sorted(set(props.get("aliases") or ()) | draft.aliases)
        for key, found in ((NAMES_KEY, draft.names), (TABLES_KEY, draft.tables)):
            known = {tuple(n) for n in props.get(key) or () if isinstance(n, list) and len(n) == 2}
            every = known | found
            if key == NAMES_KEY and len(every) < 2:
                continue  # a dataset known by one name only
            if every and every != known:
                props[key] = [list(n) for n in sorted(every)]
        if "dataset_version" in fresh and draft.dataset_version is not None:
            props["dataset_version"] = draft.dataset_version
            # the version column follows the dataset's own version, unless a manifest
            # gave the asset a version of its own
            if (
                origin == "new"
                or record.get("version") is None
                or (origin == "graph" and record["version"] == previous_version)
            ):
                record["version"] = draft.dataset_version
        if fresh:
            props[TIMES_KEY] = dict(
                sorted({**stored, **{k: at.isoformat() for k, at in fresh.items()}}.items())
            )
        if props or "props" in record:
            record["props"] = props
    if draft.owners and isinstance(record.get("owners", []), list | type(None)):
        current = (
            [{"id": o, "role": r} for o, r in owners]
            if origin == "graph"
            else list(record.get("owners") or [])
        )
        have = {o if isinstance(o, str) else o.get("id") if isinstance(o, dict) else None for o in current}
        for owner_id, role in draft.owners:
            if owner_id not in have:
                current.append(owner_id if role == DEFAULT_OWNER_ROLE else {"id": owner_id, "role": role})
                have.add(owner_id)
        record["owners"] = current
    return record
