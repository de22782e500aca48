"""Wrote graph.kuzu.xz (and its search index graph.kuzu.search.xz): an mlg graph at
schema 4, with the ids OpenLineage events got before schema 5 (`dataset:<namespace>/<name>`,
nothing escaped). It ran once, with the mlg of commit 0f58283 (schema 4), to make the
graph tests/openlineage/test_ids.py upgrades; that test also runs it with today's mlg
(and the manifest naming today's ids) for the graph the upgrade must equal.

    python tests/openlineage/schema4/make_graph.py /tmp/graph.kuzu
    xz -9 -k /tmp/graph.kuzu /tmp/graph.kuzu.search
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import mlg
from mlg.openlineage import ingest_events

HERE = Path(__file__).parent
SPARK = "https://github.com/OpenLineage/OpenLineage/tree/1.22.0/integration/spark"
DBT = "https://github.com/OpenLineage/OpenLineage/tree/1.22.0/integration/dbt"


def main(target: str, manifest: Path = HERE / "manifest.yaml") -> None:
    events = [json.loads(line) for line in (HERE / "events.jsonl").read_text().splitlines() if line]
    with mlg.open(target) as g:
        ingest_events(g, events[:3])
        ingest_events(g, events[3:])  # a newer description: a kept earlier version
        g.ingest([str(manifest)])
        g.retire("dataset:s3://lake/tmp/scratch/part-0", reason="scratch output")
        g.store.execute("CHECKPOINT")


if __name__ == "__main__":
    main(sys.argv[1])
