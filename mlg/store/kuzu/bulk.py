"""The bulk path into an empty Kuzu graph: a chunk per transaction into a new file,
swapped in for the target only when every chunk is in.

Kuzu keeps a transaction's uncommitted rows in memory until COMMIT, so one transaction
over a big input grows with the input. Into an EMPTY graph there is nothing to keep, so
the all-or-nothing guarantee can come from the file instead: every chunk is written in
its own transaction into `<graph>.building` (a new graph with its own graph_id, made by
database.acquire as any new graph is, with a bounded buffer pool), which is
checkpointed, closed and renamed over the target at the end (database.replace_file).
A kill -9 at any moment leaves the old (empty) graph or the new complete one; a
`.building` file a killed run left is removed by the next bulk ingest; a problem in
any chunk deletes the file and leaves the target as it was. The new graph_id makes the
derived indexes (search, topology) see a new graph and rebuild.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from mlg.errors import MlgError
from mlg.model import IngestReport
from mlg.store.image import NODE_TABLES
from mlg.store.kuzu import write
from mlg.store.port import Progress, WriteOutcome

if TYPE_CHECKING:
    from mlg.store.kuzu.store import KuzuStore
    from mlg.validation import Plan

SUFFIX = ".building"
BUFFER_POOL = 256 << 20  # the temporary database's buffer pool: what bounds Kuzu's memory


def _most_pool() -> int:
    """The largest buffer pool the temporary graph may grow to: half the RAM."""
    return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") // 2


def is_blank(store: KuzuStore) -> bool:
    """Whether the graph holds nothing at all (no asset, owner, run, alias or history)."""
    tables = {r["name"] for r in store.rows("CALL show_tables() RETURN *")}
    return all(store.count(f"MATCH (n:{t}) RETURN count(*)") == 0 for t in NODE_TABLES if t in tables)


def building_path(store: KuzuStore) -> Path:
    return Path(f"{store.path}{SUFFIX}")


def remove_building(path: Path) -> None:
    """The temporary file and whatever Kuzu or an index kept beside it."""
    for found in path.parent.glob(path.name + "*"):
        if found.is_dir():
            shutil.rmtree(found, ignore_errors=True)
        else:
            found.unlink(missing_ok=True)


class BulkWriter:
    """Writes plans into `<graph>.building`, one transaction each; `commit` swaps the
    file in. `store`: the temporary graph, for the reads planning a chunk needs (what
    earlier chunks wrote; ask for it each time: it is reopened when its buffer pool
    grows). Used as a context manager: leaving it without `commit` (an error in a
    chunk) deletes the temporary file.

    Kuzu plans a chunk's look-ups as joins over the whole Asset table, so what one
    transaction needs of the buffer pool grows with the graph (measured: 256 MB is full
    at ~250k assets with chunks of 50,000 records). A chunk refused for that ("buffer
    pool is full"; Kuzu has rolled it back, the chunks before it are committed) is
    written again after reopening the file with twice the pool, up to half the RAM."""

    def __init__(self, target: KuzuStore):
        from mlg.store.kuzu.store import KuzuStore

        self.target = target
        self.path = building_path(target)
        remove_building(self.path)  # a killed run's leftover
        self.pool = BUFFER_POOL
        self.store = KuzuStore(self.path, buffer_pool=self.pool)
        self._totals: dict[str, int] = {}
        self._files: list[str] = []
        self._owners_changed = False
        self._generation: int | None = None

    def write(self, plan: Plan, progress: Progress | None = None) -> None:
        """Write one plan in its own transaction of the temporary graph."""
        from mlg.store.kuzu.store import KuzuStore

        while True:
            try:
                outcome = write.write_plans(self.store, [plan], progress)
                break
            except MlgError as exc:
                if "buffer pool is full" not in str(exc) or self.pool * 2 > _most_pool():
                    raise
            self.store.close()
            self.pool *= 2
            self.store = KuzuStore(self.path, buffer_pool=self.pool)
        for name, value in dataclasses.asdict(outcome.report).items():
            if isinstance(value, int):
                self._totals[name] = self._totals.get(name, 0) + value
        self._files.extend(f for f in plan.files if f not in self._files)
        self._owners_changed = self._owners_changed or outcome.owners_changed
        self._generation = outcome.generation

    def commit(self) -> WriteOutcome:
        """Checkpoint and close the temporary graph, put it in place of the target's
        file and reopen the target on it; what was written, summed over the plans."""
        if self._generation is None:  # nothing written: the target stays as it is
            self.abandon()
            return WriteOutcome(IngestReport(files=tuple(self._files)), frozenset(), False, None)
        self.store.execute("CHECKPOINT")
        self.store.close()
        self.target.swap_in(self.path)
        return WriteOutcome(
            IngestReport(**self._totals, files=tuple(self._files)),
            None,  # every asset is new: the indexes rebuild (a new graph_id)
            self._owners_changed,
            self.target.state().generation,
        )

    def abandon(self) -> None:
        self.store.close()
        remove_building(self.path)

    def __enter__(self) -> BulkWriter:
        return self

    def __exit__(self, kind, exc, tb) -> None:
        if exc is not None:
            self.abandon()
