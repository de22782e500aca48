"""What every connector builds: records in the manifest's shape, resolved against the
graph at the end, as one Batch of one source.

A connector adds the assets it is the system of record for (`asset`), the datasets it
names physically (`dataset`: its own, with a full record, or another system's, with
none) and the assets it only refers to (`reference`). `finish` then:

- gives each dataset the id the graph already knows under any of its physical names,
  else its first name; the other names become aliases (mlg.connectors.identity);
- writes a minimal record only for a referenced asset the graph does not hold yet, so
  that a connector never overwrites what another source said about an asset;
- declares only the owners the graph does not hold yet (their names are left as the
  graph has them);
- stamps every relation with the source name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from mlg.batch import Batch, Location
from mlg.connectors.identity import Identities, PhysicalName, dataset_id
from mlg.qualified_ids import split_qualified, written_form

if TYPE_CHECKING:
    from mlg.graph import Graph

TEAM_PREFIXES = ("group", "team")
PERSON_PREFIXES = ("user", "person")


@dataclass
class _Dataset:
    names: list[str]
    where: Location
    record: dict[str, Any] | None
    fallback: dict[str, Any]
    physical: list[str] = field(default_factory=list)  # "namespace/name", as OpenLineage lists aliases
    fill_only: bool = False  # the record describes the dataset only if no one has yet
    derived: list[str] = field(default_factory=list)  # the ids of its physical names


@dataclass
class SourceRecords:
    """Records of one source (`source`, e.g. `dbt:/repo/target/manifest.json`), read
    from `file` (what error messages name)."""

    source: str
    file: str
    assets: dict[str, tuple[dict[str, Any], Location]] = field(default_factory=dict)
    references: dict[str, tuple[dict[str, Any], Location]] = field(default_factory=dict)
    relations: list[tuple[str, str, str, Location]] = field(default_factory=list)
    runs: list[tuple[dict[str, Any], Location]] = field(default_factory=list)
    owners: dict[str, tuple[dict[str, Any], Location]] = field(default_factory=dict)
    _datasets: list[_Dataset] = field(default_factory=list)
    _group_of: dict[str, int] = field(default_factory=dict)

    def at(self, record: str) -> Location:
        return Location(self.file, record)

    def asset(self, record: dict[str, Any], where: str) -> str:
        """An asset this source is the system of record for; the first record of an id wins."""
        self.assets.setdefault(record["id"], (record, self.at(where)))
        return record["id"]

    def reference(self, record: dict[str, Any], where: str) -> str:
        """An asset of another source: `record` is written only if no one has it yet."""
        self.references.setdefault(record["id"], (record, self.at(where)))
        return record["id"]

    def dataset(
        self,
        names: list[PhysicalName],
        where: str,
        record: dict[str, Any] | None = None,
        *,
        extra_ids: tuple[str, ...] = (),
        fill_only: bool = False,
    ) -> str:
        """A dataset known by physical `names` (the preferred first) and `extra_ids`
        (other ids it is known by, e.g. a dbt unique id); `record` (without id) when this
        source describes it - with `fill_only`, only when the graph does not hold the
        dataset yet (a catalog entry naming a table dbt owns). Returns a key that
        `finish` replaces by the final id."""
        ids = [dataset_id(n) for n in names] + list(extra_ids)
        ids = list(dict.fromkeys(ids))
        first_ns, first_name = names[0] if names else ("", ids[0])
        fallback = {"id": ids[0], "kind": "dataset", "name": first_name, "namespace": first_ns or None}
        physical = [f"{ns}/{name}" for ns, name in names]
        joined = {self._group_of[i] for i in ids if i in self._group_of}
        derived = [dataset_id(n) for n in names]
        if not joined:
            self._datasets.append(
                _Dataset(ids, self.at(where), record, fallback, physical, fill_only, derived)
            )
            index = len(self._datasets) - 1
        else:  # the same dataset named again (or a name shared with another): one group
            index = min(joined)
            group = self._datasets[index]
            for other in sorted(joined - {index}):
                merged = self._datasets[other]
                group.names += [n for n in merged.names if n not in group.names]
                group.record = group.record or merged.record
                group.physical += [n for n in merged.physical if n not in group.physical]
                group.derived += [n for n in merged.derived if n not in group.derived]
                for n in merged.names:
                    self._group_of[n] = index
            group.names += [n for n in ids if n not in group.names]
            group.physical += [n for n in physical if n not in group.physical]
            group.derived += [n for n in derived if n not in group.derived]
            if group.record is None and record is not None:
                group.record, group.where = record, self.at(where)
        for i in ids:
            self._group_of[i] = index
        return ids[0]

    def relate(self, frm: str, rtype: str, to: str, where: str) -> None:
        self.relations.append((frm, rtype, to, self.at(where)))

    def run(self, record: dict[str, Any], where: str) -> None:
        self.runs.append((record, self.at(where)))

    def owner(self, raw: str, where: str, kind: str | None = None, email: str | None = None) -> str:
        """The owner id for `raw` ("group:default/ml-platform", "user:ana", an email,
        a team name), declared with this source if the graph does not know it."""
        owner_id, record = owner_record(raw, kind, email)
        self.owners.setdefault(owner_id, (record, self.at(where)))
        return owner_id

    def finish(self, graph: Graph | None) -> Batch:
        """The Batch, with dataset ids resolved against `graph` (None: an empty graph)."""
        identities = Identities(graph)
        wanted = {n for d in self._datasets for n in d.names} | self.references.keys()
        wanted |= self.owners.keys()
        identities.look_up(wanted)
        owners_known = _owners_in(graph, set(self.owners))
        final: dict[str, str] = {}
        batch = Batch(files=[self.file], source=self.source, references_assert=True)
        for group in self._datasets:
            existing = next(filter(None, map(identities.existing, group.names)), None)
            chosen = _canonical(group.names, group.derived, existing, identities.assets)
            if existing is not None and chosen != existing:
                batch.rekeys[existing] = chosen  # the graph's asset takes it, with its history
            for n in group.names:
                final[n] = chosen
            if group.record is not None and not (group.fill_only and existing):
                # its other physical names in props.aliases, as OpenLineage events record
                # them (so that an event naming the asset by one of them changes nothing)
                others = sorted(n for n in group.physical if f"dataset:{n}" != written_form(chosen))
                props = {**(group.record.get("props") or {})}
                if others:
                    props["aliases"] = sorted(set(props.get("aliases") or ()) | set(others))
                batch.assets.append(({**group.record, "id": chosen, "props": props}, group.where))
            elif existing is None and chosen not in self.assets:
                batch.assets.append(({**group.fallback, "id": chosen}, group.where))
            for n in group.names:
                if n != chosen and n not in identities.assets and identities.aliases.get(n, chosen) == chosen:
                    batch.aliases.append(({"id": n, "asset": chosen}, group.where))
        for record, where in self.assets.values():
            batch.assets.append((record, where))
        for asset_id, (record, where) in self.references.items():
            if asset_id not in identities.assets and asset_id not in self.assets and asset_id not in final:
                batch.assets.append((record, where))
        for owner_id, (record, where) in self.owners.items():
            if owner_id not in owners_known:
                batch.owners.append((record, where))
        seen: set[tuple[str, str, str]] = set()
        for frm, rtype, to, where in self.relations:
            key = (final.get(frm, frm), final.get(to, to), rtype)
            if key[0] == key[1] or key in seen:
                continue
            seen.add(key)
            batch.relations.append(
                ({"from": key[0], "to": key[1], "type": rtype, "source": self.source}, where)
            )
        for record, where in self.runs:
            batch.runs.append(
                (
                    {
                        **record,
                        "inputs": sorted({final.get(i, i) for i in record.get("inputs", ())}),
                        "outputs": sorted({final.get(i, i) for i in record.get("outputs", ())}),
                    },
                    where,
                )
            )
        return batch


def owner_record(raw: str, kind: str | None = None, email: str | None = None) -> tuple[str, dict[str, Any]]:
    """(owner id, owner record) for an owner as systems write them.

    `group:`/`team:` and `user:`/`person:` prefixes (Backstage entity references, with
    an optional `namespace/`) say the kind; an email is a person; else `kind`, else a
    team. Ids: a person's email, else `person-<slug>`; a team's `team-<slug>`.
    """
    text = raw.strip()
    prefix, sep, rest = text.partition(":")
    if sep and prefix.lower() in TEAM_PREFIXES + PERSON_PREFIXES and "@" not in prefix:
        kind = "team" if prefix.lower() in TEAM_PREFIXES else "person"
        text = rest.rpartition("/")[2].strip() or rest.strip()
    if "@" in text and " " not in text:
        kind, email = "person", email or text
    kind = kind or "team"
    if kind == "person" and email:
        owner_id = email.lower()
    else:
        slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"
        owner_id = slug if slug.startswith(f"{kind}-") else f"{kind}-{slug}"
    record = {"id": owner_id, "kind": kind, "name": text}
    if email:
        record["email"] = email
    return owner_id, record


def _canonical(names: list[str], derived: list[str], existing: str | None, in_graph: set[str]) -> str:
    """The id of a dataset known by `names` (`derived`: those of its physical names),
    which the graph may hold as `existing`
    (mlg.lifecycle.identity.canonical): an id the graph holds that no system derived from
    a physical name (a manifest's declared id) stays; else the least of the ids derived
    from physical names (`dataset:<namespace>/<name>`), the graph's among them, so that
    the order the systems arrived in does not matter. A derived id the graph already
    holds apart from `existing` is not taken (that would merge two assets)."""
    if existing is not None:
        parts = split_qualified(existing)
        if parts is None or parts[0] != "dataset":
            return existing
    candidates = [n for n in derived if n not in in_graph] + ([existing] if existing is not None else [])
    return min(candidates) if candidates else names[0]


def _owners_in(graph: Graph | None, ids: set[str]) -> set[str]:
    if graph is None or not ids:
        return set()
    return graph.store.owner_ids(sorted(ids))
