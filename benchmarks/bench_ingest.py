"""Ingest benchmark: generate a synthetic estate and ingest it into a fresh graph.

    python benchmarks/bench_ingest.py --assets 100000
    python benchmarks/bench_ingest.py --assets 1000000 --db /tmp/estate-1m.kuzu

Times, on one fresh graph:

- generation: `mlg.synthetic.synthetic_estate` (records, Batch and landmarks);
- validation: `mlg.validation.validate`, as called by `Graph.ingest_batch`;
- write: the rest of `ingest_batch` (building the rows and Arrow tables, then each Kuzu
  statement of the one transaction, then COMMIT), split with the progress callback;
- ingest_batch total: the whole real `Graph.ingest_batch` call.

`--profile validation|write|ingest` runs cProfile over that part and prints the top
functions. Speed is measured here, never asserted in tests (DESIGN §7).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import pstats
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

import mlg
import mlg.validation
from mlg.synthetic import synthetic_estate


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assets", type=int, default=100_000, help="estate size (100000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--edges-per-asset", type=float, default=3.0)
    parser.add_argument(
        "--db",
        type=Path,
        default=None,
        help="graph path; must not exist yet (default: a temporary dir, removed afterwards)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary graph")
    parser.add_argument(
        "--gc-off",
        action="store_true",
        help="pause Python's cyclic GC during ingest_batch (to measure its cost)",
    )
    parser.add_argument(
        "--profile",
        choices=("validation", "write", "ingest"),
        help="cProfile that part and print the top functions",
    )
    parser.add_argument(
        "--closures", action="store_true", help="also count the landmarks' closures in memory (not timed)"
    )
    args = parser.parse_args(argv)

    tmp = None
    if args.db is None:
        tmp = Path(tempfile.mkdtemp(prefix="mlg-bench-"))
        db = tmp / "graph.kuzu"
    else:
        db = args.db
        if db.exists():
            parser.error(f"{db} exists; the benchmark ingests into a fresh graph")

    try:
        return run(args, db)
    finally:
        if tmp is not None and not args.keep:
            shutil.rmtree(tmp, ignore_errors=True)
        elif tmp is not None:
            print(f"graph kept at {db}")


def run(args: argparse.Namespace, db: Path) -> int:
    rows: list[tuple[str, float, str]] = []

    t0 = time.perf_counter()
    estate = synthetic_estate(args.assets, args.seed, args.edges_per_asset)
    rows.append(
        (
            "generation",
            time.perf_counter() - t0,
            f"{len(estate.batch.assets):,} assets, {len(estate.batch.relations):,} "
            f"relations, {len(estate.batch.owners):,} owners",
        )
    )
    batch = estate.batch
    lm = estate.landmarks

    # Time the real ingest_batch: validate() is wrapped, the writer's stages come from
    # its progress callback.
    events: list[tuple[str, float]] = []
    validation_time = [0.0]
    real_validate = mlg.validation.validate
    profiler = cProfile.Profile() if args.profile else None

    def timed_validate(*a, **kw):
        if args.profile == "validation":
            profiler.enable()
        start = time.perf_counter()
        try:
            return real_validate(*a, **kw)
        finally:
            validation_time[0] = time.perf_counter() - start
            events.append(("validated", time.perf_counter()))
            if args.profile == "validation":
                profiler.disable()
            elif args.profile == "write":
                profiler.enable()

    def progress(stage: str, done: int, total: int) -> None:
        events.append((stage, time.perf_counter()))

    mlg.validation.validate = timed_validate
    try:
        with mlg.open(db) as graph:
            if args.gc_off:
                gc.disable()
            if args.profile == "ingest":
                profiler.enable()
            t0 = time.perf_counter()
            report = graph.ingest_batch(batch, progress=progress)
            total = time.perf_counter() - t0
            if profiler is not None:
                profiler.disable()
            gc.enable()
            stats = graph.stats()
    finally:
        mlg.validation.validate = real_validate

    rows.append(("validation", validation_time[0], "mlg.validation.validate"))
    rows.extend(_write_stages(events, report))
    rows.append(("write total", total - validation_time[0], "everything after validation"))
    rows.append(("ingest_batch total", total, f"{args.assets / total:,.0f} assets/s"))

    print(
        f"\nmlg ingest benchmark: {args.assets:,} assets, seed {args.seed}, "
        f"edges/asset {args.edges_per_asset}, GC {'paused' if args.gc_off else 'on'}"
    )
    print(f"graph: {db}")
    width = max(len(r[0]) for r in rows)
    print(f"\n{'phase':<{width}}  {'seconds':>8}  notes")
    print(f"{'-' * width}  {'-' * 8}  {'-' * 40}")
    for name, seconds, note in rows:
        print(f"{name:<{width}}  {seconds:8.2f}  {note}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024
    print(f"\npeak RSS {peak:.1f} GB; graph on disk {_size(db) / 1e9:.2f} GB")
    print(
        f"written: {report.assets_added:,} assets, {report.relations_added:,} relations, "
        f"{report.owners_added:,} owners, {report.ownerships_added:,} ownerships"
    )
    print(
        f"graph stats: {stats.assets:,} assets, "
        f"{sum(stats.relations_by_type.values()):,} relations, "
        f"{stats.unowned_assets:,} unowned"
    )

    print("\nlandmarks:")
    print(f"  hub dataset      {lm.hub_dataset}")
    print(f"  typical model    {lm.typical_model}  (upstream {lm.typical_model_upstream:,})")
    print(f"  deep chain top   {lm.deep_chain_top}  ({lm.deep_chain_hops} hops to the bottom)")
    print(f"  deep chain bottom {lm.deep_chain_bottom}")
    if args.closures:
        t0 = time.perf_counter()
        print(
            f"  hub downstream   {estate.downstream_count(lm.hub_dataset):,} "
            f"(in-memory BFS, {time.perf_counter() - t0:.1f} s)"
        )

    if profiler is not None:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(25)
        print(f"\ncProfile of {args.profile} (sorted by own time):")
        print(out.getvalue())
    return 0


def _write_stages(events: list[tuple[str, float]], report) -> list[tuple[str, float, str]]:
    """Durations between progress events, merged by stage name, in order."""
    stages: dict[str, float] = {}
    for (stage, start), (_, end) in zip(events, events[1:], strict=False):
        if stage == "validating":
            continue  # covered by the validate() wrapper
        name = {"validated": "write: rows + Arrow tables", "committing": "write: COMMIT"}.get(
            stage, stage.replace("writing ", "write: ")
        )
        stages[name] = stages.get(name, 0.0) + (end - start)
    notes = {
        "write: assets": f"{report.assets_added:,} rows",
        "write: relations": f"{report.relations_added:,} rows",
        "write: owners": f"{report.owners_added:,} owners + {report.ownerships_added:,} ownerships",
    }
    return [(name, seconds, notes.get(name, "")) for name, seconds in stages.items()]


def _size(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size + sum(p.stat().st_size for p in path.parent.glob(path.name + ".*"))
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


if __name__ == "__main__":
    sys.exit(main())
