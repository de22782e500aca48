"""query(): your own Cypher as a DataFrame, read-only unless asked to write."""

from __future__ import annotations

import pandas as pd
import pytest

import mlg
from mlg import generation
from mlg.batch import Batch
from mlg.cypher import CypherError
from mlg.frames import string_dtype
from tests.conftest import graph_content

ASSETS = [
    {
        "id": "dataset:plays",
        "kind": "dataset",
        "name": "plays",
        "tags": ["pii", "tier-1"],
        "description": "Playback events.",
        "props": {"rows": 12},
        "created_at": "2024-01-02T03:04:05Z",
    },
    {
        "id": "model:ranker@1",
        "kind": "model",
        "name": "ranker",
        "version": "1",
        "trained_on": ["dataset:plays"],
    },
]


@pytest.fixture
def estate(graph):
    graph.ingest_batch(Batch.from_records(assets=ASSETS))
    return graph


def test_result_is_a_dataframe_with_sane_dtypes(estate):
    frame = estate.query(
        "MATCH (a:Asset) WHERE a.kind = $kind RETURN a.id AS id, a.tags AS tags, "
        "a.created_at AS created, size(a.name) AS n, 1.5 AS f, a.version IS NULL AS no_version, "
        "a.version AS version",
        {"kind": "dataset"},
    )
    assert list(frame.columns) == ["id", "tags", "created", "n", "f", "no_version", "version"]
    assert frame["id"].dtype == string_dtype() and frame["n"].dtype == "Int64"
    assert frame["f"].dtype == "float64" and frame["no_version"].dtype == "bool"
    assert str(frame["created"].dtype).startswith("datetime64")
    row = frame.iloc[0]
    assert row["id"] == "dataset:plays" and row["tags"] == ["pii", "tier-1"]
    assert row["created"] == pd.Timestamp("2024-01-02 03:04:05") and row["n"] == 5
    # a missing version is stored blank, not NULL (Kuzu 0.11.3 corrupts STRING columns
    # that get a NULL after an update: mlg.schema.BLANK_FOR_NULL); Asset objects say None
    assert row["version"] == "" and not row["no_version"]
    assert estate.get("dataset:plays").version is None


def test_nodes_and_relationships_come_as_dicts(estate):
    frame = estate.query("MATCH (m:Asset)-[e:DEPENDS_ON]->(d:Asset) RETURN m, e, d.id AS d")
    node, rel = frame.iloc[0]["m"], frame.iloc[0]["e"]
    assert node["id"] == "model:ranker@1" and node["_LABEL"] == "Asset"
    assert rel["type"] == "trained_on" and rel["_LABEL"] == "DEPENDS_ON"
    assert frame.iloc[0]["d"] == "dataset:plays"


def test_empty_result_keeps_its_columns(estate):
    frame = estate.query("MATCH (a:Asset) WHERE a.id = $id RETURN a.id AS id, a.kind AS kind", {"id": "nope"})
    assert frame.empty and list(frame.columns) == ["id", "kind"]


def test_parameters_are_values_never_cypher(estate):
    before = graph_content(estate)
    evil = "x'}) DETACH DELETE a; MATCH (a:Asset {id: 'y"
    frame = estate.query("MATCH (a:Asset) WHERE a.name = $name RETURN a.id", {"name": evil})
    assert frame.empty and graph_content(estate) == before


@pytest.mark.parametrize(
    "cypher",
    [
        "CREATE (:Asset {id: 'x', kind: 'dataset', name: 'x'})",
        "cReAtE (:Asset {id: 'x'})",
        "/* harmless? */ MERGE (a:Asset {id: 'x'})",
        "// a comment\nMATCH (a:Asset) SET a.name = 'gone'",
        "MATCH (a:Asset) DETACH DELETE a",
        "MATCH (a:Asset) WITH a LIMIT 1 REMOVE a.description",
        "UNWIND [1, 2] AS i CREATE (:Asset {id: 'u' + string(i)})",
        "MATCH (a:Asset) RETURN a.id; MATCH (a:Asset) DETACH DELETE a",
        "MATCH (a:Asset) RETURN '; CREATE (:Asset {id: \"s\"})' AS s; CREATE (:Asset {id: 'z'})",
        "DROP TABLE Asset",
        "ALTER TABLE Asset ADD extra STRING",
        "CREATE NODE TABLE Hack(id STRING, PRIMARY KEY (id))",
        "COPY Asset FROM '/nonexistent.csv'",
        "INSTALL json",
        "LOAD EXTENSION json",
        "CALL CREATE_FTS_INDEX('Asset', 'other', ['name'])",
        "CALL DROP_FTS_INDEX('Asset', 'asset_text')",
        "BEGIN TRANSACTION",
        "COMMIT",
        "ROLLBACK",
        "CHECKPOINT",
        "ATTACH '/tmp/other.kuzu' AS other (dbtype kuzu)",
        "PROFILE CREATE (:Asset {id: 'p'})",
        "  /* x */ // y\n  eXpLaIn   CREATE (:Asset {id: 'e'})",
    ],
)
def test_writes_are_refused_unless_asked(estate, cypher):
    before = graph_content(estate)
    state = generation.state(estate)
    with pytest.raises(mlg.MlgError) as info:
        estate.query(cypher)
    assert "Traceback" not in str(info.value)
    assert graph_content(estate) == before
    assert generation.state(estate) == state  # nothing written: the search index stays current
    assert len(estate.query("CALL show_tables() RETURN *")) == len(
        estate.store.rows("CALL show_tables() RETURN *")
    )


def test_writes_are_refused_with_a_hint(estate):
    with pytest.raises(mlg.ReadOnlyGraph, match="--write"):
        estate.query("MATCH (a:Asset) SET a.name = 'x'")


def test_files_are_not_written_by_read_queries(estate, tmp_path):
    out = tmp_path / "out.csv"
    with pytest.raises(mlg.ReadOnlyGraph):
        estate.query(f"COPY (MATCH (a:Asset) RETURN a.id) TO '{out}'")
    with pytest.raises(mlg.ReadOnlyGraph):
        estate.query(f"/* */ EXPORT DATABASE '{tmp_path / 'dump'}'")
    assert not out.exists() and not (tmp_path / "dump").exists()


def test_settings_stay_on_the_query_connection(graph):
    chain = [{"id": "dataset:c0", "kind": "dataset", "name": "c0"}] + [
        {"id": f"dataset:c{i}", "kind": "dataset", "name": f"c{i}", "derived_from": [f"dataset:c{i - 1}"]}
        for i in range(1, 40)
    ]
    graph.ingest_batch(Batch.from_records(assets=chain))
    graph.query("CALL var_length_extend_max_depth=3")
    assert len(graph.upstream("dataset:c39").assets) == 40


def test_user_cypher_is_not_cut_at_kuzus_30_hops(graph):
    chain = [{"id": "dataset:c0", "kind": "dataset", "name": "c0"}] + [
        {"id": f"dataset:c{i}", "kind": "dataset", "name": f"c{i}", "derived_from": [f"dataset:c{i - 1}"]}
        for i in range(1, 45)
    ]
    graph.ingest_batch(Batch.from_records(assets=chain))
    frame = graph.query(
        "MATCH (a:Asset {id: 'dataset:c44'})-[:DEPENDS_ON* SHORTEST]->(b:Asset) RETURN b.id AS id"
    )
    assert len(frame) == 44
    assert "dataset:c0" in set(frame["id"])


def test_syntax_errors_are_kuzus_message(estate):
    with pytest.raises(CypherError, match="Parser exception") as info:
        estate.query("MATCH (a:Asset RETURN a")
    assert "Traceback" not in str(info.value)
    with pytest.raises(CypherError, match="Binder exception"):
        estate.query("MATCH (a:Nope) RETURN a")
    with pytest.raises(CypherError, match="empty"):
        estate.query("   ")


def test_write_when_asked(estate):
    frame = estate.query(
        "CREATE (a:Asset {id: $id, kind: 'dataset', name: 'new', "
        "description: $d, tags: []}) RETURN a.id AS id",
        {"id": "dataset:new", "d": "Kayak rentals."},
        write=True,
    )
    assert frame["id"].tolist() == ["dataset:new"]
    assert estate.get("dataset:new").description == "Kayak rentals."
    # any Cypher may change any asset: the search index rebuilds at the next search
    state = generation.state(estate)
    assert state.untracked == state.generation
    assert [h.asset.id for h in estate.search("kayak")] == ["dataset:new"]


def test_read_only_graph_refuses_writes(estate, db_path):
    estate.close()
    with mlg.open(db_path, read_only=True) as ro:
        with pytest.raises(mlg.ReadOnlyGraph):
            ro.query("CREATE (:Asset {id: 'x'})", write=True)
        with pytest.raises(mlg.ReadOnlyGraph):
            ro.query("CREATE (:Asset {id: 'x'})")
        assert ro.query("MATCH (a:Asset) RETURN count(*) AS n")["n"].tolist() == [2]
