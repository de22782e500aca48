"""As of and diff: the graph as it was, checked against the graph as it was built.

Random sequences of syncs (two sources, content changes, edges, placeholders) and
manual retire/restore run against one real graph; after each step the test records
the graph's state then (what the inputs up to that step built). At the end every
`--as-of` answer must equal the state recorded for that moment, and every diff the
set difference of two as-of states.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlg
from mlg.batch import Batch
from mlg.lifecycle.history import state_at
from tests.store.conftest import BACKENDS

DATASETS = [f"d{i}" for i in range(4)]
MODELS = ["m0", "m1"]
KIND = {**{d: "dataset" for d in DATASETS}, **{m: "model" for m in MODELS}}
OWNERS = ["team-x", "team-y", "alice"]
OWNER_RECORDS = [
    {"id": "team-x", "kind": "team"},
    {"id": "team-y", "kind": "team"},
    {"id": "alice", "kind": "person"},
]


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@st.composite
def sync_step(draw):
    source = draw(st.sampled_from(["team-a", "team-b"]))
    ids = draw(st.lists(st.sampled_from(DATASETS + MODELS), unique=True, max_size=5))
    assets = []
    for i in ids:
        asset = {"id": i, "kind": KIND[i], "description": f"v{draw(st.integers(0, 2))}"}
        owners = draw(st.none() | st.lists(st.sampled_from(OWNERS), unique=True, max_size=2))
        if owners is not None:  # a record that lists owners replaces the asset's owners
            asset["owners"] = owners
        assets.append(asset)
    relations = []
    for i in ids:  # edges from a described asset: the other end's kind is always implied
        if KIND[i] == "model":
            targets = draw(st.lists(st.sampled_from(DATASETS), unique=True, max_size=2))
            relations += [{"from": i, "to": t, "type": "trained_on"} for t in targets]
        else:
            lower = DATASETS[: DATASETS.index(i)]  # only to lower ones: never a cycle
            if lower:
                targets = draw(st.lists(st.sampled_from(lower), unique=True, max_size=2))
                relations += [{"from": i, "to": t, "type": "derived_from"} for t in targets]
    return ("sync", source, assets, relations)


steps = st.lists(
    st.one_of(
        sync_step(),
        st.tuples(st.sampled_from(["retire", "restore"]), st.sampled_from(DATASETS + MODELS)),
    ),
    min_size=1,
    max_size=7,
)


def apply(g: mlg.Graph, step) -> None:
    if step[0] == "sync":
        _, source, assets, relations = step
        batch = Batch.from_records(assets=assets, owners=OWNER_RECORDS, relations=relations, source=source)
        g.ingest_batch(batch, sync=True)
    elif g.get(step[1]) is not None:
        (g.retire if step[0] == "retire" else g.restore)(step[1])


def comparable(state):
    assets, edges = state
    return {
        k: {f: v for f, v in row.items() if f not in ("created_at", "updated_at")}
        for k, row in assets.items()
    }, set(edges)


def lineage_ids(g: mlg.Graph, root: str, **view) -> tuple | None:
    """The lineage of `root` (its assets, and the owners the answer shows), None when it
    is not alive (today: retired; as of a date: not alive then, which `lineage` answers
    with AssetNotFound)."""
    try:
        sub = g.lineage(root, "both", **view)
    except mlg.AssetNotFound:
        return None
    if sub.assets[0].retired:
        return None
    owners = {a: tuple((o.id, o.role) for o in found) for a, found in sub.owners.items() if found}
    return set(sub.ids), owners


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=steps)
def test_as_of_equals_the_graph_as_it_was_built(backend, request, tmp_path_factory, steps):
    path = BACKENDS[backend](request, tmp_path_factory.mktemp("history"))
    moments, states, lineages = [], [], []
    with mlg.open(path) as g:
        for step in steps:
            apply(g, step)
            time.sleep(0.002)
            moments.append(_now())
            states.append(comparable(state_at(g, _now())))
            lineages.append({r: lineage_ids(g, r) for r in DATASETS + MODELS})
            time.sleep(0.002)
        for moment, state, lineage in zip(moments, states, lineages):
            assert comparable(state_at(g, moment)) == state
            for root in DATASETS + MODELS:
                assert lineage_ids(g, root, as_of=moment) == lineage[root]
        # diff == set difference of two as-of states
        for i in range(len(moments)):
            for j in range(i, len(moments)):
                d = g.diff(moments[i], moments[j])
                (a, ae), (b, be) = states[i], states[j]
                assert {x.id for x in d.of("added")} == set(b) - set(a)
                assert {x.id for x in d.of("retired")} == set(a) - set(b)
                assert {x.id for x in d.of("changed")} == {k for k in set(a) & set(b) if a[k] != b[k]}
                # by owner: each asset's owners as they were on its side of the diff
                for x in d.assets:
                    row = (a if x.change == "retired" else b)[x.id]
                    assert set(x.owners) == {owner for owner, _ in row["owners"]}
                assert {(e.source, e.target, e.type) for e in d.edges if e.change == "added"} == be - ae
                assert {(e.source, e.target, e.type) for e in d.edges if e.change == "retired"} == ae - be


def test_as_of_equals_a_graph_rebuilt_from_the_inputs_up_to_then(backend, request, tmp_path):
    """The same check against a second graph built from the first steps only."""
    history = [
        (
            "sync",
            "team-a",
            [
                {"id": "d0", "kind": "dataset"},
                {"id": "d1", "kind": "dataset", "description": "x", "owners": ["team-x"]},
            ],
            [{"from": "d1", "to": "d0", "type": "derived_from"}],
        ),
        (
            "sync",
            "team-b",
            [{"id": "m0", "kind": "model"}],
            [{"from": "m0", "to": "d1", "type": "trained_on"}],
        ),
        (
            "sync",
            "team-a",
            [{"id": "d1", "kind": "dataset", "description": "y", "owners": ["team-y", "alice"]}],
            [],
        ),
        ("retire", "m0"),
        (
            "sync",
            "team-b",
            [{"id": "m0", "kind": "model", "owners": ["alice"]}],
            [{"from": "m0", "to": "d2", "type": "trained_on"}],
        ),
    ]

    def new_graph(name: str):
        folder = tmp_path / name
        folder.mkdir()
        return mlg.open(BACKENDS[backend](request, folder))

    with new_graph("all") as g:
        moments = []
        for step in history:
            apply(g, step)
            time.sleep(0.002)
            moments.append(_now())
        for n in range(1, len(history) + 1):
            with new_graph(f"first{n}") as rebuilt:
                for step in history[:n]:
                    apply(rebuilt, step)
                assert comparable(state_at(g, moments[n - 1])) == comparable(state_at(rebuilt, _now()))
                for root in ("d0", "d1", "d2", "m0"):
                    assert lineage_ids(g, root, as_of=moments[n - 1]) == lineage_ids(rebuilt, root)


def test_show_lineage_and_diff_from_the_cli(db_path, tmp_path):
    import json

    from click.testing import CliRunner

    from mlg.cli.main import main

    db = ["--db", str(db_path)]
    with mlg.open(db_path) as g:
        apply(
            g,
            (
                "sync",
                "team",
                [{"id": "d0", "kind": "dataset", "description": "first"}, {"id": "m0", "kind": "model"}],
                [{"from": "m0", "to": "d0", "type": "trained_on"}],
            ),
        )
        time.sleep(0.002)
        then = _now().isoformat()
        time.sleep(0.002)
        apply(g, ("sync", "team", [{"id": "d0", "kind": "dataset", "description": "second"}], []))
    run = CliRunner().invoke
    shown = json.loads(run(main, ["show", "d0", "--as-of", then, "--format", "json", *db]).output)
    assert shown["description"] == "first" and [n["id"] for n in shown["downstream"]] == ["m0"]
    assert json.loads(run(main, ["show", "d0", "--format", "json", *db]).output)["description"] == "second"
    nodes = json.loads(
        run(main, ["lineage", "d0", "--down", "--as-of", then, "--format", "json", *db]).output
    )
    assert [n["id"] for n in nodes["nodes"]] == ["d0", "m0"]
    out = run(main, ["export", "d0", "--down", "--as-of", then, "--out", str(tmp_path / "x"), *db])
    assert out.exit_code == 0 and "2 assets" in out.output
    changes = json.loads(run(main, ["diff", "--since", then, "--format", "json", *db]).output)
    assert {(a["id"], a["change"]) for a in changes["assets"]} == {("d0", "changed"), ("m0", "retired")}
    assert changes["by_source"]["team"] == {"assets changed": 1, "assets retired": 1, "edges retired": 1}
    text = run(main, ["diff", "--since", then, *db]).output
    assert "~1 changed" in text and "-1 retired" in text


def test_owners_as_they_were_in_as_of_answers_and_diff(graph):
    """An owner change (a record that lists other owners; a sync whose source no longer
    names the asset's owner) is seen as of a date, in lineage's owners and in diff."""
    team = [{"id": "team-x", "kind": "team"}, {"id": "team-y", "kind": "team"}]

    def sync(source, owners, description="d"):
        asset = {"id": "d0", "kind": "dataset", "description": description}
        if owners is not None:
            asset["owners"] = owners
        model = {"id": "m0", "kind": "model", "owners": ["team-y"]}
        batch = Batch.from_records(
            assets=[asset, model],
            owners=team,
            source=source,
            relations=[{"from": "m0", "to": "d0", "type": "trained_on"}],
        )
        graph.ingest_batch(batch, sync=True)
        time.sleep(0.002)
        moment = _now()
        time.sleep(0.002)
        return moment

    first = sync("a", ["team-x"])
    second = sync("a", ["team-y"])  # the record replaces the owners
    third = sync("a", ["team-y"], "e")  # another description, the same owners
    # source b asserts d0 too, naming no owners; then a's sync no longer has d0: d0 stays
    # (b asserts it) but its owner link, asserted by a alone, goes (the sync's path)
    graph.ingest_batch(Batch.from_records(assets=[{"id": "d0", "kind": "dataset"}], source="b"))
    time.sleep(0.002)
    fourth = _now()
    time.sleep(0.002)
    model = {"id": "m0", "kind": "model", "owners": ["team-y"]}
    graph.ingest_batch(Batch.from_records(assets=[model], owners=team, source="a"), sync=True)
    fifth = _now()

    def owners_at(moment=None):
        found = graph.viewing(as_of=moment).owners("d0") if moment else graph.owners("d0")
        return [o.id for o in found]

    assert owners_at(first) == ["team-x"]
    assert owners_at(second) == owners_at(third) == owners_at(fourth) == ["team-y"]
    assert owners_at(fifth) == owners_at() == []
    sub = graph.lineage("m0", "up", as_of=first)
    assert {a: [o.id for o in found] for a, found in sub.owners.items()} == {
        "d0": ["team-x"],
        "m0": ["team-y"],
    }
    assert [o.id for o in graph.lineage("m0", "up", as_of=second).owners["d0"]] == ["team-y"]
    assert "d0" not in graph.lineage("d0", "up", as_of=fifth).owners
    d = graph.diff(first, second)
    assert [(x.id, x.change, x.fields, x.owners) for x in d.assets] == [
        ("d0", "changed", ("owners",), ("team-y",))
    ]
    assert d.by_owner() == {"team-y": {"changed": 1}}
    assert [(x.id, x.fields, x.owners) for x in graph.diff(second, third).assets] == [
        ("d0", ("description",), ("team-y",))
    ]
    later = graph.diff(fourth, fifth)
    assert [(x.id, x.change, x.owners) for x in later.assets] == [("d0", "changed", ())]
    assert "owners" in later.assets[0].fields
    assert state_at(graph, fourth)[0]["d0"]["owners"] == (("team-y", "owner"),)
    assert state_at(graph, fifth)[0]["d0"]["owners"] == ()
