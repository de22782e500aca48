"""OpenLineage throughput: events per second through file ingest and through the receiver.

    python benchmarks/bench_openlineage.py --events 5000
    python benchmarks/bench_openlineage.py --events 20000 --clients 8 --batch-size 1000

Events are a synthetic but realistic stream: `--jobs` Airflow-like jobs, each run a
START and a COMPLETE event (every tenth run FAILs) naming 2 inputs and 1 output with
schema, ownership and symlink facets; datasets are shared between jobs.

- file ingest: one NDJSON file through `Graph.ingest` (one transaction), into a fresh
  graph; then the same file again (nothing changes: the idempotent path);
- receiver: `LineageReceiver` on a free loopback port; `--clients` threads post the
  events one per request over keep-alive sessions, as the OpenLineage HTTP transport
  does. "accepted" is when the last 201 came back (every event checked and fsync'ed
  into the spool); "applied" is when the spool is empty (every event in the graph).

Speed is measured here, never asserted in tests (DESIGN §7).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import mlg

PRODUCER = "https://github.com/apache/airflow/tree/providers-openlineage/1.12.0"
SCHEMA_URL = "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"


def make_events(n: int, jobs: int) -> list[dict]:
    events = []
    runs = n // 2
    for i in range(runs):
        job = i % jobs
        run_id = str(uuid.UUID(int=i + 1))
        day, minute = divmod(i, 1440)
        start = f"2024-{1 + day // 28 % 12:02d}-{1 + day % 28:02d}T{minute // 60:02d}:{minute % 60:02d}:00Z"
        inputs = [_dataset(f"raw.t{(job * 7 + k) % (jobs * 2)}", physical=True) for k in (0, 1)]
        outputs = [_dataset(f"curated.t{job}")]
        facets = {"jobType": {"processingType": "BATCH", "integration": "AIRFLOW", "jobType": "TASK"}}
        for event_type, time_ in (
            ("START", start),
            ("FAIL" if i % 10 == 9 else "COMPLETE", start.replace(":00Z", ":30Z")),
        ):
            run_facets = (
                {"errorMessage": {"message": "boom", "programmingLanguage": "python"}}
                if event_type == "FAIL"
                else {}
            )
            events.append(
                {
                    "eventType": event_type,
                    "eventTime": time_,
                    "producer": PRODUCER,
                    "schemaURL": SCHEMA_URL,
                    "run": {"runId": run_id, "facets": run_facets},
                    "job": {
                        "namespace": "airflow://bench",
                        "name": f"dag{job // 10}.task{job}",
                        "facets": facets,
                    },
                    "inputs": inputs,
                    "outputs": outputs,
                }
            )
    return events


def _dataset(name: str, physical: bool = False) -> dict:
    facets = {
        "schema": {"fields": [{"name": f"c{k}", "type": "string"} for k in range(8)]},
        "ownership": {"owners": [{"name": "team:data-platform", "type": "MAINTAINER"}]},
    }
    if physical:
        facets["symlinks"] = {
            "identifiers": [{"namespace": "hive://metastore", "name": name, "type": "TABLE"}]
        }
        return {"namespace": "s3a://lake", "name": "warehouse/" + name.replace(".", "/"), "facets": facets}
    return {"namespace": "hive://metastore", "name": name, "facets": facets}


def bench_file(events: list[dict], workdir: Path) -> dict:
    path = workdir / "events.ndjson"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    db = workdir / "file.kuzu"
    with mlg.open(db) as graph:
        t0 = time.perf_counter()
        report = graph.ingest(path)
        first = time.perf_counter() - t0
        t0 = time.perf_counter()
        again = graph.ingest(path)
        second = time.perf_counter() - t0
        assets = graph.stats().assets
    assert not again.changed
    return {
        "events": len(events),
        "seconds": first,
        "events_per_s": len(events) / first,
        "again_seconds": second,
        "again_events_per_s": len(events) / second,
        "assets": assets,
        "runs": report.runs_added,
    }


def bench_receiver(events: list[dict], workdir: Path, clients: int, batch_size: int) -> dict:
    import requests

    from mlg.openlineage.receiver import LineageReceiver

    db = workdir / "rx.kuzu"
    rx = LineageReceiver(db, port=0, batch_size=batch_size)
    rx.start()
    bodies = [json.dumps(e).encode() for e in events]
    errors: list[str] = []

    def client(part: list[bytes]) -> None:
        session = requests.Session()
        for body in part:
            response = session.post(
                rx.url, data=body, timeout=30, headers={"Content-Type": "application/json"}
            )
            if response.status_code != 201:
                errors.append(response.text)

    # each client sends whole runs in order, like one pipeline would
    parts = [bodies[i::clients] for i in range(clients)]
    threads = [threading.Thread(target=client, args=(p,)) for p in parts]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    accepted = time.perf_counter() - t0
    ok = rx.wait_until_applied(timeout=3600)
    applied = time.perf_counter() - t0
    rx.stop()
    assert ok and not errors, errors[:3]
    with mlg.open(db, read_only=True) as graph:
        runs = graph.store.count("MATCH (r:Run) RETURN count(*)")
    return {
        "events": len(events),
        "clients": clients,
        "batch_size": batch_size,
        "accepted_seconds": accepted,
        "accepted_events_per_s": len(events) / accepted,
        "applied_seconds": applied,
        "applied_events_per_s": len(events) / applied,
        "runs": runs,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--events", type=int, default=5000)
    parser.add_argument("--jobs", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)

    events = make_events(args.events, args.jobs)
    workdir = Path(tempfile.mkdtemp(prefix="mlg-bench-ol-"))
    try:
        file = bench_file(events, workdir)
        rx = bench_receiver(events, workdir, args.clients, args.batch_size)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        print(json.dumps({"file": file, "receiver": rx}, indent=2))
        return 0
    print(f"{len(events)} events, {args.jobs} jobs, {file['assets']} assets, {file['runs']} runs")
    print(
        f"file ingest      {file['seconds']:7.2f} s  {file['events_per_s']:8.0f} events/s "
        f"(again, unchanged: {file['again_seconds']:.2f} s, "
        f"{file['again_events_per_s']:.0f} events/s)"
    )
    print(
        f"receiver accept  {rx['accepted_seconds']:7.2f} s  {rx['accepted_events_per_s']:8.0f} "
        f"events/s  ({args.clients} HTTP clients, checked + fsync'ed to the spool)"
    )
    print(
        f"receiver applied {rx['applied_seconds']:7.2f} s  {rx['applied_events_per_s']:8.0f} "
        f"events/s  (in the graph, batches of up to {args.batch_size})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
