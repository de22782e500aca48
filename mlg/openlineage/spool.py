"""The receiver's durable spool: events accepted but not yet in the graph.

Each event is one file, written to `tmp/`, fsync'ed, renamed into `pending/` and the
directory fsync'ed — only then is the sender answered 2xx, so an acknowledged event
survives a crash (kill -9, power loss) of the receiver. Files are deleted only after
the transaction that applied them committed; applying twice is harmless because
ingest is idempotent. An acknowledged event that still cannot be applied (the graph
changed under it, or applying it failed) is moved to `dead-letter/` with the reason
beside it (`NAME.json.reason.txt`): never dropped silently, never blocking the events
behind it.
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
        self.dead_letter = self.directory / "dead-letter"
        for d in (self.directory, self.pending, self.tmp, self.dead_letter):
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
        """Set an acknowledged event that cannot be applied aside, with why, for a person
        to look at (and to re-send once fixed)."""
        (self.dead_letter / (name + ".reason.txt")).write_text(
            reason + "\n", encoding="utf-8", errors="replace"
        )
        os.replace(self.pending / name, self.dead_letter / name)
        _fsync_dir(self.dead_letter)
        _fsync_dir(self.pending)

    def dead_letter_count(self) -> int:
        return sum(1 for n in os.listdir(self.dead_letter) if n.endswith(SUFFIX))

    def dead_letters(self) -> list[tuple[str, str]]:
        """(name, reason) of every dead-lettered event, oldest first."""
        found = []
        for name in sorted(n for n in os.listdir(self.dead_letter) if n.endswith(SUFFIX)):
            reason_file = self.dead_letter / (name + ".reason.txt")
            try:
                reason = reason_file.read_text(encoding="utf-8", errors="replace").strip()
            except OSError:
                reason = "(no reason recorded)"
            found.append((name, reason))
        return found

    def in_use(self) -> bool:
        """True while a receiver holds this spool (for `serve-lineage --status`)."""
        fd = os.open(self.directory / "lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return True
        finally:
            os.close(fd)
        return False


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
