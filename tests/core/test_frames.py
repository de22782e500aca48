"""Every DataFrame mlg returns has the documented columns and dtypes, under the pandas
(2.2+ or 3) and pyarrow installed: the quick job of .ci/run runs this file with the
oldest supported pins, the full suite with the newest."""

from __future__ import annotations

import math
import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

from mlg.batch import Batch
from mlg.export import read_frames, write_subgraph
from mlg.frames import from_rows, string_dtype, to_pandas
from mlg.search import hits_to_pandas
from tests.conftest import REPO

STR, OBJECT, BOOL = string_dtype(), np.dtype(object), np.dtype(bool)
INT, FLOAT, TIME = pd.Int64Dtype(), np.dtype("float64"), np.dtype("datetime64[us]")

# As the README's "`Subgraph` columns" paragraph and mlg.subgraph's docstring say.
NODE_DTYPES = {
    **dict.fromkeys(("id", "kind", "name", "namespace", "family", "version", "description", "domain"), STR),
    "tags": OBJECT,
    "owners": OBJECT,
    "props": STR,
    "created_at": TIME,
    "updated_at": TIME,
    "distance": INT,
    "is_root": BOOL,
    "deprecated": BOOL,
}
EDGE_DTYPES = {"source": STR, "target": STR, "type": STR, "indirect": BOOL, "hops": INT}
LIST_COLUMNS = ("tags", "owners", "path", "relations")


@pytest.fixture
def estate(graph):
    """A deprecated dataset feeding a tier-1 model and the service serving it; the model
    has no namespace (a missing text value) and timestamps; the dataset is unowned and
    was made in the year 9999 (past what nanoseconds can hold)."""
    graph.ingest_batch(
        Batch.from_records(
            owners=[{"id": "team-recs", "kind": "team", "name": "Recs"}],
            assets=[
                {
                    "id": "dataset:events",
                    "kind": "dataset",
                    "name": "events",
                    "tags": ["deprecated"],
                    "created_at": "9999-12-31T00:00:00Z",  # beyond datetime64[ns]
                },
                {
                    "id": "feature:clicks",
                    "kind": "feature",
                    "name": "clicks",
                    "namespace": "feast",
                    "computed_from": ["dataset:events"],
                    "owners": ["team-recs"],
                },
                {
                    "id": "model:ranker",
                    "kind": "model",
                    "name": "ranker",
                    "version": "3",
                    "description": "ranks",
                    "tags": ["tier-1"],
                    "props": {"auc": 0.71},
                    "created_at": "2024-01-02T03:04:05.123456Z",
                    "uses_feature": ["feature:clicks"],
                    "owners": ["team-recs"],
                },
                {
                    "id": "service:api",
                    "kind": "service",
                    "name": "api",
                    "serves": ["model:ranker"],
                    "owners": ["team-recs"],
                },
            ],
        )
    )
    return graph


def _check(frame: pd.DataFrame, dtypes: dict) -> None:
    assert list(frame.columns) == list(dtypes)
    got = {name: frame[name].dtype for name in frame.columns}
    assert got == dtypes
    for name in set(LIST_COLUMNS) & set(frame.columns):
        assert all(v is None or type(v) is list for v in frame[name]), name


def test_the_string_dtype_is_pandas_strings_with_nan_for_missing():
    dtype = string_dtype()
    assert isinstance(dtype, pd.StringDtype) and dtype != OBJECT
    assert dtype.na_value is np.nan
    if int(pd.__version__.split(".")[0]) >= 3:
        assert dtype == "str"  # pandas 3's default: what `astype(str)` gives there
    series = pd.Series(["a", None], dtype=dtype)
    assert series.isna().tolist() == [False, True] and (series == "a").dtype == BOOL


def test_subgraph_frames_have_the_documented_dtypes(estate):
    sub = estate.upstream("service:api")
    nodes, edges = sub.to_pandas()
    _check(nodes, NODE_DTYPES)
    _check(edges, EDGE_DTYPES)
    ranker = nodes.set_index("id").loc["model:ranker"]
    # a missing text value is missing, not the text "None" (what astype(str) gives in pandas 2)
    assert pd.isna(ranker["namespace"]) and ranker["version"] == "3"
    assert ranker["tags"] == ["tier-1"] and ranker["owners"] == ["team-recs"]
    assert ranker["created_at"] == pd.Timestamp("2024-01-02 03:04:05.123456")
    assert nodes.set_index("id").loc["dataset:events", "created_at"] == pd.Timestamp("9999-12-31")
    assert nodes.set_index("id").loc["service:api", "distance"] == 0


def test_a_kind_filter_keeps_the_dtypes_of_indirect_edges(estate):
    _, edges = estate.upstream("service:api", kinds=["dataset"]).to_pandas()
    _check(edges, EDGE_DTYPES)
    assert edges.to_dict("records") == [
        {"source": "service:api", "target": "dataset:events", "type": "indirect", "indirect": True, "hops": 3}
    ]


def test_empty_frames_keep_their_dtypes(estate):
    nodes, edges = estate.upstream("dataset:events", kinds=["service"]).to_pandas()
    _check(nodes, NODE_DTYPES)
    assert edges.empty
    _check(edges, EDGE_DTYPES)


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_exports_read_back_with_the_documented_dtypes(estate, tmp_path, fmt):
    write_subgraph(estate.upstream("service:api"), tmp_path, fmt)
    nodes, edges = read_frames(tmp_path)
    _check(nodes, NODE_DTYPES)
    _check(edges, EDGE_DTYPES)
    expected_nodes, expected_edges = estate.upstream("service:api").to_pandas()
    pd.testing.assert_frame_equal(nodes, expected_nodes)
    # two walks may list the same edges in another order (Kuzu's result order)
    by_ends = ["source", "target", "type"]
    pd.testing.assert_frame_equal(
        edges.sort_values(by_ends, ignore_index=True), expected_edges.sort_values(by_ends, ignore_index=True)
    )
    assert nodes.set_index("id").loc["dataset:events", "created_at"] == pd.Timestamp("9999-12-31")


def test_impact_frame(estate):
    frame = estate.impact("dataset:events").to_frame()
    _check(
        frame,
        {
            "id": STR,
            "kind": STR,
            "name": STR,
            "distance": INT,
            "path": OBJECT,
            "relations": OBJECT,
            "owners": OBJECT,
        },
    )
    api = frame.set_index("id").loc["service:api"]
    assert api["path"] == ["dataset:events", "feature:clicks", "model:ranker", "service:api"]


def test_query_frame(estate):
    frame = estate.query(
        "MATCH (a:Asset) WHERE a.id = $id RETURN a.id AS id, a.namespace AS namespace, a.tags AS tags, "
        "a.created_at AS created, size(a.name) AS n, 1.5 AS f, a.version IS NULL AS no_version, "
        "map(['k'], [1]) AS m, {x: 1, y: ['z']} AS s, CAST(NULL AS STRING) AS missing",
        {"id": "model:ranker"},
    )
    _check(
        frame,
        {
            "id": STR,
            "namespace": STR,
            "tags": OBJECT,
            "created": TIME,
            "n": INT,
            "f": FLOAT,
            "no_version": BOOL,
            "m": OBJECT,
            "s": OBJECT,
            "missing": STR,
        },
    )
    [row] = frame.to_dict("records")
    # mlg stores missing optional text as "" (a Kuzu 0.11.3 defect: mlg/schema.py BLANK_FOR_NULL)
    assert row["namespace"] == "" and math.isnan(row["missing"]) and row["tags"] == ["tier-1"]
    assert row["m"] == {"k": 1} and row["s"] == {"x": 1, "y": ["z"]}


def test_search_frame(estate):
    frame = hits_to_pandas(estate.search("ranker"))
    _check(
        frame,
        {
            "id": STR,
            "kind": STR,
            "name": STR,
            "domain": STR,
            "tags": OBJECT,
            "description": STR,
            "match": STR,
            "score": FLOAT,
        },
    )
    assert frame["id"].iloc[0] == "model:ranker" and pd.isna(frame["domain"].iloc[0])


def test_consumers_and_report_frames(estate):
    _check(
        estate.consumers("model:ranker").to_pandas(),
        {"id": STR, "kind": STR, "name": STR, "relation": STR, "owners": OBJECT},
    )
    frames = estate.reuse_report().to_pandas()
    counts = dict.fromkeys(
        ("direct_consumers", "downstream", "models_downstream", "services_downstream"), INT
    )
    _check(frames["reused"], {"id": STR, "kind": STR, "name": STR, **counts})
    _check(frames["unowned"], {"id": STR, "kind": STR, "name": STR})
    deprecated = frames["deprecated_in_use"]
    _check(
        deprecated,
        {"deprecated": STR, "id": STR, "kind": STR, "name": STR, "tier_1": BOOL, "hops": INT, "path": OBJECT},
    )
    assert set(deprecated["id"]) == {"model:ranker", "service:api"}


def test_every_arrow_type_maps_the_same_way():
    table = pa.table(
        {
            "s": pa.array(["a", None], pa.string()),
            "ls": pa.array(["a", None], pa.large_string()),
            "i8": pa.array([1, None], pa.int8()),
            "u32": pa.array([1, None], pa.uint32()),
            "t": pa.array([0, None], pa.timestamp("us")),
            "far": pa.array([253402214400000000, None], pa.timestamp("us")),  # 9999-12-31
            "utc": pa.array([0, None], pa.timestamp("us", "UTC")),
        }
    )
    frame = to_pandas(table)
    assert {n: frame[n].dtype for n in frame.columns} == {
        "s": STR,
        "ls": STR,
        "i8": INT,
        "u32": INT,
        "t": TIME,
        "far": TIME,
        "utc": pd.DatetimeTZDtype("us", "UTC"),
    }
    assert frame["far"].iloc[0] == pd.Timestamp("9999-12-31")  # beyond datetime64[ns]
    assert frame["utc"].iloc[0] == pd.Timestamp(0, tz="UTC")
    assert from_rows([], {"a": "str", "n": "Int64"}).dtypes.tolist() == [STR, INT]


def test_the_readme_table_is_what_the_frames_have():
    """The README's column table says what these tests check (and every row is checked)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    labels = {"str": STR, "object": OBJECT, "datetime64[us]": TIME, "Int64": INT, "bool": BOOL}
    documented = {"nodes": {}, "edges": {}}
    for frame, columns, dtype in re.findall(r"^\| (nodes|edges) \| (.+?) \| `([^`]+)`", text, re.M):
        for name in re.findall(r"`(\w+)`", columns):
            documented[frame][name] = labels[dtype]
    assert documented == {"nodes": NODE_DTYPES, "edges": EDGE_DTYPES}
