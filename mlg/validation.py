"""Checking a Batch completely, in Python, before anything is written (DESIGN §4).

`validate()` turns raw records into a `Plan` of normalised rows, or raises one
`IngestError` listing every problem found (up to MAX_PROBLEMS), each naming the file,
the record and the field.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from mlg.batch import Batch, Location
from mlg.errors import IngestError, Problem
from mlg.limits import Limits, text_problem, type_name, value_problem
from mlg.model import canonical_json
from mlg.schema import DEFAULT_OWNER_ROLE, KINDS, OWNER_KINDS, RELATION_RULES

MAX_PROBLEMS = 20

ASSET_TEXT_FIELDS = ("name", "namespace", "family", "description", "domain")
ASSET_FIELDS = frozenset(
    {"id", "kind", *ASSET_TEXT_FIELDS, "version", "tags", "props", "owners", "created_at", "updated_at"}
)
OWNER_FIELDS = frozenset({"id", "kind", "name", "email"})
RELATION_FIELDS = frozenset({"from", "to", "type", "source", "first_seen", "last_seen"})

EdgeKey = tuple[str, str, str]  # (from id, to id, type)


@dataclass
class Plan:
    """Normalised, de-duplicated rows ready to write."""

    assets: dict[str, dict[str, Any]] = field(default_factory=dict)
    owners: dict[str, dict[str, Any]] = field(default_factory=dict)
    edges: dict[EdgeKey, dict[str, Any]] = field(default_factory=dict)
    # asset id -> its complete owner list ((owner id, role), ...), for assets whose
    # record says who owns them; ownership of other assets is left as it is.
    ownerships: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    # workflow runs (run id -> row, with its "inputs"/"outputs" asset ids) and
    # aliases (alias id -> asset id); see mlg.records
    runs: dict[str, dict[str, Any]] = field(default_factory=dict)
    aliases: dict[str, str] = field(default_factory=dict)
    merged: dict[str, str] = field(default_factory=dict)  # asset id -> the asset it merges into
    rekeyed: dict[str, str] = field(default_factory=dict)  # graph asset id -> the id it takes (Batch.rekeys)
    files: list[str] = field(default_factory=list)
    # which sources assert each asset, edge and asset's owner list (mlg.lifecycle), the
    # sources this batch speaks for, and whether it is their whole truth (a sync)
    asset_sources: dict[str, set[str]] = field(default_factory=dict)
    edge_sources: dict[EdgeKey, set[str]] = field(default_factory=dict)
    ownership_sources: dict[str, set[str]] = field(default_factory=dict)
    sources: list[str] = field(default_factory=list)
    sync: bool = False
    references_assert: bool = False  # see Batch.references_assert
    # assets only referenced by the plan's edges -> the sources referencing them, and
    # the placeholders made for those not in the graph (id -> kind; mlg.lifecycle.placeholders)
    references: dict[str, set[str]] = field(default_factory=dict)
    placeholders: dict[str, str] = field(default_factory=dict)


class GraphLookup:
    """What validation needs to know about the graph being written to."""

    def asset_kinds(self, ids: Iterable[str]) -> dict[str, str]:
        return {}

    def owner_ids(self, ids: Iterable[str]) -> set[str]:
        return set()


class _Problems:
    def __init__(self) -> None:
        self.items: list[Problem] = []
        self.total = 0
        self.limits = Limits.current()  # read once: validation runs per record

    def add(self, loc: Location, record_id: str | None, fld: str | None, message: str) -> None:
        self.total += 1
        if len(self.items) < MAX_PROBLEMS:
            self.items.append(Problem(loc.file, loc.record, record_id, fld, message))

    def raise_if_any(self) -> None:
        if self.total:
            raise IngestError(self.items, self.total)


def validate(batch: Batch, lookup: GraphLookup | None = None, strict: bool = False) -> Plan:
    """The Plan of `batch`, or IngestError. A relation to an asset that is neither in the
    batch nor in the graph makes a placeholder of the kind it implies, unless `strict`
    (or the kind cannot be told: then it is a problem)."""
    lookup = lookup or GraphLookup()
    problems = _Problems()
    for p in batch.read_problems:
        problems.total += 1
        if len(problems.items) < MAX_PROBLEMS:
            problems.items.append(p)
    plan = Plan(files=list(batch.files), sources=batch.sources(), references_assert=batch.references_assert)
    plan.rekeyed = dict(batch.rekeys)
    asset_locs: dict[str, Location] = {}
    owner_locs: dict[str, Location] = {}
    edge_locs: dict[EdgeKey, tuple[Location, str | None]] = {}
    owner_refs: list[tuple[str, Location, str, str]] = []  # (owner id, loc, asset id, field)

    for record, loc in batch.owners:
        row = _owner_row(record, loc, problems)
        if row is None:
            continue
        _keep_unique(plan.owners, owner_locs, row["id"], row, loc, problems, "owner")

    for record, loc in batch.assets:
        parsed = _asset_row(record, loc, problems)
        if parsed is None:
            continue
        row, owners, inline = parsed
        if not _keep_unique(plan.assets, asset_locs, row["id"], row, loc, problems, "asset"):
            continue
        source = batch.source_of(loc.file)
        plan.asset_sources.setdefault(row["id"], set()).add(source)
        if owners is not None:
            previous = plan.ownerships.get(row["id"])
            if previous is not None and previous != owners:
                problems.add(
                    loc,
                    row["id"],
                    "owners",
                    f"conflicts with the owners given at {asset_locs[row['id']].record}",
                )
            plan.ownerships[row["id"]] = owners
            plan.ownership_sources.setdefault(row["id"], set()).add(source)
            for i, (owner_id, _role) in enumerate(owners):
                owner_refs.append((owner_id, loc, row["id"], f"owners[{i}]"))
        for key, edge, fld in inline:
            _keep_edge(plan.edges, edge_locs, key, edge, loc, fld, row["id"], problems)
            plan.edge_sources.setdefault(key, set()).add(source)

    for record, loc in batch.relations:
        parsed_rel = _relation_row(record, loc, problems)
        if parsed_rel is None:
            continue
        key, edge = parsed_rel
        _keep_edge(plan.edges, edge_locs, key, edge, loc, None, None, problems)
        plan.edge_sources.setdefault(key, set()).add(batch.source_of(loc.file))

    # references first: an alias may name a placeholder they make (mlg.lifecycle.identity)
    _check_references(plan, edge_locs, owner_refs, lookup, problems, strict)
    if batch.runs or batch.aliases or batch.merges:
        from mlg.records import check_records

        check_records(batch, plan, lookup, problems.add)
    problems.raise_if_any()
    return plan


# -- records ------------------------------------------------------------------------


def _asset_row(record: Any, loc: Location, problems: _Problems):
    if not isinstance(record, dict):
        problems.add(loc, None, None, f"must be a mapping, not {type_name(record)}")
        return None
    ok = True
    asset_id = record.get("id")
    if not isinstance(asset_id, str) or not asset_id.strip():
        problems.add(loc, None, "id", _expected("a non-empty string", asset_id, "id" in record))
        return None
    if not _text_ok(asset_id, loc, None, "id", problems):
        return None
    kind = record.get("kind")
    if kind not in KINDS:
        if kind is None:
            problems.add(loc, asset_id, "kind", "is required; one of " + ", ".join(KINDS))
        elif not isinstance(kind, str):
            problems.add(loc, asset_id, "kind", _expected("one of " + ", ".join(KINDS), kind))
        else:
            problems.add(
                loc,
                asset_id,
                "kind",
                f"unknown kind {_short(kind)}{_did_you_mean(kind, KINDS)}; expected one of "
                + ", ".join(KINDS),
            )
        ok = False
    row: dict[str, Any] = {"id": asset_id, "kind": kind}
    for name in ASSET_TEXT_FIELDS:
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            problems.add(loc, asset_id, name, _expected("a string", value))
            ok = False
        elif value is not None and not _text_ok(value, loc, asset_id, name, problems):
            ok = False
        row[name] = value
    if row["name"] is None:
        row["name"] = asset_id
    if row["family"] is None:
        row["family"] = row["name"]
    version = record.get("version")
    if isinstance(version, bool) or not (version is None or isinstance(version, str | int | float)):
        problems.add(loc, asset_id, "version", _expected("a string", version))
        ok = False
    row["version"] = None if version is None else str(version)
    if row["version"] is not None and not _text_ok(row["version"], loc, asset_id, "version", problems):
        ok = False
    row["tags"] = _string_list(record.get("tags"), loc, asset_id, "tags", problems)
    if row["tags"] is None:
        ok = False
    props = record.get("props")
    if props is None:
        row["props"] = "{}"
    elif not isinstance(props, dict):
        problems.add(loc, asset_id, "props", _expected("a mapping", props))
        ok = False
    else:
        row["props"] = _props_json(props, loc, asset_id, problems)
        if row["props"] is None:
            ok = False
    for name in ("created_at", "updated_at"):
        row[name] = _timestamp(record.get(name), loc, asset_id, name, problems)
        if row[name] is False:
            ok = False
    owners = None
    if "owners" in record:
        owners = _owner_refs(record["owners"], loc, asset_id, problems)
        if owners is None:
            ok = False
    inline: list[tuple[EdgeKey, dict[str, Any], str]] = []
    for key, value in record.items():
        if key in ASSET_FIELDS:
            continue
        if key in RELATION_RULES:
            targets = _string_list(value, loc, asset_id, key, problems)
            if targets is None:
                ok = False
                continue
            for i, target in enumerate(targets):
                edge = {"source": None, "first_seen": None, "last_seen": None}
                inline.append(((asset_id, target, key), edge, f"{key}[{i}]"))
        else:
            known = sorted(ASSET_FIELDS | set(RELATION_RULES))
            problems.add(
                loc,
                asset_id,
                str(key),
                f"unknown field{_did_you_mean(str(key), known)}; asset fields are "
                + ", ".join(sorted(ASSET_FIELDS))
                + ", plus any relation type as a list of target ids",
            )
            ok = False
    if not ok:
        return None
    return row, owners, inline


def _owner_row(record: Any, loc: Location, problems: _Problems) -> dict[str, Any] | None:
    if not isinstance(record, dict):
        problems.add(loc, None, None, f"must be a mapping, not {type_name(record)}")
        return None
    owner_id = record.get("id")
    if not isinstance(owner_id, str) or not owner_id.strip():
        problems.add(loc, None, "id", _expected("a non-empty string", owner_id, "id" in record))
        return None
    if not _text_ok(owner_id, loc, None, "id", problems):
        return None
    ok = True
    kind = record.get("kind")
    if kind not in OWNER_KINDS:
        problems.add(
            loc,
            owner_id,
            "kind",
            ("is required" if kind is None else f"unknown owner kind {_short(kind)}")
            + "; expected team or person",
        )
        ok = False
    row = {"id": owner_id, "kind": kind}
    for name in ("name", "email"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            problems.add(loc, owner_id, name, _expected("a string", value))
            ok = False
        elif value is not None and not _text_ok(value, loc, owner_id, name, problems):
            ok = False
        row[name] = value
    if row["name"] is None:
        row["name"] = owner_id
    for key in record:
        if key not in OWNER_FIELDS:
            problems.add(
                loc,
                owner_id,
                str(key),
                f"unknown field{_did_you_mean(str(key), OWNER_FIELDS)}; owner fields are "
                + ", ".join(sorted(OWNER_FIELDS)),
            )
            ok = False
    return row if ok else None


def _relation_row(record: Any, loc: Location, problems: _Problems):
    if not isinstance(record, dict):
        problems.add(loc, None, None, f"must be a mapping, not {type_name(record)}")
        return None
    ok = True
    ends = {}
    for name in ("from", "to", "type"):
        value = record.get(name)
        if not isinstance(value, str) or not value.strip():
            problems.add(loc, None, name, _expected("a non-empty string", value, name in record))
            ok = False
        elif not _text_ok(value, loc, None, name, problems):
            ok = False
        ends[name] = value
    rel_id = f"{ends['from']} -{ends['type']}-> {ends['to']}" if ok else None
    if ok and ends["type"] not in RELATION_RULES:
        problems.add(
            loc,
            rel_id,
            "type",
            f"unknown relation type {ends['type']!r}"
            f"{_did_you_mean(ends['type'], RELATION_RULES)}; expected one of " + ", ".join(RELATION_RULES),
        )
        ok = False
    source = record.get("source")
    if source is not None and not isinstance(source, str):
        problems.add(loc, rel_id, "source", _expected("a string", source))
        ok = False
    elif source is not None and not _text_ok(source, loc, rel_id, "source", problems):
        ok = False
    edge = {"source": source}
    for name in ("first_seen", "last_seen"):
        edge[name] = _timestamp(record.get(name), loc, rel_id, name, problems)
        if edge[name] is False:
            ok = False
    for key in record:
        if key not in RELATION_FIELDS:
            problems.add(
                loc,
                rel_id,
                str(key),
                f"unknown field{_did_you_mean(str(key), RELATION_FIELDS)}; relation "
                "fields are " + ", ".join(sorted(RELATION_FIELDS)),
            )
            ok = False
    if not ok:
        return None
    return (ends["from"], ends["to"], ends["type"]), edge


def _owner_refs(value: Any, loc: Location, asset_id: str, problems: _Problems):
    if not isinstance(value, list):
        problems.add(loc, asset_id, "owners", _expected("a list of owner ids or {id, role} mappings", value))
        return None
    refs: list[tuple[str, str]] = []
    ok = True
    for i, item in enumerate(value):
        fld = f"owners[{i}]"
        if isinstance(item, str) and item.strip():
            if _text_ok(item, loc, asset_id, fld, problems):
                refs.append((item, DEFAULT_OWNER_ROLE))
            else:
                ok = False
        elif isinstance(item, dict):
            why = _owner_mapping_problem(item)
            if why is not None:
                problems.add(loc, asset_id, fld, why)
                ok = False
                continue
            role = item.get("role", DEFAULT_OWNER_ROLE)
            if _text_ok(item["id"], loc, asset_id, fld + ".id", problems) and _text_ok(
                role, loc, asset_id, fld + ".role", problems
            ):
                refs.append((item["id"], role))
            else:
                ok = False
        else:
            problems.add(loc, asset_id, fld, _expected("an owner id or a mapping {id, role}", item))
            ok = False
    if not ok:
        return None
    return tuple(dict.fromkeys(refs))


def _owner_mapping_problem(item: dict) -> str | None:
    """Why an {id, role} owner mapping is wrong, naming the key at fault."""
    unknown = [k for k in item if k not in ("id", "role")]
    if unknown:
        names = ", ".join(repr(k) for k in unknown)
        return (
            f"an owner mapping has the keys id and role only, not {names}; "
            "owner details (kind, name, email) go in the top-level owners: list"
        )
    if not isinstance(item.get("id"), str) or not item["id"].strip():
        return "owner mapping: 'id' " + _expected("a non-empty string", item.get("id"), "id" in item)
    if not isinstance(item.get("role", DEFAULT_OWNER_ROLE), str):
        return "owner mapping: 'role' " + _expected("a string", item["role"])
    return None


def _string_list(value: Any, loc: Location, record_id: str, fld: str, problems: _Problems):
    if value is None:
        return ()
    if not isinstance(value, list):
        problems.add(loc, record_id, fld, _expected("a list of strings", value))
        return None
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item:
            problems.add(loc, record_id, f"{fld}[{i}]", _expected("a non-empty string", item))
            return None
        if not _text_ok(item, loc, record_id, f"{fld}[{i}]", problems):
            return None
    return tuple(dict.fromkeys(value))


def _text_ok(value: str, loc: Location, record_id: str | None, fld: str, problems: _Problems) -> bool:
    """False (after reporting) for text Kuzu cannot store: a lone surrogate, or too long."""
    why = text_problem(value, problems.limits)
    if why is None:
        return True
    problems.add(loc, record_id, fld, why)
    return False


def _props_json(props: dict, loc: Location, asset_id: str, problems: _Problems) -> str | None:
    """props as canonical JSON, or None after naming the part JSON cannot hold."""
    hostile = value_problem(props, problems.limits, "props")
    if hostile is not None:
        problems.add(loc, asset_id, hostile[0], hostile[1])
        return None
    try:
        return canonical_json(props)
    except (TypeError, ValueError, RecursionError) as exc:  # value_problem should have said
        problems.add(loc, asset_id, "props", f"cannot be stored as JSON: {exc}")
        return None


def _timestamp(value: Any, loc: Location, record_id: str | None, fld: str, problems: _Problems):
    """A naive UTC datetime, None when absent, False (after reporting) when invalid."""
    if value is None:
        return None
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, date):
        parsed = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        try:
            parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            problems.add(
                loc,
                record_id,
                fld,
                f"{_short(value)} is not an ISO-8601 timestamp (e.g. 2024-05-01T12:00:00Z)",
            )
            return False
    else:
        problems.add(loc, record_id, fld, _expected("an ISO-8601 timestamp", value))
        return False
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:  # 0001-01-01T00:00:00+01:00 is before year 1 in UTC
            problems.add(loc, record_id, fld, f"{parsed.isoformat()} is before year 1 or after 9999 in UTC")
            return False
    return parsed


# -- duplicates -----------------------------------------------------------------------


def _keep_unique(rows, locs, key, row, loc, problems, noun) -> bool:
    previous = rows.get(key)
    if previous is None:
        rows[key] = row
        locs[key] = loc
        return True
    if previous != row:
        differing = sorted(k for k in row if row[k] != previous.get(k))
        first = locs[key]
        problems.add(
            loc,
            key,
            differing[0] if differing else None,
            f"{noun} id given twice with different content: conflicts with "
            f"{first.file}: {first.record}" + (f" (differs in {', '.join(differing)})" if differing else ""),
        )
        return False
    return True


def _keep_edge(edges, edge_locs, key, edge, loc, fld, record_id, problems) -> None:
    previous = edges.get(key)
    if previous is None:
        edges[key] = edge
        edge_locs[key] = (loc, fld)
        return
    for name, value in edge.items():
        if value is None:
            continue
        if previous.get(name) is None:
            previous[name] = value
        elif previous[name] != value:
            first, _ = edge_locs[key]
            problems.add(
                loc,
                record_id or f"{key[0]} -{key[2]}-> {key[1]}",
                fld or name,
                f"relation given twice with different {name}: conflicts with {first.file}: {first.record}",
            )
            return


# -- references and kinds ------------------------------------------------------------------


def _check_references(plan: Plan, edge_locs, owner_refs, lookup: GraphLookup, problems, strict=False) -> None:
    wanted = {t for key in plan.edges for t in key[:2]} - plan.assets.keys()
    graph_kinds = lookup.asset_kinds(wanted) if wanted else {}
    for key in plan.edges:
        for end in key[:2]:
            if end in wanted:
                plan.references.setdefault(end, set()).update(plan.edge_sources.get(key, ()))
    inferred: dict[str, set[str]] = {}
    if not strict and len(graph_kinds) < len(wanted):
        from mlg.lifecycle.placeholders import infer_kinds, placeholder_row

        def known(asset_id: str) -> str | None:
            row = plan.assets.get(asset_id)
            return row["kind"] if row is not None else graph_kinds.get(asset_id)

        inferred = infer_kinds(plan.edges, known)
        for asset_id, kinds in inferred.items():
            if len(kinds) == 1:
                plan.placeholders[asset_id] = next(iter(kinds))
                plan.assets[asset_id] = placeholder_row(asset_id, plan.placeholders[asset_id])
    for key in plan.edges:
        src, dst, rtype = key
        loc, fld = edge_locs[key]
        record_id = src if fld else f"{src} -{rtype}-> {dst}"
        kinds = []
        for end, name in ((src, "from"), (dst, "to")):
            row = plan.assets.get(end)
            kind = row["kind"] if row is not None else graph_kinds.get(end)
            if kind is None:
                problems.add(
                    loc,
                    record_id,
                    fld or name,
                    f"refers to asset {end!r}, which is neither in this input nor in the graph"
                    + _why_no_placeholder(inferred.get(end), strict),
                )
            kinds.append(kind)
        if None in kinds or rtype not in RELATION_RULES:
            continue
        if (kinds[0], kinds[1]) not in RELATION_RULES[rtype]:
            allowed = ", ".join(f"{a}→{b}" for a, b in sorted(RELATION_RULES[rtype]))
            problems.add(
                loc,
                record_id,
                fld or "type",
                f"a {rtype} relation cannot go from a {kinds[0]} ({src!r}) to a "
                f"{kinds[1]} ({dst!r}); {rtype} allows {allowed}",
            )
        if src == dst:
            problems.add(loc, record_id, fld or "to", "an asset cannot depend on itself")
    wanted_owners = {ref[0] for ref in owner_refs} - plan.owners.keys()
    known = lookup.owner_ids(wanted_owners) if wanted_owners else set()
    for owner_id, loc, asset_id, fld in owner_refs:
        if owner_id not in plan.owners and owner_id not in known:
            problems.add(
                loc,
                asset_id,
                fld,
                f"refers to owner {owner_id!r}, which is neither in this input nor in "
                "the graph; declare it under owners:",
            )


def _why_no_placeholder(kinds: set[str] | None, strict: bool) -> str:
    if strict or kinds is None:
        return ""
    if not kinds:
        return " (its relations disagree on its kind, so no placeholder can stand for it)"
    return (
        " (it could be a " + " or a ".join(sorted(kinds)) + ", so no placeholder can stand for it; "
        "add it to the input)"
    )


# -- helpers ----------------------------------------------------------------------------------


def _expected(what: str, value: Any, present: bool = True) -> str:
    if not present:
        return "is required"
    return f"expected {what}, got {type_name(value)} {_short(value)}".rstrip()


def _short(value: Any) -> str:
    if value is None or isinstance(value, dict | list):
        return ""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _did_you_mean(word: str, choices: Iterable[str]) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""
