"""What a connector's targets name: the files a path stands for, and one batch from many
targets. Shared by the connectors so each reads one thing the same way."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from mlg.batch import Batch
from mlg.errors import IngestError, Problem

Targets = Iterable[str | os.PathLike[str]]


def files_in(targets: Targets, wanted: Callable[[Path], bool], what: str) -> list[Path]:
    """A file target as it is; a directory target as the `wanted` files below it, sorted
    (an error naming the directory if it holds none: "holds no {what}"); a path that is
    neither is an error naming it."""
    files: list[Path] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if wanted(p))
            if not found:
                raise IngestError([Problem(str(path), "directory", None, None, f"holds no {what}")])
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise IngestError([Problem(str(path), "path", None, None, "no such file or directory")])
    return files


def batch_of_each(targets: Targets, read_one: Callable[[str], Batch]) -> Batch:
    """One batch of what `read_one` reads from each target, its source naming them all."""
    batch = Batch()
    for target in targets:
        part = read_one(os.fspath(target))
        batch.extend(part)
        batch.source = part.source if batch.source is None else f"{batch.source},{part.source}"
    return batch
