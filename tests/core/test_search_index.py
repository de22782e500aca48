"""The search index beside the graph: generations, incremental updates, rebuilds,
crashes, several processes, upgrades of older graphs. Every check compares the index
with one rebuilt from the graph at that moment (`rebuilt_in_memory`)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mlg
from mlg import generation
from mlg.batch import Batch
from mlg.schema import SCHEMA_VERSION
from mlg.search import search
from mlg.search.documents import SLOT_BITS
from mlg.search.index import index_for, index_path, rebuilt_in_memory

QUERIES = ["home", "ranker", "home ranker", "rank v2", "kayak", "gold", "Ana Lima", "hme", "boats 3", "ka"]


def _ingest(graph, assets=(), owners=(), relations=()):
    return graph.ingest_batch(
        Batch.from_records(assets=list(assets), owners=list(owners), relations=list(relations))
    )


def answers(graph, index=None, queries=QUERIES) -> dict:
    """What the index answers to a set of queries (ids and tiers, in order) and its counts."""
    out = {}
    for text in queries:
        hits = search(graph, text, limit=5, count=True, index=index)
        out[text] = ([(h.asset.id, h.match) for h in hits], hits.truncated, hits.total)
    listed = search(graph, "", tag="gold", limit=3, index=index)
    out[""] = ([h.asset.id for h in listed], listed.truncated, listed.total)
    return out


def content(index) -> dict:
    """Everything an index holds that may not depend on the order assets were indexed in."""
    conn = index.conn
    assets = conn.execute(
        "SELECT a.*, n.name AS t_name, n.facets AS t_facets, b.body AS t_body, b.facets AS t_body_facets "
        "FROM asset a JOIN name_text n ON n.rowid = a.rank JOIN body_text b ON b.rowid = a.rank ORDER BY a.id"
    ).fetchall()
    rows = []
    for row in assets:
        values = dict(row)
        values["bucket"] = values.pop("rank") >> SLOT_BITS  # the slot is the insertion order
        rows.append(values)
    return {
        "assets": rows,
        "terms": conn.execute("SELECT term, docs FROM term ORDER BY term").fetchall(),
        "owners": conn.execute("SELECT * FROM owner ORDER BY id").fetchall(),
        "text rows": [
            conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("name_text", "body_text")
        ],
    }


def assert_like_a_rebuild(graph) -> None:
    index = index_for(graph)
    fresh = rebuilt_in_memory(graph)
    try:
        assert index.generation() == generation.state(graph).generation
        assert [tuple(r) for r in content(index)["terms"]] == [tuple(r) for r in content(fresh)["terms"]]
        assert [dict(r) for r in content(index)["owners"]] == [dict(r) for r in content(fresh)["owners"]]
        assert content(index)["assets"] == content(fresh)["assets"]
        assert content(index)["text rows"] == content(fresh)["text rows"]
        assert answers(graph) == answers(graph, fresh)
    finally:
        fresh.close()


OWNERS = [
    {"id": "team-home", "kind": "team", "name": "Home Experience"},
    {"id": "ana", "kind": "person", "name": "Ana Lima"},
]


def _seed(graph):
    _ingest(
        graph,
        [
            {
                "id": "dataset:home",
                "kind": "dataset",
                "name": "home",
                "owners": ["team-home"],
                "tags": ["gold"],
            },
            {
                "id": "model:home_ranker@1",
                "kind": "model",
                "name": "home_ranker",
                "family": "home_ranker",
                "version": "1",
            },
        ],
        OWNERS,
    )


# -- the README sequence that crashed Kuzu's FTS extension ------------------------------


def test_update_then_add_then_search_runs_clean_through_the_cli(tmp_path):
    db = tmp_path / "graph.kuzu"
    (tmp_path / "upd.yaml").write_text(
        "assets: [{id: dataset:raw.playback_events, kind: dataset, description: changed}]\n"
    )
    (tmp_path / "new.yaml").write_text("assets: [{id: 'dataset:new.one', kind: dataset}]\n")
    env = {**os.environ, "MLG_DB": str(db)}

    def mlg_cli(*args):
        done = subprocess.run([sys.executable, "-m", "mlg", *args], env=env, capture_output=True, text=True)
        assert done.returncode == 0, (args, done.returncode, done.stdout, done.stderr)
        return done.stdout

    mlg_cli("sample")
    mlg_cli("ingest", str(tmp_path / "upd.yaml"))
    mlg_cli("ingest", str(tmp_path / "new.yaml"))
    found = json.loads(mlg_cli("search", "playback", "--format", "json"))["hits"]
    assert "dataset:raw.playback_events" in [h["id"] for h in found]
    mlg_cli("ingest", str(tmp_path / "upd.yaml"))  # and every later write too
    mlg_cli("ingest", str(tmp_path / "new.yaml"))
    assert json.loads(mlg_cli("search", "new.one", "--format", "json"))["hits"][0]["id"] == "dataset:new.one"
    with mlg.open(db, read_only=True) as g:
        assert_like_a_rebuild(g)


# -- generations ---------------------------------------------------------------------------


def test_every_write_bumps_the_generation_and_stamps_what_it_wrote(graph):
    start = generation.state(graph).generation
    _seed(graph)
    state = generation.state(graph)
    assert state.generation == start + 1 and state.graph_id
    stamped = graph.store.rows("MATCH (a:Asset) RETURN a.id AS id, a.gen AS gen ORDER BY id")
    assert {r["gen"] for r in stamped} == {start + 1}
    _ingest(
        graph,
        [
            {
                "id": "dataset:home",
                "kind": "dataset",
                "name": "home",
                "owners": ["team-home"],
                "tags": ["gold"],
            }
        ],
    )
    assert generation.state(graph).generation == start + 1  # nothing changed: nothing written
    _ingest(graph, owners=[{"id": "ana", "kind": "person", "name": "Ana Lima-Souza"}])
    assert generation.state(graph).generation == start + 2
    _ingest(graph, [{"id": "model:home_ranker@1", "kind": "model", "owners": ["ana"]}])
    assert graph.store.rows("MATCH (a:Asset {id: 'model:home_ranker@1'}) RETURN a.gen AS gen") == [
        {"gen": start + 3}
    ]
    home = graph.store.rows("MATCH (a:Asset {id: 'dataset:home'}) RETURN a.gen AS gen")
    assert home == [{"gen": start + 1}]
    assert_like_a_rebuild(graph)


def test_an_owner_renamed_reindexes_their_assets(graph):
    _seed(graph)
    assert [h.asset.id for h in graph.search("Home Experience")] == ["dataset:home"]
    _ingest(graph, owners=[{"id": "team-home", "kind": "team", "name": "Start Page Crew"}])
    assert graph.search("Home Experience") == [] or graph.search("Home Experience")[0].match != "owner"
    assert [(h.asset.id, h.match) for h in graph.search("Start Page Crew")] == [("dataset:home", "owner")]
    assert_like_a_rebuild(graph)


def test_a_cypher_write_makes_the_index_rebuild(graph):
    _seed(graph)
    graph.query("MATCH (a:Asset {id: 'dataset:home'}) SET a.description = 'kayak rentals'", write=True)
    state = generation.state(graph)
    assert state.untracked == state.generation
    assert [h.asset.id for h in graph.search("kayak")] == ["dataset:home"]
    assert_like_a_rebuild(graph)


# -- random interleavings -------------------------------------------------------------------

WORDS = ["home", "ranker", "kayak", "boats", "gold", "page", "homer", "rank"]
asset_ids = st.sampled_from([f"a{i}" for i in range(8)])
records = st.fixed_dictionaries(
    {
        "id": asset_ids,
        "kind": st.sampled_from(["model", "dataset", "evaluation", "workflow"]),
        "name": st.lists(st.sampled_from(WORDS), min_size=1, max_size=3).map("_".join),
        "family": st.sampled_from([None, "fam", "other"]),
        "version": st.sampled_from([None, "1", "2", "10", "v3"]),
        "description": st.lists(st.sampled_from(WORDS), max_size=4).map(" ".join),
        "tags": st.lists(st.sampled_from(["gold", "pii", "Gold"]), max_size=2, unique=True),
        "owners": st.lists(st.sampled_from(["team-home", "ana"]), max_size=2, unique=True),
    }
)
steps = st.lists(
    st.one_of(
        st.tuples(st.just("ingest"), st.lists(records, min_size=1, max_size=4)),
        st.tuples(st.just("rename"), st.sampled_from(["team-home", "ana"]), st.sampled_from(WORDS)),
        st.tuples(st.just("search"), st.sampled_from(QUERIES)),
    ),
    min_size=1,
    max_size=8,
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(steps)
def test_random_updates_additions_and_searches_match_a_rebuild(plan):
    with tempfile.TemporaryDirectory() as tmp, mlg.open(Path(tmp) / "graph.kuzu") as g:
        _ingest(g, owners=OWNERS)
        for step in plan:
            if step[0] == "ingest":
                by_id = {r["id"]: r for r in step[1]}  # one record per asset and ingest
                _ingest(g, [{k: v for k, v in r.items() if v is not None} for r in by_id.values()])
            elif step[0] == "rename":
                kind = "team" if step[1] == "team-home" else "person"
                _ingest(g, owners=[{"id": step[1], "kind": kind, "name": f"{step[2]} crew"}])
            else:
                search(g, step[1])
        assert_like_a_rebuild(g)


# -- crashes -------------------------------------------------------------------------------

WRITER = """
import sys, time
import mlg
from mlg.batch import Batch
from mlg.search.index import index_for

g = mlg.open(sys.argv[1])
def progress(stage, done, total):
    print(stage, done, total, flush=True)
if sys.argv[2] == "ingest":
    n = int(sys.argv[3])
    assets = [{"id": f"dataset:d{i}", "kind": "dataset", "name": f"boats_{i}",
               "description": f"kayak w{i} changed", "family": "boats", "version": str(i % 7)}
              for i in range(0, n, 3)]
    g.ingest_batch(Batch.from_records(assets=assets), progress=progress)
else:  # an untracked write, then the rebuild it calls for
    g.query("MATCH (a:Asset) WHERE a.name STARTS WITH 'boats_1' SET a.description = 'canoe'", write=True)
    index_for(g, progress)
print("finished", flush=True)
"""


@pytest.fixture
def big_graph(tmp_path_factory):
    """A graph of 12,000 assets with a current index, copied for each test."""
    src = tmp_path_factory.getbasetemp() / "big"
    if not src.exists():
        src.mkdir()
        with mlg.open(src / "graph.kuzu") as g:
            _ingest(g, owners=OWNERS)
            _ingest(
                g,
                [
                    {
                        "id": f"dataset:d{i}",
                        "kind": "dataset",
                        "name": f"boats_{i}",
                        "description": f"kayak w{i}",
                        "owners": ["ana"] if i % 5 == 0 else [],
                        "tags": ["gold"] if i % 7 == 0 else [],
                    }
                    for i in range(12_000)
                ],
            )
    return src


def _copy(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for f in list(src.glob("graph.kuzu*")):
        if f.is_file():
            shutil.copy(f, dst / f.name)
    return dst / "graph.kuzu"


@pytest.mark.parametrize(
    "args, at, delay",
    [
        (["ingest", "9000"], "writing assets", 0.0),  # before the commit
        (["ingest", "9000"], "committing", 0.0),
        (["ingest", "9000"], "indexing for search 0", 0.0),  # the incremental update begun
        (["ingest", "9000"], "indexing for search 0", 0.3),
        (["rebuild"], "indexing for search 0", 0.0),  # a rebuild begun
        (["rebuild"], "indexing for search 0", 0.5),
    ],
)
def test_kill_during_an_index_update_leaves_a_graph_that_searches_like_a_rebuild(
    big_graph, tmp_path, args, at, delay
):
    db = _copy(big_graph, tmp_path / "g")
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(db), *args], stdout=subprocess.PIPE, text=True)
    seen = []
    for line in proc.stdout:
        seen.append(line.strip())
        if line.startswith(at):
            break
    time.sleep(delay)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert any(s.startswith(at) for s in seen), seen
    with mlg.open(db, read_only=True) as g:
        assert_like_a_rebuild(g)
        assert [h.asset.id for h in g.search("boats_42")][:1] == ["dataset:d42"]
    with mlg.open(db) as g:  # and writes go on
        _ingest(g, [{"id": "dataset:after", "kind": "dataset", "description": "kayak after"}])
        assert_like_a_rebuild(g)


READER = """
import sys, json
import mlg
with mlg.open(sys.argv[1], read_only=True) as g:
    print(json.dumps([h.asset.id for h in g.search("kayak w12", limit=5)]), flush=True)
"""


def test_two_read_only_processes_bring_a_stale_index_up_to_date_at_once(big_graph, tmp_path):
    db = _copy(big_graph, tmp_path / "g")
    with mlg.open(db) as g:  # make the index stale: a write it has not seen
        g.query("MATCH (a:Asset {id: 'dataset:d12'}) SET a.description = 'kayak w12 fixed'", write=True)
        expected = [h.asset.id for h in search(g, "kayak w12", limit=5, index=rebuilt_in_memory(g))]
    readers = [
        subprocess.Popen([sys.executable, "-c", READER, str(db)], stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = [r.communicate(timeout=300)[0] for r in readers]
    assert [r.returncode for r in readers] == [0, 0]
    assert [json.loads(o) for o in outputs] == [expected, expected]
    with mlg.open(db, read_only=True) as g:
        assert_like_a_rebuild(g)


# -- the index file ------------------------------------------------------------------------


def test_the_index_lives_beside_the_graph_and_travels_with_it(graph, db_path, tmp_path):
    _seed(graph)
    assert index_path(db_path).exists() and index_path(db_path).name == "graph.kuzu.search"
    graph.close()
    moved = _copy(db_path.parent, tmp_path / "moved")
    before = index_path(moved).stat().st_mtime_ns
    with mlg.open(moved, read_only=True) as g:
        assert [h.asset.id for h in g.search("home_ranker")][:1] == ["model:home_ranker@1"]
    assert index_path(moved).stat().st_mtime_ns == before  # current: used as it is


def test_an_index_left_beside_a_new_graph_is_not_taken_for_its_own(graph, db_path):
    _seed(graph)
    graph.close()
    db_path.unlink()  # the graph goes, its index stays behind
    with mlg.open(db_path) as g:
        assert g.search("home") == []
        _ingest(g, [{"id": "dataset:other", "kind": "dataset", "name": "other"}])
        assert [h.asset.id for h in g.search("other")] == ["dataset:other"] and g.search("home") == []
        assert_like_a_rebuild(g)


def test_a_damaged_or_missing_index_file_is_rebuilt(graph, db_path):
    _seed(graph)
    graph.close()
    index_path(db_path).write_bytes(b"not an index" * 100)
    with mlg.open(db_path, read_only=True) as g:
        assert [h.asset.id for h in g.search("home")][:1] == ["dataset:home"]
    index_path(db_path).unlink()
    with mlg.open(db_path, read_only=True) as g:
        assert [h.asset.id for h in g.search("home")][:1] == ["dataset:home"]
        assert_like_a_rebuild(g)


def test_where_no_index_file_can_be_written_the_index_is_kept_in_memory(graph, db_path):
    _seed(graph)
    graph.close()
    index_path(db_path).unlink()
    index_path(db_path).mkdir()  # a directory in the way: SQLite cannot open the file
    with mlg.open(db_path, read_only=True) as g:
        assert [h.asset.id for h in g.search("home")][:1] == ["dataset:home"]
        assert g.store.derived.indexes["search"].path is None
        assert_like_a_rebuild(g)


# -- graphs made before the index ------------------------------------------------------------


def _as_schema_2(db: Path) -> None:
    """Turn a graph into what mlg made before schema 3: no Asset.gen, no generation,
    and Kuzu's FTS index on names and descriptions (exactly the statements it ran)."""
    index_path(db).unlink(missing_ok=True)
    with mlg.open(db) as g:
        _without_lifecycle(g)
        g.store.execute("ALTER TABLE Asset DROP gen")
        g.store.execute("MATCH (m:MlgMeta) WHERE m.key <> 'schema_version' DELETE m")
        g.store.execute("MATCH (m:MlgMeta {key: 'schema_version'}) SET m.value = '2'")
        g.store.execute(
            "CALL CREATE_FTS_INDEX('Asset', 'asset_text', ['name', 'description'], stemmer := 'english')"
        )
        g.store.execute("CHECKPOINT")


def _without_lifecycle(g) -> None:
    """What schemas 4 (mlg.lifecycle) and 6 (owner links' lifetimes) added, dropped again."""
    from mlg.store.kuzu.schema import ASSET_LIFE_COLUMNS, EDGE_LIFE_COLUMNS, OWNED_LIFE_COLUMNS

    g.store.execute("DROP TABLE RETIRED_DEPENDS_ON")
    g.store.execute("DROP TABLE AssetHistory")
    g.store.execute("DROP TABLE OwnerLinkHistory")
    g.store.execute("ALTER TABLE OWNED_BY DROP valid_from")
    for table, columns in (
        ("Asset", ASSET_LIFE_COLUMNS),
        ("DEPENDS_ON", EDGE_LIFE_COLUMNS),
        ("OWNED_BY", OWNED_LIFE_COLUMNS),
    ):
        for name, _, _ in columns:
            g.store.execute(f"ALTER TABLE {table} DROP {name}")


def test_a_graph_made_before_the_index_is_searched_read_only_and_upgraded_on_write(graph, db_path):
    _seed(graph)
    graph.close()
    _as_schema_2(db_path)
    with mlg.open(db_path, read_only=True) as g:
        assert g.store.schema_version == 2
        assert [h.asset.id for h in g.search("home")][:1] == ["dataset:home"]
    assert not index_path(db_path).exists()  # no generations to check a file against: memory only
    with mlg.open(db_path) as g:  # first read-write open: upgraded in place
        assert g.store.schema_version == SCHEMA_VERSION
        assert g.store.rows("CALL SHOW_INDEXES() RETURN *") == []
        # the sequence that crashed Kuzu's index: update an asset, then add one
        _ingest(g, [{"id": "dataset:home", "kind": "dataset", "name": "home", "description": "changed"}])
        _ingest(g, [{"id": "dataset:new.one", "kind": "dataset"}])
        assert [h.asset.id for h in g.search("changed")] == ["dataset:home"]
        assert_like_a_rebuild(g)
