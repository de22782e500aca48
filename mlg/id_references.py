"""Asset ids held inside text: the keys of a run's facets and an asset's `parent` prop.

A run's facets (mlg.runs) are a JSON object whose keys name assets: "io:<asset id>" (that
dataset's input/output facets in the run), "version:input:<asset id>" /
"version:output:<asset id>" (the dataset version the run read or wrote), and the same
keys again inside "_times" (the time of the event each came from). An asset's props may
name its `parent`. When assets take new ids (a re-key: mlg.lifecycle.identity, or the
schema 4 -> 5 upgrade), these texts are rewritten by the functions here, the same on
every backend.
"""

from __future__ import annotations

import json
from typing import Any

from mlg.model import canonical_json

TIMES = "_times"  # facet name -> time of the event it came from
IO_PREFIX = "io:"  # "io:<asset id>" -> that dataset's input/output facets in the run
# "version:input:<asset id>" / "version:output:<asset id>" -> the dataset version the run
# read or wrote (datasetVersion facet, else Iceberg's snapshot id); merged per key as
# facets are, so a START without versions and a COMPLETE with them give both
VERSION_PREFIX = "version:"


def facets_rekeyed(text: Any, rekeyed: dict[str, str]) -> str | None:
    """A run's facets (JSON text) with the asset ids of `rekeyed` (old -> new) renamed
    in their keys; None when nothing changes (or the text is not a JSON object)."""
    facets = json_object(text)
    if facets is None:
        return None
    moved = {_facet_key(k, rekeyed): v for k, v in facets.items()}
    if isinstance(moved.get(TIMES), dict):
        moved[TIMES] = {_facet_key(k, rekeyed): v for k, v in moved[TIMES].items()}
    return canonical_json(moved) if moved != facets else None


def props_rekeyed(text: Any, rekeyed: dict[str, str]) -> str | None:
    """An asset's props (JSON text) with its `parent` renamed if `rekeyed` names it;
    None when nothing changes."""
    props = json_object(text)
    if props is None or props.get("parent") not in rekeyed:
        return None
    return canonical_json({**props, "parent": rekeyed[props["parent"]]})


def json_object(text: Any) -> dict[str, Any] | None:
    """The JSON object `text` holds, or None (blank, not JSON, not an object)."""
    try:
        value = json.loads(text) if isinstance(text, str) and text else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _facet_key(key: str, rekeyed: dict[str, str]) -> str:
    if key.startswith(IO_PREFIX):
        asset = key[len(IO_PREFIX) :]
        return IO_PREFIX + rekeyed.get(asset, asset)
    if key.startswith(VERSION_PREFIX):
        direction, sep, asset = key[len(VERSION_PREFIX) :].partition(":")
        if sep:
            return f"{VERSION_PREFIX}{direction}:{rekeyed.get(asset, asset)}"
    return key
