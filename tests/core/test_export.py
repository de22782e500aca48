"""write_subgraph(): csv, parquet and json files with the documented, typed columns."""

from __future__ import annotations

import json

import pandas as pd
import pytest

import mlg
from mlg.batch import Batch
from mlg.export import read_frames, write_subgraph
from mlg.frames import string_dtype
from mlg.subgraph import EDGE_COLUMNS, NODE_COLUMNS
from tests.core.test_impact import build, chain

# A model upstream of a service only through a feature and a workflow: filtering on
# kinds must keep them connected through indirect edges.
SERVICE_LINEAGE = [
    ("service:api", "model:ranker"),
    ("model:ranker", "feature:clicks"),
    ("feature:clicks", "dataset:events"),
    ("model:ranker", "workflow:train", "produced_by"),
    ("workflow:train", "model:base"),
    ("model:base", "dataset:events"),
]
TEXT_COLUMNS = ("id", "kind", "name", "namespace", "family", "version", "description", "domain", "props")


@pytest.fixture
def estate(graph):
    build(graph, SERVICE_LINEAGE, owners={"model:ranker": ["team-recs", "ana"]})
    # awkward text survives the round trips: commas, quotes, newlines, "NA", unicode
    graph.ingest_batch(
        Batch.from_records(
            assets=[
                {
                    "id": "model:ranker",
                    "kind": "model",
                    "name": 'ranker, "v3"',
                    "namespace": "NA",
                    "version": "3",
                    "description": "line one\nline two, with comma",
                    "domain": "récos",
                    "tags": ["tier-1", "deprecated"],
                    "props": {"auc": 0.71, "layers": [1, 2]},
                    "owners": ["team-recs", "ana"],
                    "created_at": "2024-01-02T03:04:05.123456Z",
                    "updated_at": "2024-02-03T04:05:06Z",
                }
            ]
        )
    )
    return graph


def _plain(frame: pd.DataFrame) -> list[dict]:
    """Rows with list-like cells as lists and missing values as None, for comparisons."""
    rows = []
    for row in frame.to_dict("records"):
        rows.append(
            {
                k: (
                    list(v)
                    if hasattr(v, "__len__") and not isinstance(v, str)
                    else None
                    if v is None or v is pd.NA or v != v
                    else v
                )
                for k, v in row.items()
            }
        )
    return rows


def _check_dtypes(nodes: pd.DataFrame, edges: pd.DataFrame) -> None:
    assert tuple(nodes.columns) == NODE_COLUMNS and tuple(edges.columns) == EDGE_COLUMNS
    for name in TEXT_COLUMNS:
        assert nodes[name].dtype == string_dtype(), name
    for name in ("source", "target", "type"):
        assert edges[name].dtype == string_dtype(), name
    assert nodes["distance"].dtype == pd.Int64Dtype() and edges["hops"].dtype == pd.Int64Dtype()
    for frame, name in ((nodes, "is_root"), (nodes, "deprecated"), (edges, "indirect")):
        assert frame[name].dtype == bool, name
    for name in ("created_at", "updated_at"):
        assert str(nodes[name].dtype) == "datetime64[us]", name


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_round_trip_keeps_columns_values_and_dtypes(estate, tmp_path, fmt):
    sub = estate.upstream("service:api", kinds=["model", "dataset"])
    files = write_subgraph(sub, tmp_path / "out" / "nested", fmt)
    assert [f.name for f in files] == [f"nodes.{fmt}", f"edges.{fmt}"]
    nodes, edges = read_frames(tmp_path / "out" / "nested")
    _check_dtypes(nodes, edges)
    expected_nodes, expected_edges = sub.to_pandas()
    _check_dtypes(expected_nodes, expected_edges)
    assert _plain(nodes) == _plain(expected_nodes)
    assert _plain(edges) == _plain(expected_edges)
    ranker = nodes.set_index("id").loc["model:ranker"]
    assert ranker["name"] == 'ranker, "v3"' and ranker["namespace"] == "NA"
    assert ranker["description"] == "line one\nline two, with comma"
    assert list(ranker["tags"]) == ["tier-1", "deprecated"] and ranker["deprecated"]
    assert list(ranker["owners"]) == ["team-recs", "ana"]
    assert json.loads(ranker["props"]) == {"auc": 0.71, "layers": [1, 2]}
    assert ranker["created_at"] == pd.Timestamp("2024-01-02 03:04:05.123456")
    assert pd.isna(nodes.set_index("id").loc["dataset:events", "namespace"])


def test_kind_filter_exports_indirect_edges_that_keep_models_connected(estate, tmp_path):
    sub = estate.upstream("service:api", kinds=["model"])
    write_subgraph(sub, tmp_path, "csv")
    nodes, edges = read_frames(tmp_path)
    assert sorted(nodes["id"]) == ["model:base", "model:ranker", "service:api"]
    got = {(r.source, r.target, r.type, r.indirect, r.hops) for r in edges.itertuples()}
    assert got == {
        ("service:api", "model:ranker", "serves", False, 1),
        # ranker -produced_by-> workflow:train -reads-> base
        ("model:ranker", "model:base", "indirect", True, 2),
    }


def test_depth_truncation_is_exported(graph, tmp_path):
    build(graph, chain(45))
    deep = graph.upstream("dataset:c45")
    assert len(deep) == 46 and not deep.truncated
    cut = graph.upstream("dataset:c45", depth=10)
    assert len(cut) == 11 and cut.truncated and "depth 10" in cut.truncated_reason
    [file] = write_subgraph(cut, tmp_path, "json")
    data = json.loads(file.read_text())
    assert data["truncated"] is True and "depth 10" in data["truncated_reason"]
    nodes, _ = cut.to_pandas()
    assert nodes["distance"].max() == 10


def test_json_is_the_design_shape_in_one_file(estate, tmp_path):
    sub = estate.upstream("model:ranker")
    [file] = write_subgraph(sub, tmp_path, "json")
    assert file.name == "subgraph.json"
    data = json.loads(file.read_text(encoding="utf-8"))
    assert data == json.loads(json.dumps(sub.to_dict(), default=str))
    assert {"nodes", "edges", "truncated"} <= set(data)
    assert {"id", "kind", "name"} <= set(data["nodes"][0])
    assert set(data["edges"][0]) == {"source", "target", "type"}
    ranker = next(n for n in data["nodes"] if n["id"] == "model:ranker")
    assert ranker["created_at"] == "2024-01-02T03:04:05.123456"


def test_empty_edges_still_have_their_columns(estate, tmp_path):
    sub = estate.upstream("dataset:events")
    for fmt in ("csv", "parquet"):
        write_subgraph(sub, tmp_path / fmt, fmt)
        nodes, edges = read_frames(tmp_path / fmt)
        assert len(nodes) == 1 and edges.empty and tuple(edges.columns) == EDGE_COLUMNS


def test_refuses_a_file_as_out_dir(estate, tmp_path):
    target = tmp_path / "taken"
    target.write_text("not a folder")
    with pytest.raises(mlg.MlgError, match="is a file, not a directory"):
        write_subgraph(estate.upstream("model:ranker"), target, "csv")
    assert target.read_text() == "not a folder"


def test_unknown_format_and_missing_export(estate, tmp_path):
    with pytest.raises(mlg.MlgError, match="csv, parquet, json"):
        write_subgraph(estate.upstream("model:ranker"), tmp_path, "xlsx")
    with pytest.raises(mlg.MlgError, match="no nodes/edges"):
        read_frames(tmp_path)
