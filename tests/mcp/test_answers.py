"""Answer shaping on its own: cuts are announced, values become plain JSON."""

from __future__ import annotations

import json
from datetime import datetime

import numpy as np
import pandas as pd

from mlg.mcp.answers import PROPS_CHARS, detail_answer, plain, rows_answer
from mlg.model import Asset, AssetDetail


def test_long_props_keep_short_values_and_say_so():
    wide = {f"col{i}": [{"dataset": "dataset:x", "field": f"f{i}"}] for i in range(200)}
    asset = Asset("dataset:y", "dataset", "y", props={"owner_note": "short", "column_lineage": wide})
    answer = detail_answer(AssetDetail(asset, (), (), (), ()), limit=10)
    assert answer["props"]["owner_note"] == "short"
    assert (
        answer["props"]["column_lineage"].startswith("<")
        and "characters of JSON left out" in answer["props"]["column_lineage"]
    )
    assert len(json.dumps(answer)) < PROPS_CHARS
    assert answer["truncated"] is True and "props" in answer["truncated_reason"]


def test_a_short_asset_is_whole():
    asset = Asset("model:m", "model", "m", description="d" * 10, props={"a": 1})
    answer = detail_answer(AssetDetail(asset, (), (), (), ()), limit=10)
    assert answer["props"] == {"a": 1} and answer["description"] == "d" * 10
    assert answer["truncated"] is False and "truncated_reason" not in answer


def test_query_cells_become_plain_json():
    assert plain(pd.NaT) is None and plain(pd.NA) is None and plain(float("nan")) is None
    assert plain(np.int64(3)) == 3 and isinstance(plain(np.int64(3)), int)
    assert plain(pd.Timestamp("2024-01-02T03:04:05")) == "2024-01-02T03:04:05"
    assert plain(datetime(2024, 1, 2)) == "2024-01-02T00:00:00"
    assert plain({"_id": {"offset": np.int64(1)}, "l": (1, None)}) == {"_id": {"offset": 1}, "l": [1, None]}
    frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "s": ["a", "b"]})
    answer = rows_answer(frame, limit=1)
    assert answer == {
        "columns": ["n", "s"],
        "row_count": 2,
        "rows": [[1, "a"]],
        "truncated": True,
        "truncated_reason": "the query returned 2 rows; showing the first 1 (add LIMIT or aggregate)",
    }
    json.dumps(rows_answer(frame, limit=5))  # every cell serialises
