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

`--stream` measures the chunked path instead (issue 19): `mlg.synthetic.write_estate`
writes the estate to an mlg records NDJSON file (timed, with its size), then a child
process ingests that file with `Graph.ingest_chunks` (read in chunks of `--chunk` records;
into the fresh graph that is the bulk path, mlg.store.kuzu.bulk: a transaction per chunk
into a temporary file swapped in at the end) and reports each phase's time and the peak RSS reached by its end
(`resource.getrusage`), the graph's size on disk, and lineage/impact queries on it:

    python benchmarks/bench_ingest.py --stream --assets 1000000
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import os
import pstats
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import mlg
import mlg.synthetic
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
    parser.add_argument(
        "--stream", action="store_true", help="the chunked path: file, then a child ingests it"
    )
    parser.add_argument("--chunk", type=int, default=50_000, help="records per chunk with --stream (50000)")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)  # the --stream child: ingest this file
    parser.add_argument("--landmarks", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        return child(args)

    tmp = None
    if args.db is None:
        tmp = Path(tempfile.mkdtemp(prefix="mlg-bench-"))
        db = tmp / "graph.kuzu"
    else:
        db = args.db
        if db.exists():
            parser.error(f"{db} exists; the benchmark ingests into a fresh graph")

    try:
        return stream(args, db) if args.stream else run(args, db)
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


def stream(args: argparse.Namespace, db: Path) -> int:
    """The chunked path: write the estate file here, ingest it in a child process."""
    load_before = os.getloadavg()
    estate_file = db.parent / f"estate-{args.assets}.mlg.ndjson"
    t0 = time.perf_counter()
    landmarks = mlg.synthetic.write_estate(estate_file, args.assets, args.seed, args.edges_per_asset)
    generation = time.perf_counter() - t0
    generation_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    command = [
        sys.executable,
        __file__,
        "--child",
        str(estate_file),
        "--db",
        str(db),
        "--chunk",
        str(args.chunk),
    ]
    command += ["--landmarks", json.dumps(landmarks.__dict__)]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode:
        print(done.stdout, done.stderr, file=sys.stderr)
        return done.returncode
    result = json.loads(done.stdout.strip().splitlines()[-1])
    load_after = os.getloadavg()

    print(
        f"\nmlg chunked ingest benchmark: {args.assets:,} assets, seed {args.seed}, "
        f"edges/asset {args.edges_per_asset}, chunks of {args.chunk:,} records"
    )
    print(f"load average before {_load(load_before)}, after {_load(load_after)}")
    print(
        f"\nestate file: {estate_file.stat().st_size / 1e9:.2f} GB written in {generation:.1f} s "
        f"(generator peak RSS {generation_rss:,.0f} MB)"
    )
    print(f"\n{'phase':<28}  {'seconds':>8}  {'peak RSS by its end':>20}")
    for name, seconds, rss in result["phases"]:
        print(f"{name:<28}  {seconds:8.2f}  {rss:17,.0f} MB")
    total = result["ingest"]
    print(f"{'Graph.ingest total':<28}  {total:8.2f}  ({result['records'] / total:,.0f} records/s)")
    print(f"\npeak RSS of the ingesting process: {result['peak_mb']:,.0f} MB")
    print(f"graph on disk {result['disk'] / 1e9:.2f} GB")
    print(f"report: {result['report']}")
    print("\nqueries on the graph (first call, then best of 3 in ms):")
    for name, first, best, size in result["queries"]:
        print(f"  {name:<36} {first:9.1f} {best:9.1f}  ({size:,} assets)")
    estate_file.unlink()
    return 0


def _load(load: tuple[float, float, float]) -> str:
    return " ".join(f"{x:.2f}" for x in load)


def child(args: argparse.Namespace) -> int:
    """Ingest `args.child` into `args.db`; one JSON line of phases, peak RSS and queries."""
    phases: list[list] = []
    marks: list[tuple[str, float]] = []

    def peak_mb() -> float:
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def progress(stage: str, done: int, total: int) -> None:
        if not marks or marks[-1][0] != stage:
            if marks:
                phases.append([marks[-1][0], time.perf_counter() - marks[-1][1], peak_mb()])
            marks.append((stage, time.perf_counter()))

    from mlg.manifest import ndjson_chunks

    landmarks = json.loads(args.landmarks)
    with mlg.open(args.db) as graph:
        t0 = time.perf_counter()
        report = graph.ingest_chunks(ndjson_chunks([args.child], args.chunk), progress)
        total = time.perf_counter() - t0
        if marks:
            phases.append([marks[-1][0], time.perf_counter() - marks[-1][1], peak_mb()])
        ingest_peak = peak_mb()
        queries = []
        for name, call in (
            ("upstream of the typical model", lambda: graph.upstream(landmarks["typical_model"])),
            ("downstream of the deep chain bottom", lambda: graph.downstream(landmarks["deep_chain_bottom"])),
            ("impact of the hub dataset", lambda: graph.impact(landmarks["hub_dataset"])),
        ):
            times = []
            for _ in range(4):
                start = time.perf_counter()
                answer = call()
                times.append((time.perf_counter() - start) * 1000)
            size = len(getattr(answer, "assets", ()) or ())
            queries.append([name, times[0], min(times[1:]), size])
    records = report.assets_added + report.relations_added + report.owners_added
    print(
        json.dumps(
            {
                "phases": phases,
                "ingest": total,
                "records": records,
                "peak_mb": ingest_peak,
                "disk": _size(args.db),
                "report": str(report),
                "queries": queries,
            }
        )
    )
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
