"""A synthetic estate as a year of daily re-syncs by its teams (issue 15's history benchmark).

The estate of `mlg.synthetic.synthetic_estate` is split among `teams` sources (an asset
belongs to team crc32(id) mod teams, a relation to its `from` asset's team), each the
manifest a team re-syncs daily. On a day, `per_day` teams (chosen at random) publish a
changed manifest; the others re-sync an unchanged one, which is a no-op (tested:
re-running a sync changes nothing), so only the changed manifests are written, all in
one `ingest_batch(sync=True)` of those sources. In a changed manifest:

- `changed` of its assets get a new description (a new version of each, kept in history),
- `dropped` of its assets vanish (retired, with their edges),
- `added` new assets appear (copies of one of its assets, with that asset's relations),
- `rewired` of its relations point at another asset (the old edge retired, a new one).

With the defaults (50 teams, 5 a day; 2% / 0.5% / 0.5% / 1%) a day changes 0.2% of the
estate's assets, retires 0.05%, adds 0.05% and rewires 0.1% of the relations; a year
keeps ~0.7 past versions per asset and retires ~20% of the assets once present.
"""

from __future__ import annotations

import random
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field

from mlg.batch import Batch, Location


@dataclass
class Rates:
    """What a changed manifest changes (shares of its assets or relations)."""

    changed: float = 0.02
    dropped: float = 0.005
    added: float = 0.005
    rewired: float = 0.01


@dataclass
class TeamEstate:
    """The estate split among teams; `day` mutates it and returns the day's batch."""

    base: Batch
    teams: int = 50
    per_day: int = 5
    rates: Rates = field(default_factory=Rates)
    seed: int = 0
    keep: frozenset[str] = frozenset()  # never dropped (the benchmark's landmarks)
    assets: dict[str, dict[str, dict]] = field(init=False)  # team -> id -> record
    relations: dict[str, list[dict]] = field(init=False)  # team -> relations
    # (relation type, kind of its `from` end) -> its `to` ends: where a rewired one may point
    targets: dict[tuple[str, str], list[str]] = field(init=False)

    def __post_init__(self) -> None:
        self.rnd = random.Random(self.seed)
        self.assets = {self.team(i): {} for i in range(self.teams)}
        self.relations = {self.team(i): [] for i in range(self.teams)}
        self.kinds = {}
        for record, _ in self.base.assets:
            self.kinds[record["id"]] = record["kind"]
            self.assets[self.team_of(record["id"])][record["id"]] = dict(record)
        self.targets = {}
        for relation, _ in self.base.relations:
            self.relations[self.team_of(relation["from"])].append(dict(relation))
            key = (relation["type"], self.kinds[relation["from"]])
            self.targets.setdefault(key, []).append(relation["to"])

    def team(self, i: int) -> str:
        return f"team-manifest-{i:03}"

    def team_of(self, asset_id: str) -> str:
        return self.team(zlib.crc32(asset_id.encode()) % self.teams)

    def batch(self, teams: list[str]) -> Batch:
        """The current manifests of `teams`, as one batch speaking for each of them."""
        assets, relations = [], []
        for team in teams:
            assets += [(r, Location(team, f"assets[{i}]")) for i, r in enumerate(self.assets[team].values())]
            relations += [(r, Location(team, f"relations[{i}]")) for i, r in enumerate(self.relations[team])]
        owners = [(r, Location(teams[0], f"owners[{i}]")) for i, (r, _) in enumerate(self.base.owners)]
        return Batch(
            assets=assets,
            owners=owners,
            relations=relations,
            files=list(teams),
            file_sources={t: t for t in teams},
        )

    def initial(self) -> Batch:
        return self.batch([self.team(i) for i in range(self.teams)])

    def today(self) -> Batch:
        """Every team's manifest as it is now, without the relations to assets no team
        holds any more (the synced graph keeps those edges retired): today's estate,
        loaded once into a graph without history."""
        alive = {i for records in self.assets.values() for i in records}
        batch = self.initial()
        batch.relations = [(r, loc) for r, loc in batch.relations if r["to"] in alive]
        return batch

    def day(self, n: int) -> tuple[Batch, dict[str, int]]:
        """Day `n`'s changed manifests and what changed in them."""
        rnd, rates = self.rnd, self.rates
        teams = sorted(rnd.sample(list(self.assets), self.per_day))
        counts = dict(changed=0, dropped=0, added=0, rewired=0)
        for team in teams:
            records = self.assets[team]
            ids = list(records)
            for asset_id in rnd.sample(ids, _share(len(ids), rates.changed, rnd)):
                record = records[asset_id]
                records[asset_id] = {**record, "description": f"{record.get('description') or ''} (day {n})"}
                counts["changed"] += 1
            dropped = set(rnd.sample(ids, _share(len(ids), rates.dropped, rnd))) - self.keep
            for asset_id in dropped:
                del records[asset_id]
            counts["dropped"] += len(dropped)
            kept = [r for r in self.relations[team] if r["from"] not in dropped]
            for i, model in enumerate(rnd.sample(list(records), _share(len(records), rates.added, rnd))):
                new_id = f"{model}-d{n}n{i}"
                name = f"{records[model]['name']}_d{n}n{i}"
                records[new_id] = {**records[model], "id": new_id, "name": name}
                self.kinds[new_id] = self.kinds[model]
                kept += [{**r, "from": new_id} for r in self.relations[team] if r["from"] == model]
                counts["added"] += 1
            for i in rnd.sample(range(len(kept)), _share(len(kept), rates.rewired, rnd)):
                relation = kept[i]
                target = rnd.choice(self.targets[(relation["type"], self.kinds[relation["from"]])])
                if target != relation["from"]:
                    kept[i] = {**relation, "to": target}
                    counts["rewired"] += 1
            # one relation per (from, to, type): a rewired one may meet another
            self.relations[team] = list({(r["from"], r["to"], r["type"]): r for r in kept}.values())
        return self.batch(teams), counts

    def days(self, n: int) -> Iterator[tuple[int, Batch, dict[str, int]]]:
        for day in range(1, n + 1):
            batch, counts = self.day(day)
            yield day, batch, counts


def _share(n: int, rate: float, rnd: random.Random) -> int:
    """round(n * rate), the fraction drawn at random (so small teams change too)."""
    exact = n * rate
    return int(exact) + (rnd.random() < exact - int(exact))
