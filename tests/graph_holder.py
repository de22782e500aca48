"""Another process that holds a Kuzu graph open read-write, as a second `mlg` would: the
tests of what a locked graph looks like (clear errors, the receiver spooling) share it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

_HOLD = "import sys, mlg\ng = mlg.open(sys.argv[1])\nprint('holding', flush=True)\nsys.stdin.readline()\n"


class GraphHolder:
    """`with GraphHolder(path):` — the graph at `path` is held by another process inside
    the block (entered only once the holder says so); `release()` lets it go early."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> GraphHolder:
        self.process = subprocess.Popen(
            [sys.executable, "-c", _HOLD, str(self.path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        line = self.process.stdout.readline().strip()
        if line != "holding":
            self.process.kill()
            self.process.wait(timeout=30)
            raise AssertionError(f"the holder of {self.path} did not start: {line!r}")
        return self

    def release(self, timeout: float = 60) -> None:
        """The holder closes the graph and exits (waits at most `timeout` seconds)."""
        if self.process is not None and self.process.poll() is None:
            self.process.communicate("\n", timeout=timeout)

    def __exit__(self, *exc) -> None:
        try:
            self.release()
        finally:
            if self.process is not None and self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=30)
