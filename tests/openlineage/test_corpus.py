"""The corpus of the integrations' published events (tests/openlineage/corpus, see its
PROVENANCE.md): one graph whatever the order and split; cycles, MERGEs, symlinks,
versions and DAG → task structure as a data engineer expects."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

import mlg
from mlg.openlineage import ingest_events
from tests.openlineage.test_order import dump

CORPUS = Path(__file__).resolve().parent / "corpus"
SKIPPED = 4  # events, with nine problems between them: see PROVENANCE.md


def corpus() -> list[dict]:
    return [
        json.loads(line) for path in sorted(CORPUS.glob("*.ndjson")) for line in path.read_text().splitlines()
    ]


@pytest.fixture(scope="module")
def in_one_call(tmp_path_factory):
    path = tmp_path_factory.mktemp("corpus") / "g.kuzu"
    with mlg.open(path) as g:
        report = ingest_events(g, corpus(), skip_invalid=True)
        assert len({p.record for p in report.skipped}) == SKIPPED
        assert report.events == len(corpus()) - SKIPPED
        expected = dump(g)
    return path, expected


def test_the_corpus_is_small_and_has_its_provenance():
    assert sum(p.stat().st_size for p in CORPUS.iterdir()) < 2_000_000
    text = (CORPUS / "PROVENANCE.md").read_text()
    assert "8f02abfb7a252783b95df79f443edb13959bf52c" in text and "Apache License 2.0" in text
    assert len(corpus()) == 377


@pytest.mark.parametrize("seed", [1, 2])
def test_any_order_and_split_gives_one_graph(in_one_call, tmp_path, seed):
    events = corpus()
    random.Random(seed).shuffle(events)
    cuts = sorted(random.Random(seed).sample(range(1, len(events)), 3))
    with mlg.open(tmp_path / "g.kuzu") as g:
        for a, b in zip([0, *cuts], [*cuts, len(events)]):
            ingest_events(g, events[a:b], skip_invalid=True)
        assert dump(g) == in_one_call[1]


def test_what_a_data_engineer_expects(in_one_call):
    with mlg.open(in_one_call[0], read_only=True) as g:
        # a Delta MERGE INTO reads and writes its table: both edges, and a cycle
        merge = "workflow:default/deltaMergeCommandVerification"
        # namespace file:/tmp/delta, name default.events: written as people write it
        events = g.resolve("file:/tmp/delta/default.events").id
        assert events == "dataset:file:%2Ftmp%2Fdelta/default.events"
        edges = {(e.source, e.target, e.type) for e in g.lineage(merge, depth=1).relations}
        assert {(merge, events, "reads"), (events, merge, "produced_by")} <= edges
        cycles = g.reuse_report().cycles
        assert (events, merge) in cycles
        assert any("workflow:delta-namespace/pysparkDeltaMergeInto" in c for c in cycles)
        # Spark's physical path with a TABLE symlink is the table
        assert g.resolve("dataset:file//tmp/delta/events").id == events
        # runs keep the versions they read and wrote
        used = {
            (u.direction, u.version)
            for u in g.dataset_runs("dataset:file:/tmp/delta/default.versioned_input_table")
        }
        assert used == {("input", "3")}
        assert ("output", "2") in {(u.direction, u.version) for u in g.dataset_runs(events)}
        # the dbt run lists its models, seeds, snapshot and tests; a model its dbt run
        dbt = "workflow:dbt-test-namespace/dbt-run-jaffle_shop"
        parts = [n.asset for n in g.neighbours(dbt, "down") if n.type == "part_of"]
        kinds = {a.kind for a in parts}
        assert len(parts) == 20 and kinds == {"workflow", "evaluation"}
        model = "workflow:dbt-test-namespace/model.jaffle_shop.stg_orders"
        assert [n.asset.id for n in g.neighbours(model, "up") if n.type == "part_of"] == [dbt]
        # statement jobs folded into their models; tests check the datasets they read
        assert not g.store.rows("MATCH (a:Asset) WHERE a.id CONTAINS '.sql.' RETURN a.id")
        test = "evaluation:dbt-test-namespace/test.jaffle_shop.not_null_stg_orders_order_id.81cfe2fe64"
        checked = [n.asset.id for n in g.neighbours(test, "up") if n.type == "evaluated_on"]
        assert checked == ["dataset:postgres://postgres:5432/postgres.public.stg_orders"]
        (run,) = g.runs(test)
        assert (
            run.facets["io"][checked[0]]["dataQualityAssertions"]["assertions"][0]["assertion"] == "not_null"
        )
