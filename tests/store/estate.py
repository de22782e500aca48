"""A small estate whose every answer is known by hand, for the contract suite.

raw (deprecated, team-data) <- clean (team-data) <- f (team-ml) <- m@1 (tier-1)
clean <- m@1, m@2 (versions of one family "m"; alice is m@2's reviewer)
other <- m@2 ;  m@1 <- svc (service) ;  m@2 <- ev (evaluation)
a chain of 40 datasets: c00 <- c01 <- ... <- c40 (deeper than Kuzu's default 30)
etl (workflow) with two runs r1 (older), r2 (newer): r2 read clean and wrote out
"""

from __future__ import annotations

from datetime import datetime

from mlg.batch import Batch, Location
from mlg.ingest import StoreLookup
from mlg.validation import validate

OWNERS = [
    {"id": "team-data", "kind": "team", "name": "Data"},
    {"id": "team-ml", "kind": "team", "name": "ML"},
    {"id": "alice", "kind": "person", "name": "Alice", "email": "alice@example.com"},
]
CHAIN = 40
ASSETS = [
    {"id": "dataset:raw", "kind": "dataset", "name": "raw", "tags": ["deprecated"], "owners": ["team-data"]},
    {
        "id": "dataset:clean",
        "kind": "dataset",
        "name": "clean",
        "description": "cleaned events",
        "owners": ["team-data"],
        "derived_from": ["dataset:raw"],
    },
    {"id": "dataset:other", "kind": "dataset", "name": "other"},
    {"id": "dataset:out", "kind": "dataset", "name": "out", "produced_by": ["workflow:etl"]},
    {"id": "workflow:etl", "kind": "workflow", "name": "etl"},
    {
        "id": "feature:f",
        "kind": "feature",
        "name": "f",
        "owners": ["team-ml"],
        "computed_from": ["dataset:clean"],
    },
    {
        "id": "model:m@1",
        "kind": "model",
        "name": "m",
        "family": "m",
        "version": "1",
        "tags": ["tier-1"],
        "owners": ["team-ml"],
        "trained_on": ["dataset:clean"],
        "uses_feature": ["feature:f"],
    },
    {
        "id": "model:m@2",
        "kind": "model",
        "name": "m",
        "family": "m",
        "version": "2",
        "owners": ["team-ml", {"id": "alice", "role": "reviewer"}],
        "trained_on": ["dataset:clean", "dataset:other"],
    },
    {"id": "service:svc", "kind": "service", "name": "svc", "serves": ["model:m@1"]},
    {"id": "evaluation:ev", "kind": "evaluation", "name": "ev", "evaluates": ["model:m@2"]},
    {"id": "dataset:c00", "kind": "dataset", "name": "c00"},
    *(
        {
            "id": f"dataset:c{i:02}",
            "kind": "dataset",
            "name": f"c{i:02}",
            "derived_from": [f"dataset:c{i - 1:02}"],
        }
        for i in range(1, CHAIN + 1)
    ),
]
RUNS = [
    {
        "id": "r1",
        "workflow": "workflow:etl",
        "state": "COMPLETE",
        "started_at": datetime(2024, 5, 1, 12, 0),
        "ended_at": datetime(2024, 5, 1, 12, 5),
        "last_event_at": datetime(2024, 5, 1, 12, 5),
        "inputs": ["dataset:clean"],
        "outputs": [],
    },
    {
        "id": "r2",
        "workflow": "workflow:etl",
        "state": "FAIL",
        "started_at": datetime(2024, 5, 2, 12, 0),
        "ended_at": datetime(2024, 5, 2, 12, 5),
        "last_event_at": datetime(2024, 5, 2, 12, 5),
        "error": "boom",
        "inputs": ["dataset:clean"],
        "outputs": ["dataset:out"],
    },
]
ALIASES = [{"id": "dataset:s3://b/clean", "asset": "dataset:clean"}]


def batch(assets=ASSETS, owners=OWNERS, runs=RUNS, aliases=ALIASES) -> Batch:
    b = Batch.from_records(assets=list(assets), owners=list(owners))
    b.runs = [(r, Location("<runs>", f"runs[{i}]")) for i, r in enumerate(runs)]
    b.aliases = [(a, Location("<aliases>", f"aliases[{i}]")) for i, a in enumerate(aliases)]
    return b


def write(store, b: Batch | None = None):
    """Validate `b` (default: the estate) against `store` and write it; the outcome."""
    return store.write_plan(validate(b or batch(), StoreLookup(store)))
