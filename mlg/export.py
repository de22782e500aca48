"""Writing a Subgraph to files: CSV, Parquet or JSON, with the columns of mlg.subgraph.

- csv:     `nodes.csv` and `edges.csv`. List columns (tags, owners) hold JSON arrays,
           props holds a JSON object, times are `YYYY-MM-DD HH:MM:SS[.ffffff]` (UTC),
           booleans `True`/`False`, and an empty field is a missing value.
- parquet: `nodes.parquet` and `edges.parquet`, typed as `Subgraph.to_arrow()`.
- json:    one `subgraph.json` holding `Subgraph.to_dict()` — the DESIGN §6 shape
           `{"roots", "nodes", "edges", "truncated", "truncated_reason"}` that
           `mlg lineage --format json` prints.

`read_frames(directory)` reads csv or parquet exports back as the DataFrames
`Subgraph.to_pandas()` returns (same columns, same dtypes).
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from mlg.errors import MlgError
from mlg.frames import to_pandas
from mlg.subgraph import Subgraph

if TYPE_CHECKING:
    import pandas

FORMATS = ("csv", "parquet", "json")

# How csv text maps back to typed columns (by column name; every other column is str).
_LIST_COLUMNS = ("tags", "owners", "path", "relations")
_INT_COLUMNS = ("distance", "hops")
_BOOL_COLUMNS = ("is_root", "deprecated", "indirect")
_TIME_COLUMNS = ("created_at", "updated_at")


def write_subgraph(subgraph: Subgraph, out_dir: str | os.PathLike[str], fmt: str = "csv") -> list[Path]:
    """Write `subgraph` into `out_dir` (created if missing); returns the files written."""
    if fmt not in FORMATS:
        raise MlgError(f"export format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise MlgError(f"cannot export to {out}: it is a file, not a directory; choose another --out")
    try:
        out.mkdir(parents=True, exist_ok=True)
        if fmt == "json":
            target = out / "subgraph.json"
            target.write_text(
                json.dumps(subgraph.to_dict(), indent=2, ensure_ascii=False, default=str) + "\n",
                encoding="utf-8",
            )
            return [target]
        nodes, edges = subgraph.to_arrow()
        written = []
        for name, table in (("nodes", nodes), ("edges", edges)):
            target = out / f"{name}.{fmt}"
            if fmt == "parquet":
                import pyarrow.parquet as pq

                pq.write_table(table, target)
            else:
                frame_to_csv(to_pandas(table), target)
            written.append(target)
        return written
    except OSError as exc:
        raise MlgError(f"cannot write the export to {out}: {exc.strerror or exc}") from exc


def frame_to_csv(frame: pandas.DataFrame, dest: str | os.PathLike[str] | None = None) -> str | None:
    """CSV of a DataFrame, list values as JSON arrays. Returns the text when `dest` is None."""
    frame = frame.copy()
    for name in frame.columns:
        if name in _LIST_COLUMNS:
            frame[name] = [
                None if v is None else json.dumps(list(v), ensure_ascii=False) for v in frame[name]
            ]
    if dest is None:
        buffer = io.StringIO()
        frame.to_csv(buffer, index=False)
        return buffer.getvalue()
    frame.to_csv(dest, index=False, encoding="utf-8")
    return None


def read_frames(directory: str | os.PathLike[str]) -> tuple[pandas.DataFrame, pandas.DataFrame]:
    """(nodes, edges) DataFrames of a csv or parquet export, typed as `Subgraph.to_pandas()`."""
    folder = Path(directory)
    for fmt in ("parquet", "csv"):
        files = [folder / f"{name}.{fmt}" for name in ("nodes", "edges")]
        if all(f.is_file() for f in files):
            read = _read_parquet if fmt == "parquet" else read_csv
            return read(files[0]), read(files[1])
    raise MlgError(f"{folder} holds no nodes/edges .csv or .parquet export")


def _read_parquet(path: Path) -> pandas.DataFrame:
    import pyarrow.parquet as pq

    return to_pandas(pq.read_table(path))


def read_csv(path: str | os.PathLike[str]) -> pandas.DataFrame:
    """One csv written by mlg, with its columns typed back (str, Int64, bool, datetime64[us],
    lists): parsed into an Arrow table, then converted as every frame is (mlg.frames)."""
    import datetime as dt

    import pandas as pd
    import pyarrow as pa

    text = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    columns = {}
    for name in text.columns:
        values = [v if isinstance(v, str) else None for v in text[name]]
        if name in _LIST_COLUMNS:
            columns[name] = pa.array([_maybe(json.loads, v) for v in values], pa.list_(pa.string()))
        elif name in _INT_COLUMNS:
            columns[name] = pa.array([_maybe(int, v) for v in values], pa.int64())
        elif name in _BOOL_COLUMNS:
            columns[name] = pa.array([v == "True" for v in values], pa.bool_())
        elif name in _TIME_COLUMNS:
            # Python parses the text: pandas 2 would refuse years past 2262 (nanoseconds)
            columns[name] = pa.array(
                [_maybe(dt.datetime.fromisoformat, v) for v in values], pa.timestamp("us")
            )
        else:
            columns[name] = pa.array(values, pa.string())
    return to_pandas(pa.table(columns) if columns else pa.table({}))


def _maybe(parse, value: str | None):
    return None if value is None else parse(value)
