"""Arrow tables to pandas DataFrames, with the same dtypes under pandas 2.2+ and 3.

Every DataFrame mlg returns is made here, from an Arrow table, so its columns have the
documented dtypes whichever pandas (and pyarrow) is installed:

- text (Arrow string / large_string) -> the pandas string dtype with NaN for missing
  values: pandas 3's default ``str``; under pandas 2.2/2.3 the same dtype, spelled
  ``StringDtype("pyarrow_numpy")`` in 2.2 and ``StringDtype("pyarrow", na_value=nan)`` in
  2.3 (both print as ``string``). Never ``object``, which is what pandas 2 gives by default.
- whole numbers (any Arrow integer width) -> ``Int64`` (missing values stay ``<NA>``
  instead of turning the column into float);
- timestamps keep their Arrow unit (``datetime64[us]`` for Kuzu's TIMESTAMP): the
  conversion never coerces to nanoseconds;
- lists, structs and maps -> plain Python lists and dicts (``object`` columns), all the
  way down;
- everything else (bool, float64, ...) as pyarrow converts it.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas
    import pyarrow


@cache
def string_dtype() -> pandas.api.extensions.ExtensionDtype:
    """The dtype of every text column mlg returns (pandas 3's ``str``, under either pandas)."""
    import numpy as np
    import pandas as pd

    if int(pd.__version__.split(".")[0]) >= 3:
        return pd.StringDtype(na_value=np.nan)  # == "str"
    try:  # pandas 2.3
        return pd.StringDtype("pyarrow", na_value=np.nan)
    except TypeError:  # pandas 2.2: the same dtype under its first name
        return pd.StringDtype("pyarrow_numpy")


def to_pandas(table: pyarrow.Table) -> pandas.DataFrame:
    """`table` as a DataFrame with mlg's dtypes (see the module docstring)."""
    import pandas as pd
    import pyarrow as pa

    text = string_dtype()
    whole = pd.Int64Dtype()

    def mapped(kind: pa.DataType):
        if pa.types.is_string(kind) or pa.types.is_large_string(kind):
            return text
        if pa.types.is_integer(kind):
            return whole
        return None

    nested = [f for f in table.schema if pa.types.is_nested(f.type)]
    # Nested columns are made from Python objects below: Arrow's own conversion would
    # give numpy arrays of lists, and dicts of maps only with some pyarrow versions.
    flat = table.select([f.name for f in table.schema if f not in nested]) if nested else table
    frame = _arrow_to_pandas(flat, mapped)
    if not nested:
        return frame
    for f in nested:
        values = table.column(f.name).to_pylist()
        if not _flat_list(f.type):  # lists of plain values come out of to_pylist as they are
            values = [_plain(v, f.type) for v in values]
        frame[f.name] = pd.Series(values, index=frame.index, dtype=object)
    return frame[table.column_names]


def _arrow_to_pandas(table: pyarrow.Table, mapped) -> pandas.DataFrame:
    import pyarrow as pa

    if _pyarrow_major() >= 13:
        return table.to_pandas(types_mapper=mapped, coerce_temporal_nanoseconds=False)
    # pyarrow 10-12 make every timestamp datetime64[ns] (and fail past 2262): take them as
    # Python datetimes, tz-aware ones as naive UTC (these versions mix up time zone
    # objects), and give them back their own unit and zone. (They also hand pandas a
    # BlockManager: pandas warns with a DeprecationWarning, hidden by default; silencing
    # it with catch_warnings would not be thread-safe, and the explorer converts in a
    # worker thread.)
    stamps = [f for f in table.schema if pa.types.is_timestamp(f.type)]
    for f in stamps:
        if f.type.tz:
            i = table.schema.get_field_index(f.name)
            table = table.set_column(i, f.name, table.column(i).cast(pa.timestamp(f.type.unit)))
    frame = table.to_pandas(types_mapper=mapped, timestamp_as_object=True)
    for f in stamps:
        column = frame[f.name].astype(f"datetime64[{f.type.unit}]")
        frame[f.name] = column.dt.tz_localize("UTC").dt.tz_convert(f.type.tz) if f.type.tz else column
    return frame


@cache
def _pyarrow_major() -> int:
    import pyarrow as pa

    return int(pa.__version__.split(".")[0])


def from_rows(rows: list[dict[str, Any]], columns: dict[str, str]) -> pandas.DataFrame:
    """A DataFrame of `rows` (dicts) with these columns, each named with its dtype as the
    README names dtypes: ``str``, ``Int64``, ``float64``, ``bool``, ``datetime64[us]`` or
    ``list[str]``. Made through Arrow, so it has exactly the dtypes of `to_pandas`."""
    import pyarrow as pa

    types = {
        "str": pa.string(),
        "Int64": pa.int64(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "datetime64[us]": pa.timestamp("us"),
        "list[str]": pa.list_(pa.string()),
    }
    table = pa.table(
        {name: pa.array([row.get(name) for row in rows], types[kind]) for name, kind in columns.items()}
    )
    return to_pandas(table)


def _flat_list(kind: pyarrow.DataType) -> bool:
    """A list of values that are not nested (to_pylist gives plain lists of them)."""
    import pyarrow as pa

    is_list = pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind)
    return is_list and not pa.types.is_nested(kind.value_type)


def _plain(value: Any, kind: pyarrow.DataType) -> Any:
    """A nested Arrow value as plain Python, by its type: lists, and dicts for structs and
    maps (Arrow gives a map as (key, value) pairs), all the way down."""
    import pyarrow as pa

    if value is None:
        return None
    if pa.types.is_map(kind):
        return {k: _plain(v, kind.item_type) for k, v in value}
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return [_plain(v, kind.value_type) for v in value]
    if pa.types.is_struct(kind):
        fields = (kind.field(i) for i in range(kind.num_fields))
        return {f.name: _plain(value[f.name], f.type) for f in fields}
    return value
