"""Does history slow today's queries? Lineage on a graph with many re-syncs against the
same estate loaded once (issue 15).

    python benchmarks/bench_history.py --assets 100000 --days 10

Builds two graphs from one synthetic estate, both loaded by a sync of source "estate":
`fresh` (loaded once) and `synced` (then re-synced once a "day": each day changes the
description of --churn of the assets and drops --drop of them, which retires them and
their edges; dropped assets come back a few days later, so assets are retired and
revived and their versions pile up in AssetHistory). Then times, on both, the
landmark questions of bench_queries.py (median of --runs): the upstream of a typical
model, the downstream of the hub dataset, the deep chain; and on `synced` the same
questions as of the first day. Prints the load average with the figures.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from pathlib import Path

import mlg
from mlg.batch import Batch
from mlg.synthetic import synthetic_estate


def load(path: Path, batch: Batch) -> float:
    start = time.perf_counter()
    with mlg.open(path) as g:
        g.ingest_batch(batch, sync=True)
    return time.perf_counter() - start


def day_batch(base: Batch, day: int, churn: float, drop: float, rnd: random.Random, away: dict) -> Batch:
    """The estate's records as they are on `day`: some descriptions changed, some assets
    dropped (away until a later day)."""
    ids = [r["id"] for r, _ in base.assets]
    for asset_id in rnd.sample(ids, int(len(ids) * drop)):
        away.setdefault(asset_id, day + rnd.randint(2, 5))
    gone = {i for i, back in away.items() if back > day}
    changed = set(rnd.sample(ids, int(len(ids) * churn)))
    assets = []
    for record, loc in base.assets:
        if record["id"] in gone:
            continue
        if record["id"] in changed:
            record = {**record, "description": f"{record.get('description') or ''} (day {day})"}
        inline = {
            k: [t for t in v if t not in gone]
            for k, v in record.items()
            if isinstance(v, list) and k != "tags"
        }
        assets.append(({**record, **inline}, loc))
    relations = [(r, loc) for r, loc in base.relations if r["from"] not in gone and r["to"] not in gone]
    return Batch(
        assets=assets, owners=list(base.owners), relations=relations, files=["estate"], source="estate"
    )


def timed(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=10)
    parser.add_argument("--churn", type=float, default=0.01, help="share of assets changed a day")
    parser.add_argument("--drop", type=float, default=0.005, help="share of assets dropped a day")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", default=None, help="where the graphs go (default: a temporary folder)")
    args = parser.parse_args()

    estate = synthetic_estate(args.assets, seed=0)
    base = estate.batch
    base.source = "estate"
    lm = estate.landmarks
    folder = Path(args.dir or tempfile.mkdtemp(prefix="mlg-history-"))
    fresh, synced = folder / "fresh.kuzu", folder / "synced.kuzu"
    print(f"{args.assets} assets; loading twice into {folder}")
    print(f"  fresh:  {load(fresh, base):.1f} s")
    print(f"  synced: {load(synced, base):.1f} s, then {args.days} daily re-syncs")
    day0 = None
    rnd, away = random.Random(0), {}
    with mlg.open(synced) as g:
        time.sleep(0.01)
        day0 = time.time()
        for day in range(1, args.days + 1):
            batch = day_batch(base, day, args.churn, args.drop, rnd, away)
            start = time.perf_counter()
            report = g.ingest_batch(batch, sync=True)
            took = time.perf_counter() - start
            print(
                f"    day {day:3}: {took:5.1f} s  +{report.assets_added} ~{report.assets_updated} "
                f"-{report.assets_retired} retired, {report.assets_revived} revived, "
                f"-{report.relations_retired} edges"
            )
        counts = g.query(
            "MATCH (h:AssetHistory) WITH count(*) AS versions "
            "MATCH ()-[e:RETIRED_DEPENDS_ON]->() RETURN versions, count(e) AS retired_edges"
        )
        versions, retired = int(counts["versions"][0]), int(counts["retired_edges"][0])
        print(f"  history: {versions} past versions, {retired} retired edges")

    from datetime import UTC, datetime

    as_of = datetime.fromtimestamp(day0, UTC).replace(tzinfo=None)
    questions = [
        ("upstream typical model", lambda g, **kw: g.upstream(lm.typical_model, **kw)),
        ("downstream hub", lambda g, **kw: g.downstream(lm.hub_dataset, **kw)),
        ("upstream deep chain top", lambda g, **kw: g.upstream(lm.deep_chain_top, **kw)),
    ]
    print(f"\nload average {open('/proc/loadavg').read().split()[:3]} (median of {args.runs} runs)")
    print(f"{'question':28} {'fresh':>9} {'synced':>9} {'synced as of day 0':>20}  assets")
    with mlg.open(fresh, read_only=True) as f, mlg.open(synced, read_only=True) as s:
        for name, ask in questions:
            ask(f), ask(s)  # warm
            a = timed(lambda ask=ask: ask(f), args.runs)
            b = timed(lambda ask=ask: ask(s), args.runs)
            c = timed(lambda ask=ask: ask(s, as_of=as_of), max(1, args.runs // 2))
            sizes = f"{len(ask(f).assets)} / {len(ask(s).assets)} / {len(ask(s, as_of=as_of).assets)}"
            print(f"{name:28} {a * 1000:7.0f} ms {b * 1000:7.0f} ms {c * 1000:18.0f} ms  {sizes}")
    print(f"\nload average {open('/proc/loadavg').read().split()[:3]}")
    if not args.dir:
        print(f"(graphs left in {folder}; remove with rm -r)")


if __name__ == "__main__":
    main()
