"""Does a year of history slow today's queries? (issue 15)

    python benchmarks/bench_history_year.py --assets 100000 --days 365

Generates the synthetic estate as a year of daily re-syncs by its teams
(benchmarks/history_year.py says the rates), syncs them into one graph (timing each
day), then loads today's estate once into a fresh graph (no history), and times on
both: the upstream of the typical model, the downstream and impact of the hub dataset,
the deep chain and search; on the synced graph also as of the first day and of mid-year.
Prints the load average with the figures. At >= 300k assets run it under
`flock /work/coord/bench.lock`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import mlg
from mlg.synthetic import synthetic_estate

sys.path.insert(0, str(Path(__file__).parent))
from history_year import Rates, TeamEstate  # noqa: E402

WORDS = ("revenue", "churn", "fraud", "visits", "ranker", "daily", "embeddings", "search", "clicks", "orders")


def load() -> str:
    return " ".join(open("/proc/loadavg").read().split()[:3])


def timed(fn, runs: int) -> float:
    fn()  # warm
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sync_year(synced: Path, teams: TeamEstate, days: int) -> dict[int, datetime]:
    """Load the estate by a sync of every team, then re-sync `days` days; the moment
    after each day's write."""
    moments: dict[int, datetime] = {}
    with mlg.open(synced) as g:
        start = time.perf_counter()
        g.ingest_batch(teams.initial(), sync=True)
        print(f"  day   0: {time.perf_counter() - start:6.1f} s (load {load()})", flush=True)
        moments[0] = datetime.now(UTC).replace(tzinfo=None)
        took, totals = [], dict(changed=0, dropped=0, added=0, rewired=0)
        for day, batch, counts in teams.days(days):
            start = time.perf_counter()
            report = g.ingest_batch(batch, sync=True)
            took.append(time.perf_counter() - start)
            totals = {k: totals[k] + v for k, v in counts.items()}
            moments[day] = datetime.now(UTC).replace(tzinfo=None)
            if day % 10 == 0 or day == days or day < 4:
                print(
                    f"  day {day:3}: {took[-1]:6.1f} s  +{report.assets_added} ~{report.assets_updated} "
                    f"-{report.assets_retired} assets, +{report.relations_added} "
                    f"-{report.relations_retired} edges (load {load()})",
                    flush=True,
                )
        counts = g.query(
            "MATCH (h:AssetHistory) WITH count(*) AS versions "
            "MATCH ()-[e:RETIRED_DEPENDS_ON]->() WITH versions, count(e) AS retired_edges "
            "MATCH (a:Asset) RETURN versions, retired_edges, count(a) AS assets, "
            "sum(CASE WHEN a.valid_to = timestamp('9999-12-31') THEN 1 ELSE 0 END) AS alive"
        )
        row = {k: int(v[0]) for k, v in counts.items()}
    print(
        f"  a sync: median {statistics.median(took):.1f} s, max {max(took):.1f} s, "
        f"total {sum(took) / 60:.1f} min"
    )
    print(f"  the year's changes: {totals}")
    print(
        f"  history: {row['versions']} past versions, {row['retired_edges']} retired edges; "
        f"{row['alive']} of {row['assets']} assets alive"
    )
    return moments


def write_moments(path: Path) -> dict[int, datetime]:
    """The moment after each write of a synced graph (day n: the n-th distinct
    valid_from any asset version carries), for a graph built by an earlier run."""
    with mlg.open(path, read_only=True) as g:
        rows = g.query(
            "MATCH (a:Asset) RETURN DISTINCT a.valid_from AS t UNION "
            "MATCH (h:AssetHistory) RETURN DISTINCT h.valid_from AS t"
        )
    stamps = sorted(set(rows["t"]))
    return {day: t + timedelta(milliseconds=1) for day, t in enumerate(stamps)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--teams", type=int, default=50)
    parser.add_argument("--per-day", type=int, default=5, help="teams whose manifest changes a day")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default=None, help="where the graphs go (default: a temporary folder)")
    args = parser.parse_args()

    estate = synthetic_estate(args.assets, seed=0)
    lm = estate.landmarks
    keep = frozenset({lm.typical_model, lm.hub_dataset, lm.deep_chain_top})
    teams = TeamEstate(estate.batch, args.teams, args.per_day, Rates(), keep=keep)
    folder = Path(args.dir or tempfile.mkdtemp(prefix="mlg-year-"))
    folder.mkdir(parents=True, exist_ok=True)
    synced, fresh = folder / "synced.kuzu", folder / "fresh.kuzu"
    print(f"{args.assets} assets, {args.teams} teams, {args.per_day} changed a day, {args.days} days")
    print(f"  in {folder}")
    if synced.exists():
        print("  reusing the synced graph (its days replayed in memory, writing nothing)")
        for _ in teams.days(args.days):
            pass
        moments = write_moments(synced)
    else:
        moments = sync_year(synced, teams, args.days)
    if not fresh.exists():
        start = time.perf_counter()
        with mlg.open(fresh) as g:
            g.ingest_batch(teams.today(), sync=True)
        print(f"  today's estate loaded fresh: {time.perf_counter() - start:.1f} s")

    mid = moments[args.days // 2]
    questions = [
        ("upstream typical model", lambda g, **kw: len(g.upstream(lm.typical_model, **kw).assets)),
        ("downstream hub", lambda g, **kw: len(g.downstream(lm.hub_dataset, **kw).assets)),
        ("impact hub", lambda g, **kw: len(g.impact(lm.hub_dataset, **kw).affected)),
        ("upstream deep chain top", lambda g, **kw: len(g.upstream(lm.deep_chain_top, **kw).assets)),
    ]
    print(f"\nload average {load()} (median of {args.runs} runs after a warm-up)")
    print(
        f"| question | fresh (no history) | synced, today | as of day 0 | as of day {args.days // 2} "
        "| answers |"
    )
    print("|---|---|---|---|---|---|")
    with mlg.open(fresh, read_only=True) as f, mlg.open(synced, read_only=True) as s:
        for name, ask in questions:
            cells, sizes = [], []
            for graph, view in ((f, {}), (s, {}), (s, {"as_of": moments[0]}), (s, {"as_of": mid})):
                took_ms = timed(lambda ask=ask, graph=graph, view=view: ask(graph, **view), args.runs) * 1000
                cells.append(f"{took_ms:,.0f} ms")
                sizes.append(f"{ask(graph, **view):,}")
            print(f"| {name} | " + " | ".join(cells) + " | " + " / ".join(sizes) + " |", flush=True)
        for graph_name, graph in (("fresh", f), ("synced", s)):
            times = []
            for word in WORDS:
                graph.search(word)
                start = time.perf_counter()
                graph.search(word)
                times.append(time.perf_counter() - start)
            median = statistics.median(times) * 1000
            print(f"search median of {len(WORDS)} words, {graph_name}: {median:.0f} ms")
    print(f"\nload average {load()}")


if __name__ == "__main__":
    main()
