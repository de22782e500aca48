"""Search-as-you-type benchmark: every keystroke of 1–3 word queries, p50 and p99.

    python benchmarks/bench_search.py --db /tmp/mlg-bench/estate-1000000-seed0.kuzu
    python benchmarks/bench_search.py --db GRAPH --phrases 80 --seed 1 --limit 51

Phrases are drawn from the graph's own assets (seeded): one word (a part of a name),
two words (two parts of one name, or a part and a word of its description), three
words (two parts and a word of the description), and a share with a typo (a letter
dropped or two swapped). Each phrase is typed one character at a time, as the
explorer's search box sends it (`Graph.search(text, limit=51)`: 50 shown, one more to
know there are more); every keystroke from the second character on is one timed call.
Before timing, the index is brought up to date and one warm-up pass runs.

Speed is measured here, never asserted in tests (DESIGN §7). Note the load average:
on the shared 2-core machine another process can double any figure.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import time
from pathlib import Path

import mlg
from mlg.search.index import index_for


def loadavg() -> str:
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def phrases(graph: mlg.Graph, n: int, seed: int) -> list[tuple[str, str]]:
    """(kind of phrase, text) drawn from random assets of the graph."""
    rng = random.Random(seed)
    total = graph.store.count("MATCH (a:Asset) RETURN count(*)")
    picks = graph.store.rows(
        "MATCH (a:Asset) WITH a, offset(id(a)) AS o WHERE o IN $offsets "
        "RETURN a.name AS name, a.description AS d ORDER BY o",
        {"offsets": rng.sample(range(total), min(total, n * 3))},
    )
    out: list[tuple[str, str]] = []
    for row in picks:
        parts = [p for p in re.split(r"[^a-z]+", (row["name"] or "").lower()) if len(p) >= 3]
        words = [w for w in re.split(r"[^a-z]+", (row["d"] or "").lower()) if len(w) >= 4]
        if not parts:
            continue
        shape = len(out) % 4
        if shape == 0:
            out.append(("1 word", rng.choice(parts)))
        elif shape == 1 and (len(parts) > 1 or words):
            second = rng.choice(parts[1:]) if len(parts) > 1 else rng.choice(words)
            out.append(("2 words", f"{parts[0]} {second}"))
        elif shape == 2 and words:
            out.append(("3 words", f"{parts[0]} {rng.choice(parts)} {rng.choice(words)}"))
        else:
            word = max(parts, key=len)
            i = rng.randrange(1, len(word) - 1)
            typo = (
                word[:i] + word[i + 1 :]
                if rng.random() < 0.5
                else word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
            )
            out.append(("typo", typo))
        if len(out) >= n:
            break
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a graph (e.g. one bench_queries.py built)")
    parser.add_argument("--phrases", type=int, default=60)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=51)
    args = parser.parse_args(argv)

    print(f"search-as-you-type on {args.db}; load average {loadavg()}", flush=True)
    with mlg.open(args.db, read_only=True) as graph:
        t0 = time.perf_counter()
        index_for(graph)
        print(f"index ready in {time.perf_counter() - t0:.1f} s", flush=True)
        typed = phrases(graph, args.phrases, args.seed)
        keystrokes = [(shape, text[:i]) for shape, text in typed for i in range(2, len(text) + 1)]
        for _, text in keystrokes:  # warm-up: page cache, vocabulary
            graph.search(text, limit=args.limit)
        times: dict[str, list[float]] = {}
        for shape, text in keystrokes:
            t0 = time.perf_counter()
            graph.search(text, limit=args.limit)
            times.setdefault(shape, []).append(time.perf_counter() - t0)
        times["all"] = [t for shape in list(times) for t in times[shape]]
    print(f"{len(typed)} phrases, {len(keystrokes)} keystrokes; load average after {loadavg()}\n")
    print("| queries | keystrokes | p50 ms | p90 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|")
    for shape in ("1 word", "2 words", "3 words", "typo", "all"):
        values = sorted(times.get(shape, []))
        if not values:
            continue
        q = statistics.quantiles(values, n=100, method="inclusive")
        print(
            f"| {shape} | {len(values)} | {q[49] * 1000:.1f} | {q[89] * 1000:.1f} | "
            f"{q[98] * 1000:.1f} | {values[-1] * 1000:.1f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
