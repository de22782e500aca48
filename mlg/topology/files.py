"""The topology index on disk: one folder of ``.npy`` arrays beside the graph, memory-mapped.

Written into a temporary folder and renamed into place, so a reader sees the old index or
the new one, never half of one (a crash leaves at most a stray ``*.tmp-*`` folder, which
the next save removes). `generation` in ``meta.json`` is the graph generation the arrays
reflect: a reader whose graph has moved on treats the index as stale.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pyarrow as pa

from mlg.topology.csr import Rows, Topology

FORMAT = 1
_ARRAYS = ("pointers", "targets", "types")


def save_topology(
    topology: Topology,
    folder: Path,
    *,
    arrays: dict[str, np.ndarray] | None = None,
    tables: dict[str, pa.Table] | None = None,
    meta: dict | None = None,
) -> None:
    """Write `topology` (and any extra named `arrays`, Arrow `tables` and `meta` entries
    that a store keeps beside it) into `folder`, replacing what was there atomically."""
    folder = Path(folder)
    folder.parent.mkdir(parents=True, exist_ok=True)
    for stray in folder.parent.glob(f"{folder.name}.tmp-*"):
        shutil.rmtree(stray, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=f"{folder.name}.tmp-", dir=folder.parent))
    for direction, rows in (("forward", topology.forward), ("reverse", topology.reverse)):
        for name in _ARRAYS:
            np.save(staging / f"{direction}.{name}.npy", getattr(rows, name))
    for name, array in (arrays or {}).items():
        np.save(staging / f"extra.{name}.npy", array)
    for name, table in (tables or {}).items():
        with pa.OSFile(str(staging / f"table.{name}.arrow"), "wb") as sink:
            with pa.ipc.new_file(sink, table.schema) as writer:
                writer.write_table(table)
    meta = {
        **(meta or {}),
        "format": FORMAT,
        "n": topology.n,
        "generation": topology.generation,
        "types": topology.type_names,
    }
    (staging / "meta.json").write_text(json.dumps(meta))
    for path in staging.iterdir():
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
    old = None
    if folder.exists():
        old = folder.with_name(f"{folder.name}.tmp-old")
        shutil.rmtree(old, ignore_errors=True)
        os.rename(folder, old)
    os.rename(staging, folder)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def load_topology(folder: Path) -> Topology | None:
    """The index in `folder`, memory-mapped; None when there is none or it is unreadable
    (a derived index is rebuilt, never repaired)."""
    folder = Path(folder)
    try:
        meta = json.loads((folder / "meta.json").read_text())
        if meta.get("format") != FORMAT:
            return None
        parts = {}
        for direction in ("forward", "reverse"):
            arrays = {name: np.load(folder / f"{direction}.{name}.npy", mmap_mode="r") for name in _ARRAYS}
            parts[direction] = Rows(**arrays)
    except (OSError, ValueError, KeyError):
        return None
    n = int(meta["n"])
    if len(parts["forward"].pointers) != n + 1 or len(parts["reverse"].pointers) != n + 1:
        return None
    return Topology(
        n=n,
        forward=parts["forward"],
        reverse=parts["reverse"],
        type_names=tuple(meta["types"]),
        generation=int(meta["generation"]),
    )


def load_extra_array(folder: Path, name: str) -> np.ndarray:
    """An extra array saved with the topology, memory-mapped."""
    return np.load(Path(folder) / f"extra.{name}.npy", mmap_mode="r")


def load_extra_table(folder: Path, name: str) -> pa.Table:
    """An extra Arrow table saved with the topology, memory-mapped (zero-copy)."""
    source = pa.memory_map(str(Path(folder) / f"table.{name}.arrow"), "r")
    return pa.ipc.open_file(source).read_all()


def load_meta(folder: Path) -> dict | None:
    try:
        return json.loads((Path(folder) / "meta.json").read_text())
    except (OSError, ValueError):
        return None
