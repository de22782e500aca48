"""The storage port's contract (mlg/store/port.py), checked on every backend.

Each test opens a new, empty graph of the backend under test (tests/store/conftest.py),
writes the estate of tests/store/estate.py through the port and checks one operation's
answer against what the estate says by hand.
"""

from __future__ import annotations

import pyarrow as pa
import pytest

from mlg.errors import CypherError, GraphError, MlgError, ReadOnlyGraph
from mlg.generation import GraphState
from mlg.model import Asset, Owner
from mlg.schema import ASSET_COLUMNS
from mlg.store import backend_for, open_store, register_backend
from mlg.store.port import (
    MAX_DEPTH,
    Closure,
    CountedLevel,
    GraphStore,
    Reach,
    Resolution,
    StoredRun,
)
from tests.store import estate

SURROGATE = "dataset:\ud800"


@pytest.fixture
def full(store):
    estate.write(store)
    return store


def ids(table: pa.Table, column: str = "id") -> set[str]:
    return set(table.column(column).to_pylist())


def edge_set(table: pa.Table) -> set[tuple[str, str, str]]:
    return set(zip(*(table.column(c).to_pylist() for c in ("source", "target", "type"))))


# -- the store itself ---------------------------------------------------------------------


def test_a_store_is_a_graph_store_and_names_its_graph(store, target):
    assert isinstance(store, GraphStore)
    assert store.read_only is False
    assert str(target).rstrip("/").endswith(store.location.rsplit("/", 1)[-1])
    assert store.schema_version >= 3
    assert store.is_empty()


def test_what_is_written_is_there_after_reopening(target):
    s = open_store(target)
    estate.write(s)
    s.close()
    s.close()  # idempotent
    with pytest.raises(MlgError):
        s.stats()
    again = open_store(target, read_only=True)
    try:
        assert again.read_only
        assert again.stats().assets == len(estate.ASSETS)
        with pytest.raises(ReadOnlyGraph):
            estate.write(again)
        with pytest.raises(ReadOnlyGraph):
            again.mark_untracked()
        with pytest.raises(ReadOnlyGraph):
            again.cypher("MATCH (a:Asset) RETURN a.id", write=True)
    finally:
        again.close()


def test_derived_indexes_have_a_place_and_a_shared_registry(target):
    a, b = open_store(target), open_store(target)
    try:
        place = a.derived_path(".search")
        assert place.name.endswith(".search") and place != a.derived_path(".topology")
        assert a.derived is b.derived  # one registry per graph in the process

        class Index:
            closed = False

            def close(self):
                self.closed = True

        index = Index()
        with a.derived.lock:
            a.derived.indexes["probe"] = index
    finally:
        a.close()
        assert not index.closed  # b still has the graph open
        b.close()
    assert index.closed


# -- assets ----------------------------------------------------------------------------------


def test_assets_by_id(full):
    found = full.assets(["model:m@2", "dataset:nope", SURROGATE, "model:m@2"])
    assert set(found) == {"model:m@2"}
    m2 = found["model:m@2"]
    assert isinstance(m2, Asset)
    assert (m2.kind, m2.name, m2.family, m2.version, m2.namespace) == ("model", "m", "m", "2", None)
    assert m2.created_at is not None and m2.updated_at is not None
    assert full.assets([]) == {}
    assert set(full.assets([f"dataset:c{i:02}" for i in range(41)])) == {
        f"dataset:c{i:02}" for i in range(41)
    }


def test_asset_rows_have_the_asset_columns(full):
    table = full.asset_rows(["dataset:clean", "dataset:raw", "dataset:nope"])
    assert table.column_names == [name for name, _ in ASSET_COLUMNS]
    rows = {r["id"]: r for r in table.to_pylist()}
    assert set(rows) == {"dataset:clean", "dataset:raw"}
    assert rows["dataset:raw"]["tags"] == ["deprecated"]
    assert rows["dataset:clean"]["description"] == "cleaned events"
    assert full.asset_rows([]).num_rows == 0


def test_resolve_by_id_by_unique_name_ambiguous_and_near(full):
    assert full.resolve("dataset:clean").asset.id == "dataset:clean"
    assert full.resolve("svc").asset.id == "service:svc"  # a unique name
    both = full.resolve("m")  # two versions share the name
    assert both == Resolution(None, named=("model:m@1", "model:m@2"))
    near = full.resolve("CLEA")
    assert near.asset is None and near.named == () and "dataset:clean" in near.near
    assert len(full.resolve("c").near) == 5  # at most five suggestions
    assert full.resolve(SURROGATE) == Resolution(None)
    assert full.resolve("zzz") == Resolution(None)


def test_siblings_are_the_other_versions(full):
    m1 = full.assets(["model:m@1"])["model:m@1"]
    assert [a.id for a in full.siblings(m1)] == ["model:m@2"]
    assert full.siblings(full.assets(["dataset:raw"])["dataset:raw"]) == []


def test_neighbours_one_hop_ordered_by_type_kind_name(full):
    up = full.neighbours("model:m@1", "up")
    assert [(n.asset.id, n.type) for n in up] == [
        ("dataset:clean", "trained_on"),
        ("feature:f", "uses_feature"),
    ]
    down = full.neighbours("dataset:clean", "down")
    assert [(n.asset.id, n.type) for n in down] == [
        ("feature:f", "computed_from"),
        ("model:m@1", "trained_on"),
        ("model:m@2", "trained_on"),
    ]
    assert full.neighbours("dataset:nope", "up") == []


def test_counted_neighbours_count_each_child(full):
    level = full.counted_neighbours("dataset:clean", "down", kinds=None, limit=10)
    assert isinstance(level, CountedLevel)
    assert (level.total, level.matching) == (3, 3)
    counts = {n.id: (n.kind, n.name, n.version, n.type, n.count) for n in level.neighbours}
    assert counts == {
        "feature:f": ("feature", "f", None, "computed_from", 1),  # m@1 uses it
        "model:m@1": ("model", "m", "1", "trained_on", 1),  # svc serves it
        "model:m@2": ("model", "m", "2", "trained_on", 1),  # ev evaluates it
    }
    models = full.counted_neighbours("dataset:clean", "down", kinds=["model"], limit=1)
    assert (models.total, models.matching, len(models.neighbours)) == (3, 2, 1)
    assert models.neighbours[0].kind == "model"
    none = full.counted_neighbours("dataset:clean", "down", kinds=["service"], limit=5)
    assert (none.total, none.matching, none.neighbours) == (3, 0, ())


def test_owners_of_teams_first_with_roles(full):
    owners = full.owners_of(["model:m@2", "dataset:raw", "service:svc", "dataset:nope"])
    assert set(owners) == {"model:m@2", "dataset:raw"}  # svc has no owner
    assert [(o.id, o.role) for o in owners["model:m@2"]] == [("team-ml", "owner"), ("alice", "reviewer")]
    assert owners["model:m@2"][1] == Owner("alice", "person", "Alice", "alice@example.com", "reviewer")
    assert full.owners_of([]) == {}
    many = full.owners_of([a["id"] for a in estate.ASSETS])
    assert set(many) == {a["id"] for a in estate.ASSETS if a.get("owners")}


def test_all_owners_and_ownerships(full):
    assert [(o.id, o.kind, o.name, o.email, o.role) for o in full.all_owners()] == [
        ("alice", "person", "Alice", "alice@example.com", None),
        ("team-data", "team", "Data", None, None),
        ("team-ml", "team", "ML", None, None),
    ]
    assert full.ownerships(["model:m@2", "service:svc"]) == {
        "model:m@2": [("alice", "reviewer"), ("team-ml", "owner")]
    }


def test_stats(full):
    stats = full.stats()
    assert stats.path == full.location
    assert stats.assets_by_kind == {
        "dataset": 4 + estate.CHAIN + 1,
        "evaluation": 1,
        "feature": 1,
        "model": 2,
        "service": 1,
        "workflow": 1,
    }
    assert stats.relations_by_type == {
        "computed_from": 1,
        "derived_from": 1 + estate.CHAIN,
        "evaluates": 1,
        "produced_by": 1,
        "serves": 1,
        "trained_on": 3,
        "uses_feature": 1,
    }
    assert stats.owners_by_kind == {"person": 1, "team": 2}
    assert stats.unowned_assets == stats.assets - 5  # raw, clean, f, m@1, m@2 are owned


def test_assets_named(full):
    table = full.assets_named(["m", "svc", "nope"])
    assert {"id", "kind", "namespace", "name", "version", "created_at"} <= set(table.column_names)
    assert ids(table) == {"model:m@1", "model:m@2", "service:svc"}


# -- lineage ---------------------------------------------------------------------------------


def test_closure_up_each_asset_once_at_its_shortest_distance(full):
    found = full.closure("service:svc", "up", depth=MAX_DEPTH)
    assert isinstance(found, Closure)
    distance = dict(zip(found.assets.column("id").to_pylist(), found.assets.column("distance").to_pylist()))
    # clean is 2 hops away through m@1 and 3 through f: listed once, at 2
    assert distance == {"model:m@1": 1, "dataset:clean": 2, "feature:f": 2, "dataset:raw": 3}
    assert found.assets.num_rows == 4
    assert found.assets.column_names[: len(ASSET_COLUMNS)] == [n for n, _ in ASSET_COLUMNS]
    assert edge_set(found.edges) == {
        ("service:svc", "model:m@1", "serves"),
        ("model:m@1", "dataset:clean", "trained_on"),
        ("model:m@1", "feature:f", "uses_feature"),
        ("feature:f", "dataset:clean", "computed_from"),
        ("dataset:clean", "dataset:raw", "derived_from"),
    }
    assert found.edges.num_rows == 5  # each edge once
    owned = {(r["asset"], r["id"], r["role"]) for r in found.owners.to_pylist()}
    assert owned == {
        ("model:m@1", "team-ml", "owner"),
        ("feature:f", "team-ml", "owner"),
        ("dataset:clean", "team-data", "owner"),
        ("dataset:raw", "team-data", "owner"),
    }


def test_closure_down_with_depth_types_and_without_owners(full):
    down = full.closure("dataset:clean", "down", depth=1, owners=False)
    assert ids(down.assets) == {"feature:f", "model:m@1", "model:m@2"}
    assert down.owners.num_rows == 0
    # edges point from the dependent to its dependency, whatever the walk's direction
    assert ("feature:f", "dataset:clean", "computed_from") in edge_set(down.edges)
    assert ("model:m@1", "feature:f", "uses_feature") in edge_set(down.edges)  # both ends in it
    trained = full.closure("dataset:clean", "down", depth=MAX_DEPTH, types=["trained_on", "serves"])
    assert ids(trained.assets) == {"model:m@1", "model:m@2", "service:svc"}
    assert {t for _, _, t in edge_set(trained.edges)} == {"trained_on", "serves"}
    root_only = full.closure("dataset:raw", "up", depth=MAX_DEPTH)
    assert root_only.assets.num_rows == 0 and root_only.edges.num_rows == 0
    assert [r["id"] for r in root_only.owners.to_pylist()] == ["team-data"]  # the root's owners
    nothing = full.closure("dataset:nope", "down", depth=3)
    assert (nothing.assets.num_rows, nothing.edges.num_rows, nothing.owners.num_rows) == (0, 0, 0)


def test_closure_is_not_cut_at_thirty_hops(full):
    chain = full.closure(f"dataset:c{estate.CHAIN:02}", "up", depth=MAX_DEPTH, owners=False)
    assert chain.assets.num_rows == estate.CHAIN
    assert max(chain.assets.column("distance").to_pylist()) == estate.CHAIN
    assert chain.edges.num_rows == estate.CHAIN
    cut = full.closure("dataset:c00", "down", depth=35, owners=False)
    assert cut.assets.num_rows == 35


def test_distances_and_shortest_paths(full):
    assert full.distances("service:svc", "up", depth=2) == {
        "service:svc": 0,
        "model:m@1": 1,
        "dataset:clean": 2,
        "feature:f": 2,
    }
    assert (
        full.distances("dataset:c00", "down", depth=MAX_DEPTH)[f"dataset:c{estate.CHAIN:02}"] == estate.CHAIN
    )
    assert full.distances("model:m@1", "undirected", depth=1) == {
        "model:m@1": 0,
        "dataset:clean": 1,
        "feature:f": 1,
        "service:svc": 1,
    }
    assert full.shortest_path("service:svc", "dataset:raw", "up") == [
        "service:svc",
        "model:m@1",
        "dataset:clean",
        "dataset:raw",
    ]
    assert full.shortest_path("dataset:raw", "service:svc", "up") is None
    assert full.shortest_path("dataset:raw", "service:svc", "down") == [
        "dataset:raw",
        "dataset:clean",
        "model:m@1",
        "service:svc",
    ]
    assert full.shortest_path("service:svc", "evaluation:ev", "up") is None
    assert full.shortest_path("service:svc", "evaluation:ev", "undirected") == [
        "service:svc",
        "model:m@1",
        "dataset:clean",
        "model:m@2",
        "evaluation:ev",
    ]
    deep = full.shortest_path(f"dataset:c{estate.CHAIN:02}", "dataset:c00", "up")
    assert deep is not None and len(deep) == estate.CHAIN + 1
    assert full.shortest_path("dataset:nope", "dataset:raw", "up") is None


def test_edges_among_present_and_all(full):
    among = full.edges_among(["model:m@1", "feature:f", "dataset:clean", "dataset:nope"])
    assert among.column_names == ["source", "target", "type"]
    assert edge_set(among) == {
        ("model:m@1", "feature:f", "uses_feature"),
        ("model:m@1", "dataset:clean", "trained_on"),
        ("feature:f", "dataset:clean", "computed_from"),
    }
    assert full.edges_among(["model:m@1"]).num_rows == 0
    keys = {
        ("model:m@1", "feature:f", "uses_feature"),
        ("model:m@1", "feature:f", "trained_on"),  # no such type between them
        ("feature:f", "model:m@1", "uses_feature"),  # the wrong way round
    }
    assert full.edges_present(keys) == {("model:m@1", "feature:f", "uses_feature")}
    everything = full.all_edges()
    assert everything.num_rows == sum(full.stats().relations_by_type.values())
    assert ("service:svc", "model:m@1") in set(
        zip(*(everything.column(c).to_pylist() for c in ("source", "target")))
    )


# -- reports -----------------------------------------------------------------------------------


def test_reach_counts_and_paths(full):
    counts = full.reach_counts(["dataset:raw", "feature:f", "dataset:nope"], "down").to_pylist()
    got = {(r["root"], r["kind"]): (r["n"], r["deepest"]) for r in counts}
    assert got == {
        ("dataset:raw", "dataset"): (1, 1),
        ("dataset:raw", "feature"): (1, 2),
        ("dataset:raw", "model"): (2, 2),
        ("dataset:raw", "service"): (1, 3),
        ("dataset:raw", "evaluation"): (1, 3),
        ("feature:f", "model"): (1, 1),
        ("feature:f", "service"): (1, 2),
    }
    live = Reach(kinds=("service",), kinds_tagged=(("model", "tier-1"),))
    only = full.reach_counts(["dataset:raw"], "down", reach=live).to_pylist()
    assert {(r["kind"], r["n"]) for r in only} == {("service", 1), ("model", 1)}
    paths = full.reach_paths(["dataset:raw"], "down", reach=live, limit=10)
    got = {p.reached: (p.root, p.assets, p.types) for p in paths}
    assert got == {
        "model:m@1": (
            "dataset:raw",
            ("dataset:raw", "dataset:clean", "model:m@1"),
            ("derived_from", "trained_on"),
        ),
        "service:svc": (
            "dataset:raw",
            ("dataset:raw", "dataset:clean", "model:m@1", "service:svc"),
            ("derived_from", "trained_on", "serves"),
        ),
    }
    assert len(full.reach_paths(["dataset:raw"], "down", limit=2)) == 2
    ups = full.reach_counts(["service:svc"], "up").to_pylist()
    assert {(r["kind"], r["n"]) for r in ups} == {("model", 1), ("dataset", 2), ("feature", 1)}


def test_most_depended_on_unowned_and_tagged_in_use(full):
    assert full.most_depended_on("dataset", 2) == [("dataset:clean", 3), ("dataset:c00", 1)]
    assert full.most_depended_on("service", 5) == []
    by_kind, listed = full.unowned(3)
    assert by_kind == {"dataset": 2 + estate.CHAIN + 1, "evaluation": 1, "service": 1, "workflow": 1}
    assert [a.id for a in listed] == ["dataset:c00", "dataset:c01", "dataset:c02"]  # by kind, name, id
    assert full.tagged_in_use("deprecated") == [("dataset:raw", 1)]
    assert full.tagged_in_use("tier-1") == [("model:m@1", 1)]
    assert full.tagged_in_use("nope") == []


# -- runs and aliases ----------------------------------------------------------------------------


def test_runs_newest_first_with_their_assets(full):
    recent = full.recent_runs("workflow:etl", 5)
    assert [r.row["id"] for r in recent] == ["r2", "r1"]
    assert isinstance(recent[0], StoredRun)
    assert recent[0].row["state"] == "FAIL" and recent[0].row["error"] == "boom"
    assert [a.id for a in recent[0].inputs] == ["dataset:clean"]
    assert [a.id for a in recent[0].outputs] == ["dataset:out"]
    assert [r.row["id"] for r in full.recent_runs("workflow:etl", 1)] == ["r2"]
    assert full.recent_runs("dataset:clean", 5) == []
    assert set(full.runs(["r1", "nope"])) == {"r1"}
    assert full.runs(["r1"])["r1"]["workflow"] == "workflow:etl"
    assert full.run_io(["r2"]) == {("r2", "dataset:clean", "input"), ("r2", "dataset:out", "output")}
    assert full.aliases(["dataset:s3://b/clean", "nope"]) == {"dataset:s3://b/clean": "dataset:clean"}


# -- what the search index reads, and generations ---------------------------------------------


def test_generations_and_what_changed_since(store):
    first = store.state()
    assert isinstance(first, GraphState) and first.tracked and first.graph_id
    estate.write(store)
    second = store.state()
    assert second.generation == first.generation + 1 and second.graph_id == first.graph_id
    assert store.index_assets(None).num_rows == len(estate.ASSETS)
    assert store.index_assets(second.generation).num_rows == 0
    assert sorted(store.index_ownerships(None)["model:m@2"]) == [("alice", "Alice"), ("team-ml", "ML")]
    changed = [{**a, "description": "new"} if a["id"] == "dataset:other" else a for a in estate.ASSETS]
    outcome = estate.write(store, estate.batch(assets=changed))
    assert outcome.generation == second.generation + 1 == store.state().generation
    assert outcome.written == frozenset({"dataset:other"})
    assert outcome.report.assets_updated == 1 and outcome.report.assets_unchanged == len(estate.ASSETS) - 1
    assert ids(store.index_assets(second.generation)) == {"dataset:other"}
    assert store.index_ownerships(second.generation) == {}
    assert sorted(store.index_ownerships(ids=["model:m@2", "dataset:other"])["model:m@2"]) == [
        ("alice", "Alice"),
        ("team-ml", "ML"),
    ]
    untracked = store.mark_untracked()
    assert store.state().untracked == untracked == store.state().generation


def test_write_plan_reports_and_writes_nothing_twice(store):
    outcome = estate.write(store)
    report = outcome.report
    assert report.assets_added == len(estate.ASSETS) and report.owners_added == len(estate.OWNERS)
    assert outcome.owners_changed and outcome.generation is not None
    again = estate.write(store)
    assert again.generation is None  # nothing changed: nothing written, no new generation
    assert again.report.assets_unchanged == len(estate.ASSETS) and again.report.assets_added == 0
    # an asset record listing owners replaces that asset's owners
    reowned = [{**a, "owners": ["alice"]} if a["id"] == "model:m@2" else a for a in estate.ASSETS]
    estate.write(store, estate.batch(assets=reowned))
    assert [(o.id, o.role) for o in store.owners_of(["model:m@2"])["model:m@2"]] == [("alice", "owner")]


def test_a_write_that_fails_writes_nothing(store):
    from mlg.validation import validate

    estate.write(store)
    before = store.stats()
    generation = store.state().generation
    new = {"id": "dataset:new", "kind": "dataset", "name": "new"}
    plan = validate(estate.batch(assets=[*estate.ASSETS, new]), estate.StoreLookup(store))
    assert "dataset:new" in plan.assets
    # A plan no validation makes: an owner filed under another key, so that the store
    # takes it for new and creates an owner whose id exists. The store refuses it after
    # writing the new asset, in the same transaction: nothing of the plan may remain.
    plan.owners["not-team-ml"] = {**plan.owners["team-ml"], "name": "ML again"}
    with pytest.raises(MlgError, match="rolled back|refused|failed"):
        store.write_plan(plan)
    assert store.stats() == before
    assert store.assets(["dataset:new"]) == {}
    assert store.state().generation == generation
    assert [o.name for o in store.all_owners() if o.id == "team-ml"] == ["ML"]


# -- raw Cypher --------------------------------------------------------------------------------


def test_cypher_reads_and_refuses_writes_unless_asked(full):
    table = full.cypher("MATCH (a:Asset) WHERE a.kind = $k RETURN a.id AS id ORDER BY id", {"k": "service"})
    assert isinstance(table, pa.Table) and table.column("id").to_pylist() == ["service:svc"]
    with pytest.raises(ReadOnlyGraph):
        full.cypher("MATCH (a:Asset {id: 'dataset:raw'}) SET a.name = 'x'")
    with pytest.raises(CypherError):
        full.cypher("MATCH (a:Asset RETURN a")
    generation = full.state().generation
    done = full.cypher("MATCH (a:Asset {id: 'dataset:raw'}) SET a.description = 'edited'", write=True)
    assert done.num_columns == 0
    assert full.assets(["dataset:raw"])["dataset:raw"].description == "edited"
    assert full.state().untracked == full.state().generation > generation  # indexes must rebuild


def test_the_console_examples_run_read_only_and_answer(full):
    examples = full.cypher_examples()
    assert len(examples) >= 3 and all(title and statement for title, statement in examples)
    answers = {title: full.cypher(statement) for title, statement in examples}
    assert all(isinstance(table, pa.Table) and table.num_rows > 0 for table in answers.values())
    by_kind = dict(zip(*(answers["Assets by kind"].column(c).to_pylist() for c in ("kind", "n"))))
    assert by_kind["model"] == 2 and sum(by_kind.values()) == len(estate.ASSETS)
    unowned = set(answers["Assets nobody owns"].column(0).to_pylist())
    assert "dataset:other" in unowned and "dataset:raw" not in unowned


# raw Cypher is the backend's own dialect: the same question in each
DEEP_CHAIN_QUERY = {
    "kuzu": "MATCH (a:Asset {id: $a})-[:DEPENDS_ON* SHORTEST 1..100]->(b:Asset) RETURN count(*) AS n",
    "falkordb": "MATCH (a:Asset {id: $a})-[:DEPENDS_ON*1..100]->(b:Asset) RETURN count(DISTINCT b) AS n",
}


def test_cypher_variable_length_patterns_are_not_cut_at_thirty_hops(full, backend):
    table = full.cypher(DEEP_CHAIN_QUERY[backend], {"a": f"dataset:c{estate.CHAIN:02}"})
    assert table.column("n").to_pylist() == [estate.CHAIN]


# -- choosing a backend --------------------------------------------------------------------------


def test_a_path_opens_kuzu_and_an_unknown_scheme_is_refused(tmp_path):
    assert backend_for(tmp_path / "g.kuzu") == "kuzu"
    assert backend_for("falkordb://localhost:6379/g") == "falkordb"
    assert backend_for("C:/graphs/g.kuzu") == "kuzu"
    with pytest.raises(GraphError, match=r"no storage backend for nosuch:// .*nosuch://user:\*\*\*@host"):
        open_store("nosuch://user:secret@host/g")


def test_a_registered_backend_opens_its_urls(tmp_path):
    opened = []

    def opener(target, *, read_only, create):
        opened.append((target, read_only, create))
        return open_store(tmp_path / "g.kuzu", read_only=False, create=True)

    register_backend("probe", opener)
    s = open_store("probe://anything", read_only=False)
    s.close()
    assert opened == [("probe://anything", False, True)]
