"""A synthetic ML estate of any size, shaped like a real platform, for benchmarks and tests.

    from mlg.synthetic import synthetic_estate, synthetic_batch

    estate = synthetic_estate(1_000_000, seed=0)   # records + landmarks + closure helpers
    graph.ingest_batch(estate.batch)
    estate.landmarks.hub_dataset                   # ids worth querying in a benchmark

    batch = synthetic_batch(2_000, seed=1)         # just the Batch

Everything is deterministic for a given ``(n_assets, seed, edges_per_asset)``: the same
arguments give the same ids, records and relations, in the same order.

Shape of the estate (all edges point from the dependent to what it depends on, and every
edge points from a newly created asset to one created before it, so the graph is acyclic
by construction):

- a platform layer of raw **source datasets** (no upstream). The first few are **hubs**
  that many groups import, so they have a very large downstream (hub 0, seed 0: 41,990
  assets downstream at 100k, 330,860 at 1M);
- a few **deep chains** of datasets (41, 51, ... nodes, each ``derived_from`` the previous
  one and nothing else, so the shortest path from top to bottom is longer than Kuzu's
  30-hop default); some groups import a chain top, so their models have deep lineage;
- **groups** of up to 1,000 assets, each one team's project in one domain, built in layers:
  landing datasets (``derived_from`` an imported source, hub, chain top or a dataset
  published by a data group) → derived datasets (short chains) → features → model
  families of 2–4 versions (``based_on`` the previous version) → evaluations and
  prediction datasets → services (``serves``, ``calls``) → experiments (``tests``).
  Workflows are interleaved: each ``reads`` what exists so far and later assets are
  ``produced_by`` it. The first 30 % of groups are data groups; the others may import
  the datasets those publish, which keeps a typical model's upstream near 1,000 assets;
- owners: teams and people, about one per 200 assets; about 8 % of assets are unowned.

Kinds come in roughly these shares: 29 % datasets, 31 % features, 10 % models,
10 % evaluations, 9 % workflows, 5 % services, 6 % experiments; with the default
``edges_per_asset=3.0`` there are about three relations per asset, of all 12 types.
"""

from __future__ import annotations

import gc
import json
import os
import random
from array import array
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from mlg.batch import Batch

MIN_ASSETS = 200
SOURCE = "synthetic"

DOMAINS = (
    "ads",
    "search",
    "recs",
    "payments",
    "fraud",
    "growth",
    "maps",
    "messaging",
    "pricing",
    "supply",
    "support",
    "risk",
    "content",
    "identity",
    "logistics",
    "marketing",
)
_DATA_STEMS = (
    "events",
    "clicks",
    "sessions",
    "orders",
    "payments",
    "users",
    "impressions",
    "searches",
    "ratings",
    "transactions",
    "devices",
    "catalog",
    "inventory",
    "shipments",
    "messages",
    "logs",
    "accounts",
    "merchants",
    "reviews",
    "visits",
)
_DATA_SUFFIXES = (
    "daily",
    "hourly",
    "clean",
    "agg",
    "joined",
    "dedup",
    "sampled",
    "enriched",
    "sessionized",
    "windowed",
    "filtered",
    "labeled",
)
_FEATURE_STEMS = (
    "ctr_7d",
    "spend_30d",
    "recency",
    "frequency",
    "embedding",
    "geo_bucket",
    "device_type",
    "price_ratio",
    "session_len",
    "dwell_time",
    "txn_velocity",
    "account_age",
    "query_len",
    "item_pop",
    "user_affinity",
    "hour_of_day",
)
_MODEL_STEMS = (
    "ranker",
    "ctr",
    "churn",
    "fraud-score",
    "ltv",
    "eta",
    "pricing",
    "recsys",
    "intent",
    "toxicity",
    "forecast",
    "matching",
    "embedder",
    "classifier",
)
_SERVICE_STEMS = (
    "api",
    "scorer",
    "gateway",
    "ranking-svc",
    "feature-svc",
    "inference",
    "router",
    "decision-svc",
)
_WORKFLOW_STEMS = {"etl": "etl", "feat": "feature-pipeline", "train": "training", "score": "batch-scoring"}
_TAG_SETS = (
    (),
    ("gold",),
    ("silver",),
    ("bronze",),
    ("pii",),
    ("pii", "gdpr"),
    ("realtime",),
    ("batch",),
    ("critical",),
    ("experimental",),
    ("deprecated",),
    ("gold", "critical"),
    ("batch", "silver"),
    ("realtime", "critical"),
    ("pii", "gold", "gdpr"),
    (),
)
_FIRST = (
    "ana",
    "ben",
    "chen",
    "dara",
    "eli",
    "fatima",
    "gita",
    "hugo",
    "ines",
    "jon",
    "kai",
    "lena",
    "mo",
    "nia",
    "omar",
    "priya",
    "quinn",
    "ravi",
    "sara",
    "tom",
)
_LAST = (
    "ng",
    "silva",
    "kumar",
    "smith",
    "garcia",
    "müller",
    "rossi",
    "khan",
    "tanaka",
    "okafor",
    "novak",
    "haddad",
    "berg",
    "costa",
    "ivanova",
    "li",
)
_FORMATS = ("parquet", "delta", "iceberg", "avro", "csv")
_FRAMEWORKS = ("xgboost", "pytorch", "lightgbm", "sklearn", "tensorflow", "jax")

# Hubs: the probability that a group's first landing dataset imports hub 0, 1, ...
_HUB_WEIGHTS = (0.25, 0.12, 0.07, 0.04, 0.03)
# Kind shares inside a group (sources and deep chains are datasets on top of these).
_GROUP_SHARES = (
    ("dataset", 0.28),
    ("feature", 0.32),
    ("model", 0.10),
    ("evaluation", 0.10),
    ("workflow", 0.09),
    ("service", 0.05),
    ("experiment", 0.06),
)
_DATA_GROUP_FRACTION = 0.30
# Calibration of edges_per_asset: at the default means the estate has about this many
# mandatory and optional relations per asset; optional means are scaled to hit the target.
_MANDATORY_PER_ASSET = 1.73
_OPTIONAL_PER_ASSET = 0.76


@dataclass(frozen=True)
class Landmarks:
    """Asset ids worth querying in a benchmark, chosen while generating.

    - ``hub_dataset``: hub 0, the source dataset groups import most often, so the one
      with the largest downstream in practice (about a third of the estate);
      ``hub_datasets`` lists all hubs, most often imported first.
    - ``typical_model``: the latest version of a model family whose upstream size is the
      median of a sample of such models; ``typical_model_upstream`` is that size
      (assets reachable upstream, the model itself excluded): 1,013 at 100k and 1,308
      at 1M assets (seed 0).
    - ``deep_chain_top``/``deep_chain_bottom``: the two ends of the longest deep chain.
      The top depends on the bottom through exactly ``deep_chain_hops`` (>= 40)
      ``derived_from`` hops and by no shorter path, so lineage from the top is deeper
      than Kuzu's 30-hop default.
    """

    hub_dataset: str
    hub_datasets: tuple[str, ...]
    typical_model: str
    typical_model_upstream: int
    deep_chain_top: str
    deep_chain_bottom: str
    deep_chain_hops: int


@dataclass
class SyntheticEstate:
    """A generated estate: the ingestable ``batch``, its ``landmarks`` and closure helpers."""

    n_assets: int
    seed: int
    batch: Batch
    landmarks: Landmarks
    _ids: list[str] = field(repr=False)
    _offsets: array = field(repr=False)  # edges of asset i: _dst[_offsets[i]:_offsets[i+1]]
    _dst: array = field(repr=False)
    _index: dict[str, int] | None = field(default=None, repr=False)
    _reverse: tuple[array, array] | None = field(default=None, repr=False)

    @property
    def n_relations(self) -> int:
        return len(self._dst)

    def upstream_count(self, asset_id: str) -> int:
        """How many assets `asset_id` depends on, directly or not (a plain BFS in memory)."""
        return _bfs_count(self._position(asset_id), self._offsets, self._dst)

    def downstream_count(self, asset_id: str) -> int:
        """How many assets depend on `asset_id`, directly or not.

        The first call builds a reverse index of all relations (about 2 s at 3M edges).
        """
        if self._reverse is None:
            self._reverse = _reverse_csr(len(self._ids), self._offsets, self._dst)
        offsets, sources = self._reverse
        return _bfs_count(self._position(asset_id), offsets, sources)

    def _position(self, asset_id: str) -> int:
        if self._index is None:
            self._index = {a: i for i, a in enumerate(self._ids)}
        return self._index[asset_id]


def synthetic_batch(n_assets: int, seed: int = 0, edges_per_asset: float = 3.0) -> Batch:
    """A Batch of `n_assets` synthetic assets, their owners and relations (see module doc)."""
    return synthetic_estate(n_assets, seed, edges_per_asset).batch


def synthetic_landmarks(n_assets: int, seed: int = 0, edges_per_asset: float = 3.0) -> Landmarks:
    """The landmarks of the estate `synthetic_batch` builds with the same arguments.

    This generates the estate again (about as costly as `synthetic_batch`); when you need
    both, call `synthetic_estate` once and use `.batch` and `.landmarks`.
    """
    return synthetic_estate(n_assets, seed, edges_per_asset).landmarks


def synthetic_estate(n_assets: int, seed: int = 0, edges_per_asset: float = 3.0) -> SyntheticEstate:
    """Generate the estate: records (as a Batch), landmark ids and closure helpers."""
    if n_assets < MIN_ASSETS:
        raise ValueError(f"n_assets must be at least {MIN_ASSETS}, got {n_assets}")
    if edges_per_asset < _MANDATORY_PER_ASSET:
        raise ValueError(f"edges_per_asset must be at least {_MANDATORY_PER_ASSET}")
    # Millions of new dicts and lists would trigger the cyclic GC over and over, each pass
    # walking the whole growing heap (1M assets: ~49 s with it, ~16 s without). The
    # records hold no reference cycles, so pausing it loses nothing.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _Generator(n_assets, seed, edges_per_asset).run()
    finally:
        if was_enabled:
            gc.enable()


# -- generation ---------------------------------------------------------------------------


def _bfs_count(start: int, offsets: array, targets: array) -> int:
    seen = {start}
    queue = deque([start])
    while queue:
        v = queue.popleft()
        for w in targets[offsets[v] : offsets[v + 1]]:
            if w not in seen:
                seen.add(w)
                queue.append(w)
    return len(seen) - 1


def _reverse_csr(n: int, offsets: array, dst: array) -> tuple[array, array]:
    counts = [0] * (n + 1)
    for d in dst:
        counts[d + 1] += 1
    for i in range(n):
        counts[i + 1] += counts[i]
    rev_offsets = array("q", counts)
    fill = counts[:-1]
    sources = array("q", bytes(8 * len(dst)))
    for s in range(n):
        for d in dst[offsets[s] : offsets[s + 1]]:
            sources[fill[d]] = s
            fill[d] += 1
    return rev_offsets, sources


class _Generator:
    def __init__(self, n: int, seed: int, edges_per_asset: float):
        self.n = n
        self.seed = seed
        self.rnd = random.Random(seed)
        self.r = self.rnd.random
        self.optional_scale = max(0.0, (edges_per_asset - _MANDATORY_PER_ASSET) / _OPTIONAL_PER_ASSET)
        self.ids: list[str] = []
        self.assets: list[dict[str, Any]] = []
        self.relations: list[dict[str, Any]] = []
        self.offsets: list[int] = []
        self.dst: list[int] = []

    # -- primitives --------------------------------------------------------------------

    def pick(self, seq):
        return seq[int(self.r() * len(seq))]

    def optional(self, mean: float) -> int:
        """A count of optional relations with the given mean (scaled by edges_per_asset)."""
        m = mean * self.optional_scale
        k = int(m)
        return k + (self.r() < m - k)

    def distinct(self, pool: list[int], k: int) -> list[int]:
        if k >= len(pool):
            return list(pool)
        if k == 1:
            return [pool[int(self.r() * len(pool))]]
        chosen: dict[int, None] = {}
        r, size = self.r, len(pool)
        while len(chosen) < k:
            chosen[pool[int(r() * size)]] = None
        return list(chosen)

    def add(
        self,
        kind: str,
        asset_id: str,
        name: str,
        domain: str,
        namespace: str,
        family: str | None,
        version: str | None,
        description: str,
        props: dict[str, Any],
        owners: list[str] | None,
    ) -> int:
        i = len(self.ids)
        self.ids.append(asset_id)
        self.offsets.append(len(self.dst))
        record = {
            "id": asset_id,
            "kind": kind,
            "name": name,
            "namespace": namespace,
            "family": family,
            "version": version,
            "description": description,
            "domain": domain,
            "tags": list(_TAG_SETS[int(self.r() * len(_TAG_SETS))]),
            "props": props,
        }
        if owners is not None:
            record["owners"] = owners
        self.assets.append(record)
        return i

    def edge(self, i: int, j: int, rtype: str) -> None:
        ids = self.ids
        self.relations.append({"from": ids[i], "to": ids[j], "type": rtype, "source": SOURCE})
        self.dst.append(j)

    def owners_for(self, team: str, people: tuple[str, ...]) -> list[str] | None:
        u = self.r()
        if u < 0.08:
            return None
        if u < 0.68:
            return [team]
        person = people[int(self.r() * len(people))]
        return [team, person] if u < 0.9 else [person]

    # -- the estate --------------------------------------------------------------------

    def run(self) -> SyntheticEstate:
        n, r = self.n, self.r
        self.make_owners()

        # platform layer: source datasets (the first ones are the hubs)
        n_sources = max(10, n // 2000)
        platform = self.teams[0]
        self.sources: list[int] = []
        for k in range(n_sources):
            stem = self.pick(_DATA_STEMS)
            domain = self.pick(DOMAINS)
            hub = k < len(_HUB_WEIGHTS)
            name = f"{stem}_raw_{k}"
            i = self.add(
                "dataset",
                f"ds-{domain}-{name}",
                name,
                domain,
                f"{domain}.raw",
                name,
                None,
                f"Raw {stem} landed from the {domain} production systems",
                {
                    "format": self.pick(_FORMATS),
                    "layer": "raw",
                    "rows": int(r() * 1e9),
                    **({"hub": True} if hub else {}),
                },
                self.owners_for(platform, self.platform_people),
            )
            self.sources.append(i)
        self.hubs = self.sources[: len(_HUB_WEIGHTS)]
        self.plain_sources = self.sources[len(_HUB_WEIGHTS) :]

        # deep chains: snapshots derived one from the other and from nothing else
        self.chains: list[tuple[int, int, int]] = []  # (bottom, top, hops)
        n_chains = 1 + n // 250_000
        for c in range(n_chains):
            length = 41 + 10 * c
            stem = self.pick(_DATA_STEMS)
            domain = self.pick(DOMAINS)
            prev = -1
            for k in range(length):
                name = f"{stem}_snapshot_c{c}_{k}"
                i = self.add(
                    "dataset",
                    f"ds-{domain}-{name}",
                    name,
                    domain,
                    f"{domain}.snapshots",
                    f"{stem}_snapshot_c{c}",
                    str(k),
                    f"Snapshot {k} of {stem}, derived from snapshot {k - 1}",
                    {"format": "delta", "layer": "snapshot"},
                    self.owners_for(platform, self.platform_people),
                )
                if prev >= 0:
                    self.edge(i, prev, "derived_from")
                else:
                    bottom = i
                prev = i
            self.chains.append((bottom, prev, length - 1))
        self.chain_tops = [top for _, top, _ in self.chains]

        # groups
        rest = n - len(self.ids)
        size = max(40, min(1000, n // 100))
        n_groups = max(2, rest // size)
        sizes = [rest // n_groups] * n_groups
        for g in range(rest - sum(sizes)):
            sizes[g] += 1
        n_data_groups = max(1, int(n_groups * _DATA_GROUP_FRACTION))
        self.published: list[int] = []
        self.core_services: list[int] = []
        self.candidate_models: list[int] = []
        for g, group_size in enumerate(sizes):
            self.make_group(
                g, group_size, data_group=g < n_data_groups, force_chain=g == n_data_groups
            )  # someone imports a deep chain
        assert len(self.ids) == n
        return self.finish()

    def make_owners(self) -> None:
        n_owners = max(4, self.n // 200)
        n_teams = max(2, n_owners // 5)
        self.owners: list[dict[str, Any]] = []
        self.teams: list[str] = []
        self.team_domain: list[str] = []
        for k in range(n_teams):
            domain = DOMAINS[k % len(DOMAINS)] if k else "platform"
            team_id = f"team-{domain}-{k}"
            self.owners.append(
                {
                    "id": team_id,
                    "kind": "team",
                    "name": f"{domain} team {k}",
                    "email": f"{domain}-{k}@example.com",
                }
            )
            self.teams.append(team_id)
            self.team_domain.append(domain if k else self.pick(DOMAINS))
        self.people: list[str] = []
        for k in range(n_owners - n_teams):
            first, last = self.pick(_FIRST), self.pick(_LAST)
            person_id = f"person-{first}-{last}-{k}"
            self.owners.append(
                {
                    "id": person_id,
                    "kind": "person",
                    "name": f"{first.title()} {last.title()}",
                    "email": f"{first}.{last}.{k}@example.com",
                }
            )
            self.people.append(person_id)
        self.platform_people = tuple(self.people[:3])

    def make_group(self, g: int, size: int, data_group: bool, force_chain: bool) -> None:
        r, add, edge, optional, distinct = self.r, self.add, self.edge, self.optional, self.distinct
        t = int(r() * len(self.teams))
        team, domain = self.teams[t], self.team_domain[t]
        people = tuple(self.pick(self.people) for _ in range(3))
        ns = f"{domain}.g{g}"
        owners_for = self.owners_for

        counts = {kind: max(1, int(share * size)) for kind, share in _GROUP_SHARES}
        counts["workflow"] = max(4, counts["workflow"])
        counts["service"] = max(2, counts["service"])
        counts["dataset"] += size - sum(counts.values())
        n_landing = max(1, counts["dataset"] // 10)
        n_pred = max(1, counts["dataset"] // 10)
        n_derived = max(1, counts["dataset"] - n_landing - n_pred)
        n_wf = counts["workflow"]
        wf_split = {"etl": n_wf * 35 // 100, "feat": n_wf * 25 // 100, "train": n_wf * 20 // 100}
        wf_split = {k: max(1, v) for k, v in wf_split.items()}
        wf_split["score"] = max(1, n_wf - sum(wf_split.values()))
        n_derived += counts["workflow"] - sum(wf_split.values())  # tiny groups: keep the size

        datasets: list[int] = []
        features: list[int] = []
        stems = {}

        dags: dict[str, int] = {}

        def workflow(stage: str, inputs: list[int], k: int) -> int:
            stem = _WORKFLOW_STEMS[stage]
            name = f"{domain}-{stem}-{g}-{k}"
            i = add(
                "workflow",
                f"wf-{name}",
                name,
                domain,
                ns,
                f"{domain}-{stem}-{g}",
                None,
                f"Airflow DAG: {stem} for {domain} project {g}",
                {"scheduler": "airflow", "schedule": "@daily" if r() < 0.7 else "@hourly"},
                owners_for(team, people),
            )
            for j in distinct(inputs, 1 + optional(1.2)):
                edge(i, j, "reads")
            # the project's later workflows are part of its first (its DAG); no random
            # draw, so the rest of the estate is the same as without the hierarchy
            dag = dags.setdefault("dag", i)
            if dag != i:
                edge(i, dag, "part_of")
            return i

        # landing datasets: imports from the platform, deep chains or data groups
        for k in range(n_landing):
            if force_chain and k == 0:
                target = self.chain_tops[-1]
            elif k == 0 or not self.published:
                # data groups import hubs less often: what they publish spreads further
                u, target, acc = r() * (4.0 if data_group else 1.0), None, 0.0
                for h, w in zip(self.hubs, _HUB_WEIGHTS, strict=True):
                    acc += w
                    if u < acc:
                        target = h
                        break
                if target is None:
                    target = self.pick(self.plain_sources)
            elif k == 1 and not data_group and r() < 0.03:
                target = self.pick(self.chain_tops)
            elif not data_group and r() < 0.35:
                target = self.pick(self.published)
            else:
                target = self.pick(self.plain_sources)
            stem = self.pick(_DATA_STEMS)
            name = f"{domain}_{stem}_landing_{len(self.ids)}"
            stems[len(self.ids)] = stem
            i = add(
                "dataset",
                f"ds-{domain}-{name}",
                name,
                domain,
                ns,
                name,
                None,
                f"{stem} landed for {domain} project {g}",
                {"format": self.pick(_FORMATS), "layer": "bronze"},
                owners_for(team, people),
            )
            edge(i, target, "derived_from")
            datasets.append(i)

        # derived datasets (short chains), with ETL workflows interleaved
        every = max(1, n_derived // wf_split["etl"])
        wf_now, made = -1, 0
        for k in range(n_derived):
            if k % every == 0 and made < wf_split["etl"]:
                wf_now = workflow("etl", datasets, made)
                made += 1
            stem = stems.get(datasets[-1]) or self.pick(_DATA_STEMS)
            name = f"{domain}_{stem}_{self.pick(_DATA_SUFFIXES)}_{len(self.ids)}"
            i = add(
                "dataset",
                f"ds-{domain}-{name}",
                name,
                domain,
                ns,
                name,
                None,
                f"{stem} data for {domain}, built by project {g}",
                {
                    "format": self.pick(_FORMATS),
                    "layer": "silver" if r() < 0.6 else "gold",
                    "partitioned_by": "ds",
                },
                owners_for(team, people),
            )
            stems[i] = stem
            parents = distinct(datasets, 1 + optional(0.35))
            if r() < 0.35 and datasets[-1] not in parents:
                parents[0] = datasets[-1]  # continue the latest chain
            for j in parents:
                edge(i, j, "derived_from")
            if r() < 0.6:
                edge(i, wf_now, "produced_by")
            datasets.append(i)
        if data_group:
            self.published.extend(datasets[-3:])  # the group's latest, gold data

        # features, with feature pipelines interleaved
        every = max(1, counts["feature"] // wf_split["feat"])
        made = 0
        for k in range(counts["feature"]):
            if k % every == 0 and made < wf_split["feat"]:
                wf_now = workflow("feat", datasets, made)
                made += 1
            stem = self.pick(_FEATURE_STEMS)
            name = f"{domain}_{stem}_{len(self.ids)}"
            i = add(
                "feature",
                f"ft-{domain}-{name}",
                name,
                domain,
                ns,
                name,
                None,
                f"{stem} feature for {domain}",
                {"dtype": "float" if r() < 0.8 else "int", "store": "online" if r() < 0.4 else "offline"},
                owners_for(team, people),
            )
            for j in distinct(datasets, 1 + optional(0.4)):
                edge(i, j, "computed_from")
            if features and r() < 0.3 * self.optional_scale:
                edge(i, self.pick(features), "derived_from")
            if r() < 0.6:
                edge(i, wf_now, "produced_by")
            features.append(i)

        # model families of 2-4 versions, with training workflows interleaved
        models: list[int] = []
        latest: list[int] = []
        n_models = counts["model"]
        every = max(1, n_models // wf_split["train"])
        made = 0
        fam = 0
        while len(models) < n_models:
            remaining = n_models - len(models)
            versions = 2 + int(r() * 3)
            if remaining <= 4:
                versions = remaining
            elif remaining - versions == 1:
                versions -= 1  # never leave a lone last version
            stem = self.pick(_MODEL_STEMS)
            family = f"{domain}-{stem}-{g}-{fam}"
            framework = self.pick(_FRAMEWORKS)
            fam += 1
            prev = -1
            for v in range(1, versions + 1):
                if len(models) // every >= made and made < wf_split["train"]:
                    wf_now = workflow("train", features + datasets[-5:], made)
                    made += 1
                i = add(
                    "model",
                    f"mdl-{family}-v{v}",
                    f"{family}-v{v}",
                    domain,
                    ns,
                    family,
                    str(v),
                    f"{stem} model v{v} for {domain}",
                    {"framework": framework, "auc": round(0.6 + 0.35 * r(), 3)},
                    owners_for(team, people),
                )
                if prev >= 0:
                    edge(i, prev, "based_on")
                    n_feat, n_data = 1 + optional(1.5), optional(0.6)
                else:
                    n_feat, n_data = 1 + optional(3.0), 1 + optional(0.4)
                if latest and r() < 0.05:
                    edge(i, self.pick(latest), "based_on")  # ensemble member / distilled
                for j in distinct(features, n_feat):
                    edge(i, j, "uses_feature")
                for j in distinct(datasets, n_data):
                    edge(i, j, "trained_on")
                if r() < 0.6:
                    edge(i, wf_now, "produced_by")
                models.append(i)
                prev = i
            latest.append(prev)
        if not data_group:
            self.candidate_models.append(latest[-1])

        # scoring workflows, evaluations and prediction datasets
        n_eval = counts["evaluation"]
        every = max(1, (n_eval + n_pred) // wf_split["score"])
        made = 0
        for k in range(n_eval + n_pred):
            if k % every == 0 and made < wf_split["score"]:
                wf_now = workflow("score", models, made)
                made += 1
            if k < n_eval:
                m = self.pick(models)
                name = f"eval-{self.ids[m][4:]}-{len(self.ids)}"
                i = add(
                    "evaluation",
                    name,
                    name,
                    domain,
                    ns,
                    f"eval-{self.ids[m][4:]}",
                    None,
                    f"Offline evaluation of {self.ids[m]}",
                    {"metric": "auc" if r() < 0.5 else "ndcg@10", "value": round(0.5 + 0.5 * r(), 3)},
                    owners_for(team, people),
                )
                edge(i, m, "evaluates")
                if r() < 0.15 * self.optional_scale:
                    other = self.pick(models)
                    if other != m:
                        edge(i, other, "evaluates")
                for j in distinct(datasets, 1 + optional(0.3)):
                    edge(i, j, "evaluated_on")
                if r() < 0.5:
                    edge(i, wf_now, "produced_by")
            else:
                name = f"{domain}_predictions_{len(self.ids)}"
                i = add(
                    "dataset",
                    f"ds-{domain}-{name}",
                    name,
                    domain,
                    ns,
                    name,
                    None,
                    f"Batch predictions written by {self.ids[wf_now]}",
                    {"format": "parquet", "layer": "gold"},
                    owners_for(team, people),
                )
                edge(i, wf_now, "produced_by")
                edge(i, self.pick(datasets), "derived_from")

        # services: serve the latest versions, call each other
        services: list[int] = []
        for k in range(counts["service"]):
            stem = self.pick(_SERVICE_STEMS)
            name = f"{domain}-{stem}-{g}-{k}"
            i = add(
                "service",
                f"svc-{name}",
                name,
                domain,
                ns,
                f"{domain}-{stem}-{g}",
                None,
                f"Production {stem} of {domain} project {g}",
                {"tier": 1 + int(r() * 3), "region": "eu" if r() < 0.5 else "us"},
                owners_for(team, people),
            )
            for j in distinct(latest, 1 + optional(0.3)):
                edge(i, j, "serves")
            if services:
                for j in distinct(services, 1 + optional(0.2)):
                    edge(i, j, "calls")
                if self.core_services and r() < 0.3:
                    edge(i, self.pick(self.core_services), "calls")
            services.append(i)
        self.core_services.append(services[0])  # calls nothing outside its group

        # experiments: A/B tests of models and services
        targets = latest + services
        for k in range(counts["experiment"]):
            name = f"{domain}-ab-{g}-{k}"
            i = add(
                "experiment",
                f"exp-{name}",
                name,
                domain,
                ns,
                f"{domain}-ab-{g}",
                None,
                f"A/B test {k} of {domain} project {g}",
                {"traffic": round(0.01 + 0.2 * r(), 3), "status": "running" if r() < 0.3 else "concluded"},
                owners_for(team, people),
            )
            for j in distinct(targets, 1 + optional(0.5)):
                edge(i, j, "tests")

    def finish(self) -> SyntheticEstate:
        landmarks, offsets, dst = self.landmarks()
        batch = Batch.from_records(
            assets=self.assets, owners=self.owners, relations=self.relations, source=SOURCE
        )
        return SyntheticEstate(self.n, self.seed, batch, landmarks, self.ids, offsets, dst)

    def models(self) -> list[int]:
        return [i for i, a in enumerate(self.assets) if a["kind"] == "model"]

    def landmarks(self) -> tuple[Landmarks, array, array]:
        self.offsets.append(len(self.dst))
        offsets = array("q", self.offsets)
        dst = array("q", self.dst)

        # the typical model: the median upstream among a sample of latest versions
        candidates = self.candidate_models or self.models()
        sample = sorted(set(self.distinct(candidates, 15)))
        sized = sorted((_bfs_count(m, offsets, dst), m) for m in sample)
        upstream, typical = sized[len(sized) // 2]
        bottom, top, hops = max(self.chains, key=lambda c: c[2])
        ids = self.ids
        landmarks = Landmarks(
            hub_dataset=ids[self.hubs[0]],
            hub_datasets=tuple(ids[h] for h in self.hubs),
            typical_model=ids[typical],
            typical_model_upstream=upstream,
            deep_chain_top=ids[top],
            deep_chain_bottom=ids[bottom],
            deep_chain_hops=hops,
        )
        return landmarks, offsets, dst


class _FileGenerator(_Generator):
    """The generator, writing its records to an mlg records NDJSON file as it goes
    (mlg.manifest.ndjson_chunks), `every` records at a time: only the ids and the edge
    skeleton (for the landmarks) stay in memory."""

    def __init__(self, n: int, seed: int, edges_per_asset: float, out, every: int):
        super().__init__(n, seed, edges_per_asset)
        self.out, self.every, self.model_ids = out, every, []
        self.out.write(json.dumps({"source": SOURCE}) + "\n")

    def make_owners(self) -> None:
        super().make_owners()
        self.out.writelines(json.dumps({"owner": o}) + "\n" for o in self.owners)

    def add(self, kind: str, *args: Any) -> int:
        i = super().add(kind, *args)
        if kind == "model":
            self.model_ids.append(i)
        if len(self.assets) >= self.every:
            self.flush()
        return i

    def edge(self, i: int, j: int, rtype: str) -> None:
        super().edge(i, j, rtype)
        if len(self.relations) >= self.every:
            self.flush()

    def flush(self) -> None:
        self.out.writelines(json.dumps({"asset": a}) + "\n" for a in self.assets)
        self.out.writelines(json.dumps({"relation": r}) + "\n" for r in self.relations)
        self.assets.clear()
        self.relations.clear()

    def models(self) -> list[int]:
        return self.model_ids

    def finish(self) -> Landmarks:  # type: ignore[override]
        self.flush()
        return self.landmarks()[0]


def write_estate(
    path: str | os.PathLike[str],
    n_assets: int,
    seed: int = 0,
    edges_per_asset: float = 3.0,
    every: int = 50_000,
) -> Landmarks:
    """Write the estate `synthetic_estate` generates (the same records) to the mlg
    records NDJSON file `path` (name it `*.mlg.ndjson`; `mlg ingest` and `Graph.ingest`
    read it in chunks), writing `every` records at a time, so that a big estate is never
    in memory: what stays is its ids and edge skeleton. Returns its landmarks."""
    if n_assets < MIN_ASSETS:
        raise ValueError(f"n_assets must be at least {MIN_ASSETS}, got {n_assets}")
    if edges_per_asset < _MANDATORY_PER_ASSET:
        raise ValueError(f"edges_per_asset must be at least {_MANDATORY_PER_ASSET}")
    was_enabled = gc.isenabled()
    gc.disable()  # as in synthetic_estate
    try:
        with open(path, "w", encoding="utf-8") as out:
            return _FileGenerator(n_assets, seed, edges_per_asset, out, every).run()
    finally:
        if was_enabled:
            gc.enable()
