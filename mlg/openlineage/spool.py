"""The receiver's durable spool: events accepted but not yet in the graph.

Each event is one file, written to `tmp/`, fsync'ed, renamed into `pending/` and the
directory fsync'ed — only then is the sender answered 2xx, so an acknowledged event
survives a crash (kill -9, power loss) of the receiver. Files are deleted only after
the transaction that applied them committed; applying twice is harmless because
ingest is idempotent. Events the graph refused are moved to `rejected/` with the
reason beside them.
"""

from __future__ import annotations

import fcntl
import itertools
import os
import threading
import time
from pathlib import Path

from mlg.errors import MlgError

SUFFIX = ".json"


class Spool:
    def __init__(self, directory: str | os.PathLike[str]):
        self.directory = Path(directory)
        self.pending = self.directory / "pending"
        self.tmp = self.directory / "tmp"
        self.rejected = self.directory / "rejected"
        for d in (self.directory, self.pending, self.tmp, self.rejected):
            d.mkdir(parents=True, exist_ok=True)
        _fsync_dir(self.directory)
        self._counter = itertools.count()
        self._lock = threading.Lock()
        self._lock_file: int | None = None

    def acquire(self) -> None:
        """Make this process the spool's only user (one receiver per spool)."""
        fd = os.open(self.directory / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            raise MlgError(
                f"spool {self.directory} is in use by another mlg serve-lineage; "
                "stop it first or give this one another --spool"
            ) from None
        self._lock_file = fd
        for stale in self.tmp.iterdir():  # half-written files of a crashed receiver
            stale.unlink(missing_ok=True)

    def release(self) -> None:
        if self._lock_file is not None:
            os.close(self._lock_file)
            self._lock_file = None

    def put(self, body: bytes) -> str:
        """Store one event durably; returns its name."""
        with self._lock:
            name = f"{time.time_ns():020d}-{next(self._counter):08d}{SUFFIX}"
        tmp = self.tmp / name
        with open(tmp, "wb") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, self.pending / name)
        _fsync_dir(self.pending)
        return name

    def names(self, limit: int | None = None) -> list[str]:
        """Pending events, oldest first."""
        names = sorted(n for n in os.listdir(self.pending) if n.endswith(SUFFIX))
        return names if limit is None else names[:limit]

    def count(self) -> int:
        return sum(1 for n in os.listdir(self.pending) if n.endswith(SUFFIX))

    def path(self, name: str) -> Path:
        return self.pending / name

    def read(self, name: str) -> bytes:
        return (self.pending / name).read_bytes()

    def remove(self, names: list[str]) -> None:
        for name in names:
            (self.pending / name).unlink(missing_ok=True)
        if names:
            _fsync_dir(self.pending)

    def reject(self, name: str, reason: str) -> None:
        """Set an event the graph refused aside, with why, for a person to look at."""
        (self.rejected / (name + ".reason.txt")).write_text(reason + "\n", encoding="utf-8")
        os.replace(self.pending / name, self.rejected / name)
        _fsync_dir(self.rejected)
        _fsync_dir(self.pending)

    def rejected_count(self) -> int:
        return sum(1 for n in os.listdir(self.rejected) if n.endswith(SUFFIX))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
